"""Imports leave history too: one row per created or updated asset or work, by the
importing user, with the import named as the reason."""

import datetime

import pytest
from django.urls import reverse

from assets.importing.service import import_file
from assets.models import Asset
from impor.choices import ImportStatus
from impor.history import ObjectHistory
from impor.models import ImportRun
from projects.models import Project
from projects.partner_import import import_partner_works
from stakeholders.choices import Role
from tests.api.conftest import user_with_role
from tests.assets.test_import import GOOD_ROWS, HEADER, municipality, write  # noqa: F401
from tests.factories import ActorFactory, AssetFactory, ProjectFactory, UserFactory
from tests.projects.test_partner_import import YEAR, row, xlsx

pytestmark = pytest.mark.django_db


def test_an_asset_import_leaves_one_history_row_per_created_and_updated_asset(
    tmp_path,
    municipality,  # noqa: F811
):
    user = UserFactory(first_name="Ingrid", last_name="Importeur")
    untouched = AssetFactory(source="gbi", external_id="X1")
    first = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    import_file(kind="assets", path=first, source="gbi", commit=True, user=user)
    changed = write(
        tmp_path,
        "riolering-2025.csv",
        HEADER
        + GOOD_ROWS.replace("1965;45,5", "1966;50")
        + "R9;riool-pvc;2001;20;PVC;;A;216000;502500\n",
    )

    report = import_file(kind="assets", path=changed, source="gbi", commit=True, user=user)

    assert report.status == ImportStatus.COMMITTED
    runs = list(ImportRun.objects.filter(status=ImportStatus.COMMITTED).order_by("pk"))
    rows = Asset.history.filter(history_change_reason__startswith="import ")
    assert sorted(rows.values_list("external_id", "history_type", "history_change_reason")) == [
        ("B1", "+", f"import riolering.csv (#{runs[0].pk})"),
        ("B1", "~", f"import riolering-2025.csv (#{runs[1].pk})"),
        ("R1", "+", f"import riolering.csv (#{runs[0].pk})"),
        ("R1", "~", f"import riolering-2025.csv (#{runs[1].pk})"),
        ("R2", "+", f"import riolering.csv (#{runs[0].pk})"),
        ("R2", "~", f"import riolering-2025.csv (#{runs[1].pk})"),
        ("R9", "+", f"import riolering-2025.csv (#{runs[1].pk})"),
    ]
    assert set(rows.values_list("history_user", flat=True)) == {user.pk}
    assert Asset.history.filter(id=untouched.pk).count() == 1, "only the factory's own row"

    sewer = Asset.objects.get(external_id="R1")
    newest = ObjectHistory(sewer)[:1][0]
    assert newest.user == "Ingrid Importeur"
    assert newest.reason == f"import riolering-2025.csv (#{runs[1].pk})"
    assert {(c.label, c.old, c.new) for c in newest.changes} >= {
        ("aanlegjaar", "1965", "1966"),
        ("hoeveelheid", "45,50", "50,00"),
    }


def test_an_inspection_import_leaves_a_history_row_per_asset_whose_condition_it_moves(
    client,
    tmp_path,
    municipality,  # noqa: F811
):
    """R1's newest inspection (2024) wins over its older one; B1 was measured after its
    inspection (2023 after 2019), so its condition stays and it gets no history row."""
    user = UserFactory(first_name="Ingrid", last_name="Inspecteur")
    assets = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    import_file(kind="assets", path=assets, source="gbi", commit=True, user=user)
    Asset.objects.filter(external_id="B1").update(condition_date=datetime.date(2023, 6, 1))
    path = write(
        tmp_path,
        "schouw-2024.csv",
        "object_id;datum;conditie;inspecteur\n"
        "R1;15-03-2024;5;Jan\nR2;2024-04-01;3;Jan\nR1;01-01-2020;2;Piet\nB1;2019-05-01;6;Jan\n",
    )

    report = import_file(kind="inspections", path=path, source="gbi", commit=True, user=user)

    assert report.status == ImportStatus.COMMITTED
    reason = f"import schouw-2024.csv (#{report.run_id})"
    rows = Asset.history.filter(history_change_reason=reason)
    assert sorted(
        rows.values_list("external_id", "history_type", "condition", "condition_date")
    ) == [
        ("R1", "~", 5, datetime.date(2024, 3, 15)),
        ("R2", "~", 3, datetime.date(2024, 4, 1)),
    ]
    assert set(rows.values_list("history_user", flat=True)) == {user.pk}
    sewer = Asset.objects.get(external_id="R1")
    newest = ObjectHistory(sewer)[:1][0]
    assert (newest.user, newest.reason) == ("Ingrid Inspecteur", reason)
    assert ("conditie (NEN 2767)", "4 – matig", "5 – slecht") in {
        (c.label, c.old, c.new) for c in newest.changes
    }

    client.force_login(user_with_role(Role.VIEWER))
    page = client.get(reverse("assets:asset_history", args=[sewer.pk])).content.decode()
    assert reason in page
    assert "Ingrid Inspecteur" in page
    assert "5 – slecht" in page


def test_a_refused_asset_import_leaves_no_history(tmp_path, municipality):  # noqa: F811
    path = write(tmp_path, "fout.csv", HEADER + GOOD_ROWS + "R5;onbekend;1990;1;;;;214100;502500\n")

    report = import_file(kind="assets", path=path, source="gbi", commit=True)

    assert report.status == ImportStatus.REFUSED
    assert not Asset.history.exists()


def test_a_partner_import_leaves_history_with_the_user_and_the_import(tmp_path):
    operator = ActorFactory(partner=True, name="Enexis")
    user = UserFactory(organisation=operator, first_name="Erik", last_name="Enexis")
    existing = ProjectFactory(
        owner=operator,
        code="E-2",
        name="Oud",
        description="Blijft staan",
        start_year=YEAR,
        end_year=YEAR,
    )
    path = tmp_path / "werken.xlsx"
    path.write_bytes(xlsx(row(), row(code="E-2", name="Nieuw", start_year=YEAR, end_year=YEAR)))

    report = import_partner_works(path=path, organisation=operator, user=user, commit=True)

    assert report.status == ImportStatus.COMMITTED
    reason = f"import werken.xlsx (#{report.run_id})"
    rows = Project.history.filter(history_change_reason=reason)
    assert sorted(rows.values_list("code", "history_type", "history_user")) == [
        ("E-001", "+", user.pk),
        ("E-2", "~", user.pk),
    ]
    updated = rows.get(code="E-2")
    assert (updated.name, updated.description, updated.version) == ("Nieuw", "Blijft staan", 2)
    entry = ObjectHistory(existing)[:1][0]
    changes = {(c.label, c.old, c.new) for c in entry.changes}
    assert ("naam", "Oud", "Nieuw") in changes
    assert ("projecttype", "beheergestuurd", "transitiegestuurd") in changes
    assert "omschrijving" not in {c.label for c in entry.changes}
