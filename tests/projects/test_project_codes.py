"""Project codes are unique per organisation: a partner's references are its own.

A code another organisation uses is neither a reason to refuse a partner's work nor a
way to learn that the code exists (issue #14); the municipality's departments share one
series; the programme keeps telling the projects apart by their keys.
"""

import pytest
from django.core.exceptions import ValidationError

from programming.selectors import _project_works
from tests.factories import ActorFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_two_organisations_may_use_the_same_code():
    ProjectFactory(code="W-1", owner=ActorFactory(partner=True))
    other = ProjectFactory.build(code="W-1", owner=ActorFactory(partner=True))

    other.full_clean()


def test_one_organisation_uses_a_code_once():
    enexis = ActorFactory(partner=True)
    ProjectFactory(code="W-1", owner=enexis)

    with pytest.raises(ValidationError) as raised:
        ProjectFactory.build(code="W-1", owner=enexis).full_clean()
    assert "Deze organisatie heeft al een project met deze code." in str(raised.value)


def test_the_municipalitys_departments_share_one_series_of_codes():
    ProjectFactory(code="P2027-001", owner=ActorFactory(name="Stadsbeheer"))
    other_department = ProjectFactory.build(
        code="P2027-001", owner=ActorFactory(name="Stadsontwikkeling")
    )

    with pytest.raises(ValidationError) as raised:
        other_department.full_clean()
    assert raised.value.message_dict["code"] == ["De gemeente heeft al een project met deze code."]


def test_works_of_projects_with_one_code_keep_apart_and_the_oldest_keeps_its_key():
    first = ProjectFactory(code="W-1", owner=ActorFactory(partner=True))
    second = ProjectFactory(code="W-1", owner=ActorFactory(partner=True))

    keys = {work.label: work.key for work in _project_works(ProgrammeFactory())}

    assert keys[f"W-1 {first.name}"] == "P:W-1"
    assert keys[f"W-1 {second.name}"] == f"P:{second.owner_id}:W-1"
