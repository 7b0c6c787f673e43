"""What extra money buys, for a programme (#19 §2): the sentence, the page, the API and
the workbook sheet, all from `programming.whatif`."""

from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from programming.engine.instance import InstanceError
from programming.models import Work
from programming.services import programme_compute
from programming.whatif import WhatIfError, default_choice, extra_money, parse_amounts
from programming.whatif_api import answer_data
from programming.workbook import write_workbook
from stakeholders.choices import Role
from stakeholders.models import BudgetAmount
from tests.api.conftest import client_for
from tests.factories import (
    ActorFactory,
    AreaFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def dorpsstraat():
    """Two municipal projects in the Dorpsstraat in Nieuwleusen, each €100.000 on
    Riolering and only possible in 2028, which has €150.000: one fits. The pair couples
    (same street, same year): done together the cheaper one's opening share is saved.

    Extra money in 2028: the other project's gap is €50.000 (€100.000 less the €50.000
    left), and with it both go ahead together, digging the street once instead of twice.
    """
    municipality = ActorFactory(name="Gemeente")
    nieuwleusen = AreaFactory(name="Nieuwleusen")
    line = BudgetLineFactory(code="riolering", name="Riolering", owner=municipality)
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget_line=line, year=year, amount=Decimal(150_000 if year == 2028 else 0))
        for year in range(2026, 2032)
    )
    for code, name in (("R-1", "Riool Dorpsstraat"), ("R-2", "Herinrichting Dorpsstraat")):
        project = ProjectFactory(
            code=code, name=name, owner=municipality, street="Dorpsstraat", start_year=2028,
            end_year=2028, shift_early=0, shift_late=0, opens_street=True,
        )  # fmt: skip
        project.areas.add(nieuwleusen)
        FundingFactory(project=project, budget_line=line, year=2028, amount=Decimal(100_000))
    programme = ProgrammeFactory(first_year=2026, horizon=6, price_year=2025)
    for code in ("urgentie", "koppeling", "ambitie"):
        CriterionFactory(framework=programme.framework, code=code, weight=Decimal(10))
    programme_compute(programme)
    assert Work.objects.filter(programme=programme, scheduled_year=2028).count() == 1
    return programme


def test_the_next_work_and_the_opening_it_saves_in_the_councils_words(dorpsstraat):
    answer = extra_money(dorpsstraat, "riolering", 2028, max_steps=3)
    [step] = answer.steps
    unfunded = Work.objects.get(programme=dorpsstraat, scheduled_year__isnull=True)
    assert step.extra == Decimal("50000.00")
    assert [w.key for w in step.funded] == [unfunded.key]
    assert step.dropped == []
    assert (step.openings_sectoral, step.openings_integrated, step.openings_saved) == (2, 1, 1)
    assert (step.place, step.place_saved) == ("Nieuwleusen", 1)
    assert step.sentence == (
        "Met € 50.000 extra op Riolering in 2028 gaat 1 werk door en gaat de straat in "
        "Nieuwleusen 1 keer minder open."
    )
    with translation.override("en"):
        english = extra_money(dorpsstraat, "riolering", 2028, [Decimal(1_200_000)])
    assert english.sentence == (
        "With €1.2 million extra on Riolering in 2028, 1 work goes ahead and the street in "
        "Nieuwleusen is opened 1 time fewer."
    )


def test_amounts_are_read_the_dutch_way():
    assert parse_amounts("500.000, 1,2 mln; 2000000,75") == [
        Decimal("500000.00"),
        Decimal("1200000.00"),
        Decimal("2000000.75"),
    ]
    assert parse_amounts("") == []
    for bad in ("-5", "veel", "0", ",".join(["1"] * 9)):
        with pytest.raises(WhatIfError) as error:
            parse_amounts(bad)
        assert error.value.field == "bedragen"


def test_a_line_or_year_outside_the_programme_is_refused(dorpsstraat):
    with pytest.raises(WhatIfError) as error:
        extra_money(dorpsstraat, "onbekend", 2028)
    assert error.value.field == "budgetregel"
    with pytest.raises(WhatIfError) as error:
        extra_money(dorpsstraat, "riolering", 2040)
    assert error.value.field == "jaar"


def test_the_page_shows_the_curve_the_works_and_the_sentence(client, dorpsstraat):
    client.force_login(user_with_role(Role.VIEWER))
    url = reverse("programming:programme_extra_money", args=[dorpsstraat.pk])
    # Without a choice the page opens where money helps most: Riolering in 2028.
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-current="page">Extra geld<' in html
    assert "gaat de straat in Nieuwleusen 1 keer minder open." in html
    assert "<svg" in html
    assert "<table" in html
    funded = Work.objects.get(programme=dorpsstraat, scheduled_year__isnull=True)
    assert reverse("programming:programme_work", args=[dorpsstraat.pk, funded.pk]) in html
    chosen = client.get(url, {"budgetregel": "riolering", "jaar": "2028", "bedragen": "10.000"})
    assert chosen.status_code == 200
    assert "Met € 10.000 extra op Riolering in 2028 gaat geen werk meer door." in (
        chosen.content.decode()
    )


def test_bad_input_on_the_page_names_the_field(client, dorpsstraat):
    client.force_login(user_with_role(Role.VIEWER))
    url = reverse("programming:programme_extra_money", args=[dorpsstraat.pk])
    page = client.get(url, {"budgetregel": "riolering", "jaar": "2040"})
    assert page.status_code == 400
    assert 'data-field="jaar"' in page.content.decode()
    assert "2040 ligt buiten de looptijd" in page.content.decode()
    page = client.get(url, {"budgetregel": "riolering", "jaar": "2028", "bedragen": "veel"})
    assert page.status_code == 400
    assert 'data-field="bedragen"' in page.content.decode()


def test_anonymous_users_log_in_and_partners_are_refused(client, dorpsstraat):
    url = reverse("programming:programme_extra_money", args=[dorpsstraat.pk])
    assert client.get(url).status_code == 302
    partner = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True))
    client.force_login(partner)
    assert client.get(url).status_code == 403
    api = client_for(partner).get(f"/api/v1/programmas/{dorpsstraat.pk}/extra-geld")
    assert api.status_code == 403


def test_the_api_answers_and_names_a_bad_parameter(dorpsstraat):
    api = client_for(user_with_role(Role.VIEWER))
    url = f"/api/v1/programmas/{dorpsstraat.pk}/extra-geld"
    answer = api.get(url, {"budgetregel": "riolering", "jaar": 2028})
    assert answer.status_code == 200
    body = answer.json()
    assert body["budget_line"] == "riolering"
    assert [step["extra"] for step in body["steps"]] == ["50000.00"]
    assert body["steps"][0]["openings_saved"] == 1
    assert body["sentence"].startswith("Met € 50.000 extra op Riolering in 2028")
    for query, name in (
        ({"jaar": 2028}, "budgetregel"),
        ({"budgetregel": "riolering", "jaar": 1999}, "jaar"),
        ({"budgetregel": "riolering", "jaar": 2028, "bedragen": "-1"}, "bedragen"),
    ):
        bad = api.get(url, query)
        assert bad.status_code == 400
        assert bad["Content-Type"].startswith("application/problem+json")
        assert name in bad.content.decode()


def test_the_workbook_sheet_has_the_apis_figures(dorpsstraat, tmp_path):
    path = tmp_path / "werkboek.xlsx"
    with path.open("wb") as target:
        write_workbook(dorpsstraat, target)
    sheet = openpyxl.load_workbook(path, read_only=True)["Extra geld"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "riolering"]
    assert default_choice(dorpsstraat) == ("riolering", 2028), "the cell the page opens on"
    expected = answer_data(extra_money(dorpsstraat, "riolering", 2028, max_steps=3))
    assert [(row[2], row[3]) for row in rows] == [
        (2028, float(step["extra"])) for step in expected["steps"]
    ]
    assert rows[0][-1] == expected["steps"][0]["sentence"]


def test_a_programme_the_engine_refuses_is_explained_not_crashed(client, dorpsstraat, monkeypatch):
    # E.g. a decided coupling naming a work the inputs no longer have.
    def refuse(programme):
        raise InstanceError("koppeling met onbekende werken: P:X")

    monkeypatch.setattr("programming.whatif.programme_instance", refuse)
    client.force_login(user_with_role(Role.VIEWER))
    page = client.get(reverse("programming:programme_extra_money", args=[dorpsstraat.pk]))
    assert page.status_code == 200
    assert "koppeling met onbekende werken: P:X" in page.content.decode()
    api = client_for(user_with_role(Role.VIEWER)).get(
        f"/api/v1/programmas/{dorpsstraat.pk}/extra-geld",
        {"budgetregel": "riolering", "jaar": 2028},
    )
    assert api.status_code == 409
