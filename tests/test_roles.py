"""Roles applied alike in pages, API, exports and admin: per role what is allowed and
what is refused (docs/roles.md). Partner isolation in depth: tests/api/test_partner_flow.py.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assets.importing.service import import_file
from assets.models import Asset, Inspection
from impor.choices import Discipline
from programming.models import CouplingDecision, Programme
from projects.models import Project
from stakeholders.choices import Role
from tests.api.conftest import user_with_role
from tests.assets.test_import import GOOD_ROWS, HEADER, municipality, stored, write  # noqa: F401
from tests.factories import (
    ActorFactory,
    AssetClassFactory,
    AssetFactory,
    CouplingFactory,
    ProgrammeFactory,
    ProjectFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two partners with a work each in a computed programme, and a sewer and a tree."""
    enexis = ActorFactory(name="Enexis Netbeheer", partner=True)
    vechthorst = ActorFactory(name="Vechthorst", partner=True)
    programme = ProgrammeFactory(computed_at="2025-11-01T10:00Z")
    own = ProjectFactory(owner=enexis, name="Netverzwaring")
    other = ProjectFactory(owner=vechthorst, name="Renovatie Vechthorst")
    tree_class = AssetClassFactory(discipline=Discipline.GROEN, code="boom", name="Boom")
    rows = {
        "enexis": enexis,
        "programme": programme,
        "coupling": CouplingFactory(programme=programme),
        "own_project": own,
        "other_project": other,
        "own_work": WorkFactory(programme=programme, project=own),
        "other_work": WorkFactory(programme=programme, project=other),
        "sewer": AssetFactory(),
        "tree": AssetFactory(asset_class=tree_class),
        "tree_class": tree_class,
    }
    # Computed after its inputs, so its results are fresh and may be adopted.
    Programme.objects.filter(pk=programme.pk).update(computed_at=timezone.now())
    return rows


def make_user(role: str, world):
    """The user of a role key; `riolering` is an editor limited to that discipline."""
    if role == "partner":
        return user_with_role(Role.PARTNER, organisation=world["enexis"])
    if role == "partner_admin":
        return user_with_role(Role.ADMINISTRATOR, organisation=world["enexis"])
    if role == "riolering":
        return user_with_role(Role.EDITOR, disciplines=[Discipline.RIOLERING])
    return user_with_role(Role(role))


VIEWER, EDITOR, MANAGER, ADMIN = "lezer", "bewerker", "programmamanager", "beheerder"
RIOOL, PARTNER = "riolering", "partner"


def page(world, name: str, *args: str) -> str:
    return reverse(name, args=[world[a].pk if a in world else a for a in args])


ADOPT = {"adopted_on": "2026-01-15", "adopted_by": "raad"}
ACCEPT = {"status": "geaccepteerd", "reason": ""}

#: (role, method, page URL name and the world objects of its arguments, data, status)
PAGES = [
    # Reading: every municipal role; writing a project: not a viewer.
    (VIEWER, "get", ("projects:project_list",), None, 200),
    (VIEWER, "get", ("projects:project_detail", "other_project"), None, 200),
    (VIEWER, "get", ("projects:project_create",), None, 403),
    (EDITOR, "get", ("projects:project_create",), None, 200),
    (VIEWER, "get", ("projects:project_update", "own_project"), None, 403),
    (EDITOR, "get", ("projects:project_update", "own_project"), None, 200),
    # Adopting a programme and deciding a coupling: programme managers only.
    (EDITOR, "post", ("programming:programme_adopt", "programme"), ADOPT, 403),
    (MANAGER, "post", ("programming:programme_adopt", "programme"), ADOPT, 302),
    (EDITOR, "post", ("programming:coupling_decide", "programme", "coupling"), ACCEPT, 403),
    (MANAGER, "post", ("programming:coupling_decide", "programme", "coupling"), ACCEPT, 302),
    (EDITOR, "post", ("programming:programme_run", "programme"), None, 403),
    # Exports: the workbook needs the programme; partners get their own works only.
    (VIEWER, "get", ("programming:programme_workbook", "programme"), None, 200),
    (PARTNER, "get", ("programming:programme_workbook", "programme"), None, 403),
    (PARTNER, "get", ("programming:programme_export_werken_csv", "programme"), None, 200),
    (VIEWER, "get", ("programming:programme_export_werken_csv", "programme"), None, 200),
    (VIEWER, "get", ("projects:partner_template",), None, 403),
    (PARTNER, "get", ("projects:partner_template",), None, 200),
    # Partners: their own work, never another partner's, and no programme pages.
    (PARTNER, "get", ("projects:project_detail", "own_project"), None, 200),
    (PARTNER, "get", ("projects:project_detail", "other_project"), None, 404),
    (PARTNER, "get", ("projects:project_update", "other_project"), None, 404),
    (PARTNER, "get", ("programming:programme_detail", "programme"), None, 403),
    (PARTNER, "get", ("assets:asset_list",), None, 403),
    # The discipline limit: read everything, write only sewers.
    (RIOOL, "get", ("assets:asset_detail", "tree"), None, 200),
    (RIOOL, "get", ("assets:asset_update", "tree"), None, 403),
    (RIOOL, "get", ("assets:asset_update", "sewer"), None, 200),
    (EDITOR, "get", ("assets:asset_update", "tree"), None, 200),
    (VIEWER, "get", ("assets:asset_update", "sewer"), None, 403),
    # The admin: administrators only, and never a partner.
    (ADMIN, "get", ("admin:index",), None, 200),
    (ADMIN, "get", ("admin:stakeholders_user_changelist",), None, 200),
    (MANAGER, "get", ("admin:index",), None, 302),
    (EDITOR, "get", ("admin:index",), None, 302),
    (PARTNER, "get", ("admin:index",), None, 302),
    ("partner_admin", "get", ("admin:index",), None, 302),
]


@pytest.mark.parametrize(
    ("role", "method", "target", "data", "status"),
    PAGES,
    ids=[f"{r}-{m}-{t[0]}-{'-'.join(t[1:])}" for r, m, t, _d, _s in PAGES],
)
def test_pages(client, world, role, method, target, data, status):
    client.force_login(make_user(role, world))
    response = getattr(client, method)(page(world, *target), data)
    assert response.status_code == status
    if status == 302 and target[0] == "admin:index":
        assert response["Location"].startswith(reverse("admin:login"))


API = "/api/v1"
#: (role, method, URL with {world key} fields, data, status)
ENDPOINTS = [
    (VIEWER, "get", "/projecten/{own_project}", None, 200),
    (VIEWER, "post", "/projecten", {}, 403),
    (EDITOR, "post", "/projecten", {}, 400),  # past the permission; the data is refused
    (VIEWER, "delete", "/projecten/{own_project}", None, 403),
    (EDITOR, "delete", "/projecten/{own_project}", None, 204),
    (EDITOR, "post", "/programmas/{programme}/vaststellen", ADOPT, 403),
    (MANAGER, "post", "/programmas/{programme}/vaststellen", ADOPT, 200),
    (EDITOR, "post", "/programmas/{programme}/koppelkansen/{coupling}/besluit", ACCEPT, 403),
    (MANAGER, "post", "/programmas/{programme}/koppelkansen/{coupling}/besluit", ACCEPT, 200),
    (EDITOR, "post", "/programmas", {}, 403),
    (VIEWER, "get", "/programmas/{programme}/raadswerkboek", None, 200),
    (PARTNER, "get", "/programmas/{programme}/raadswerkboek", None, 403),
    (PARTNER, "get", "/programmas/{programme}/werken/{own_work}", None, 200),
    (PARTNER, "get", "/programmas/{programme}/werken/{other_work}", None, 404),
    (PARTNER, "get", "/projecten/{other_project}", None, 404),
    (PARTNER, "get", "/beheerobjecten", None, 403),
    (RIOOL, "get", "/beheerobjecten/{tree}", None, 200),
    (RIOOL, "patch", "/beheerobjecten/{tree}", {"street": "Molenweg"}, 403),
    (RIOOL, "delete", "/beheerobjecten/{tree}", None, 403),
    (RIOOL, "patch", "/beheerobjecten/{sewer}", {"street": "Molenweg"}, 200),
    (RIOOL, "patch", "/beheerobjecten/{sewer}", {"asset_class": "{tree_class}"}, 403),
    (EDITOR, "patch", "/beheerobjecten/{tree}", {"street": "Molenweg"}, 200),
    (RIOOL, "post", "/inspecties", {"asset": "{tree}", "date": "2025-05-01", "condition": 3}, 403),
    (RIOOL, "post", "/inspecties", {"asset": "{sewer}", "date": "2025-05-01", "condition": 3}, 201),
]


def _fill(value, world):
    if isinstance(value, str):
        return value.format(**{k: getattr(v, "pk", "") for k, v in world.items()})
    if isinstance(value, dict):
        filled = {k: _fill(v, world) for k, v in value.items()}
        return {k: int(v) if k in ("asset", "asset_class") else v for k, v in filled.items()}
    return value


@pytest.mark.parametrize(
    ("role", "method", "url", "data", "status"),
    ENDPOINTS,
    ids=[f"{r}-{m}-{u}-{s}" for r, m, u, _d, s in ENDPOINTS],
)
def test_api(world, role, method, url, data, status):
    client = APIClient()
    client.force_authenticate(make_user(role, world))
    response = getattr(client, method)(API + _fill(url, world), _fill(data, world), format="json")
    assert response.status_code == status, response.content[:300]
    if status == 403:
        assert response["Content-Type"] == "application/problem+json"


def test_a_refused_write_changes_nothing(world):
    """The refusals above are real: the adopted, decided and edited rows stay as they were."""
    for role, method, url, data in [
        (EDITOR, "post", "/programmas/{programme}/vaststellen", ADOPT),
        (EDITOR, "post", "/programmas/{programme}/koppelkansen/{coupling}/besluit", ACCEPT),
        (RIOOL, "patch", "/beheerobjecten/{tree}", {"street": "Molenweg"}),
        (RIOOL, "delete", "/beheerobjecten/{tree}", None),
        (VIEWER, "delete", "/projecten/{own_project}", None),
    ]:
        client = APIClient()
        client.force_authenticate(make_user(role, world))
        getattr(client, method)(API + _fill(url, world), _fill(data, world), format="json")
    assert not Programme.objects.get(pk=world["programme"].pk).is_adopted
    assert not CouplingDecision.objects.exists()
    assert Asset.objects.get(pk=world["tree"].pk).street == world["tree"].street
    assert Project.objects.filter(pk=world["own_project"].pk).exists()


def test_the_partner_export_holds_only_its_own_works(client, world):
    client.force_login(make_user(PARTNER, world))
    url = page(world, "programming:programme_export_werken_csv", "programme")
    csv = b"".join(client.get(url).streaming_content).decode()
    assert world["own_work"].label in csv
    assert world["other_work"].label not in csv


def test_the_refusal_names_the_disciplines(world):
    client = APIClient()
    client.force_authenticate(make_user(RIOOL, world))
    response = client.patch(f"{API}/beheerobjecten/{world['tree'].pk}", {"street": "X"})
    assert response.json()["detail"] == (
        "U bewerkt alleen beheerobjecten van riolering; dit object hoort bij groen en bomen."
    )


def test_a_limited_editor_cannot_create_an_asset_of_another_discipline_on_the_page(client, world):
    client.force_login(make_user(RIOOL, world))
    tree = world["tree"]
    data = {
        "source": "handmatig",
        "external_id": "B-99",
        "asset_class": world["tree_class"].pk,
        "area": tree.area_id,
        "quantity": "1",
        "construction_year": "1990",
    }
    response = client.post(reverse("assets:asset_create"), data)
    assert response.status_code == 200
    assert "U bewerkt alleen beheerobjecten van riolering" in response.text
    assert not Asset.objects.filter(external_id="B-99").exists()


def test_the_asset_page_offers_editing_only_within_the_disciplines(client, world):
    client.force_login(make_user(RIOOL, world))
    tree = client.get(reverse("assets:asset_detail", args=[world["tree"].pk]))
    sewer = client.get(reverse("assets:asset_detail", args=[world["sewer"].pk]))
    assert reverse("assets:asset_update", args=[world["tree"].pk]) not in tree.text
    assert reverse("assets:asset_update", args=[world["sewer"].pk]) in sewer.text


def test_an_import_refuses_the_rows_of_other_disciplines(tmp_path, municipality):  # noqa: F811
    editor = user_with_role(Role.EDITOR, disciplines=[Discipline.RIOLERING])
    path = write(tmp_path, "gbi.csv", HEADER + GOOD_ROWS)
    before = stored()
    report = import_file(kind="assets", path=path, source="gbi", commit=True, user=editor)
    assert [str(e) for e in report.errors] == [
        "rij 4, kolom 'objecttype' (objecttype): U bewerkt alleen beheerobjecten van "
        "riolering; dit object hoort bij groen en bomen."
    ]
    assert report.status == "geweigerd"
    assert stored() == before


def test_an_import_of_inspections_refuses_those_of_other_disciplines(
    tmp_path,
    municipality,  # noqa: F811
):
    import_file(
        kind="assets", path=write(tmp_path, "a.csv", HEADER + GOOD_ROWS), source="gbi", commit=True
    )
    editor = user_with_role(Role.EDITOR, disciplines=[Discipline.RIOLERING])
    path = write(tmp_path, "i.csv", "object;datum;conditie\nR1;1-5-2025;3\nB1;1-5-2025;4\n")
    report = import_file(kind="inspections", path=path, source="gbi", commit=True, user=editor)
    assert len(report.errors) == 1
    assert str(report.errors[0]).startswith("rij 3, ")
    assert not Inspection.objects.exists()


def test_an_unlimited_editor_imports_every_discipline(tmp_path, municipality):  # noqa: F811
    editor = user_with_role(Role.EDITOR)
    path = write(tmp_path, "gbi.csv", HEADER + GOOD_ROWS)
    report = import_file(kind="assets", path=path, source="gbi", commit=True, user=editor)
    assert report.ok
    assert Asset.objects.filter(source="gbi").count() == 3


def test_the_user_admin_edits_disciplines_as_checkboxes(client, world):
    client.force_login(make_user(ADMIN, world))
    editor = make_user(EDITOR, world)
    url = reverse("admin:stakeholders_user_change", args=[editor.pk])
    form = client.get(url)
    assert 'type="checkbox" name="disciplines" value="riolering"' in form.text
    response = client.post(
        url,
        {
            "username": editor.username,
            "disciplines": ["riolering", "groen"],
            "groups": [Group.objects.get(name=Role.EDITOR.value).pk],
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    editor.refresh_from_db()
    assert editor.disciplines == ["riolering", "groen"]


def test_staff_follows_the_administrator_role(world):
    user = make_user(EDITOR, world)
    assert not user.is_staff
    user.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    user.refresh_from_db()
    assert user.is_staff
    user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff
