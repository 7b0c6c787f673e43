"""The realisation of works (#20 §1): the services that record it (bad input refused by
field, nothing stored), the asset register a finished work updates, the selectors
"planned versus realised" reads, and the pages."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from assets.models import Asset, AssetClass
from programming.models import ActualCost, Realisation, RealisationStatus, Work
from programming.realisation import (
    CostRow,
    actual_by_key,
    actual_by_line_year,
    measure_assets,
    programme_rows,
    realisation_save,
    register_update,
)
from programming.services import programme_compute
from stakeholders.choices import Role
from stakeholders.models import Actor, BudgetLine
from tests.factories import ActorFactory, UserFactory
from tests.programming.test_services import STREET, street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def add_sewers_and_compute(programme):
    """The Kerkstraat programme computed, with two more sewers: one of 1970 in Kerkstraat
    (same measure as the 1965 one) and one of 2020 there (its end of life lies beyond the
    horizon: in no measure), and a 1965 sewer in Dorpsstraat (another measure)."""
    r1 = Asset.objects.get(external_id="R1")
    concrete = AssetClass.objects.get(code="riool-beton")
    for external_id, year, where in (("R2", 1970, "Kerkstraat"), ("R3", 2020, "Kerkstraat"),
                                     ("R4", 1965, "Dorpsstraat")):  # fmt: skip
        Asset.objects.create(
            source="gbi", external_id=external_id, asset_class=concrete, area=r1.area,
            street=where, geometry=STREET, quantity=50, construction_year=year,
        )  # fmt: skip
    programme_compute(programme)
    return programme


@pytest.fixture
def computed(street):  # noqa: F811 (the fixture)
    return add_sewers_and_compute(street)


def sewer_work(programme, street_name="Kerkstraat") -> Work:
    return Work.objects.get(programme=programme, discipline="riolering", street=street_name)


def test_a_measure_finds_its_own_assets_by_the_computations_grouping(computed):
    work = sewer_work(computed)
    assert set(measure_assets(work).values_list("external_id", flat=True)) == {"R1", "R2"}
    other = sewer_work(computed, "Dorpsstraat")
    assert set(measure_assets(other).values_list("external_id", flat=True)) == {"R4"}


def test_a_finished_measure_renews_its_assets_with_history(computed):
    work = sewer_work(computed)
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    realisation, updated = realisation_save(
        key=work.key,
        user=manager,
        status=RealisationStatus.FINISHED,
        actual_start=datetime.date(2026, 3, 2),
        actual_finish=datetime.date(2026, 10, 30),
    )
    assert updated == 2
    renewed = {
        a.external_id: a for a in Asset.objects.filter(external_id__in=["R1", "R2", "R3", "R4"])
    }
    assert (renewed["R1"].construction_year, renewed["R1"].condition) == (2026, 1)
    assert renewed["R2"].condition_date == datetime.date(2026, 10, 30)
    assert renewed["R3"].construction_year == 2020, "not in the measure"
    assert renewed["R4"].construction_year == 1965, "another street"
    last = renewed["R1"].history.first()
    assert (last.history_user, last.history_change_reason) == (manager, f"realisatie {work.key}")
    assert realisation.register_updated_at is not None
    assert register_update(realisation) == 0, "a second update changes nothing"


def test_the_register_waits_when_asked_and_a_later_update_does_it(computed):
    work = sewer_work(computed)
    realisation, updated = realisation_save(
        key=work.key,
        status=RealisationStatus.FINISHED,
        actual_finish=datetime.date(2025, 12, 1),
        update_register=False,
    )
    assert updated is None
    assert Asset.objects.get(external_id="R1").construction_year == 1965
    assert register_update(realisation) == 2
    assert Asset.objects.get(external_id="R1").construction_year == 2025


def test_a_finished_project_renews_its_assets_in_scope(computed):
    cable = Work.objects.get(programme=computed, key="P:E-1").project
    cable.assets.add(Asset.objects.get(external_id="R3"))
    _realisation, updated = realisation_save(
        key="P:E-1", status=RealisationStatus.FINISHED, actual_finish=datetime.date(2027, 5, 1)
    )
    assert updated == 1
    assert Asset.objects.get(external_id="R3").construction_year == 2027


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": "P:BESTAAT-NIET"}, "key"),
        ({"key": "M:riolering:000000000000:1"}, "key"),
        (
            {
                "actual_start": datetime.date(2026, 5, 1),
                "actual_finish": datetime.date(2026, 4, 30),
            },
            "actual_finish",
        ),
        ({"status": RealisationStatus.FINISHED}, "actual_finish"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(computed, values, field):
    values = {"key": "P:E-1", **values}
    line = BudgetLine.objects.get(code="enexis")
    with pytest.raises(ValidationError) as refused:
        realisation_save(**values, costs=[CostRow(line, 2026, Decimal(10))])
    assert field in refused.value.message_dict
    assert not Realisation.objects.exists()
    assert not ActualCost.objects.exists()


def test_costs_on_a_closed_line_year_or_negative_are_refused_and_nothing_is_stored(computed):
    line = BudgetLine.objects.get(code="enexis")
    realisation, _ = realisation_save(
        key="P:E-1",
        status=RealisationStatus.RUNNING,
        costs=[CostRow(line, 2025, Decimal("1000.00"))],
    )
    line.closed_through = 2025
    line.save()
    with pytest.raises(ValidationError) as refused:
        realisation_save(
            key="P:E-1",
            reason="duurder",
            costs=[CostRow(line, 2025, Decimal("1500.00")), CostRow(line, 2026, Decimal(-1))],
        )
    problems = refused.value.message_dict["costs"]
    assert any("enexis 2025" in p and "afgesloten tot en met 2025" in p for p in problems)
    assert any("enexis 2026" in p and "niet negatief" in p for p in problems)
    with pytest.raises(ValidationError, match="afgesloten"):
        realisation_save(key="P:E-1", costs=[])  # removing a closed year's cost
    realisation.refresh_from_db()
    assert realisation.reason == ""
    assert list(realisation.costs.values_list("year", "amount")) == [(2025, Decimal("1000.00"))]
    # A closed year kept as it is, and an open year added: fine.
    realisation_save(
        key="P:E-1",
        costs=[CostRow(line, 2025, Decimal("1000.00")), CostRow(line, 2026, Decimal(500))],
    )
    assert realisation.costs.count() == 2


def test_a_partner_records_only_its_own_works(computed):
    grid = Actor.objects.get(name="Netbeheerder")
    partner = user_with_role(Role.PARTNER, organisation=grid)
    other = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True, name="Glasvezel"))
    realisation, _ = realisation_save(key="P:E-1", user=partner, status=RealisationStatus.RUNNING)
    assert realisation.owner == grid
    with pytest.raises(ValidationError) as refused:
        realisation_save(key="P:E-1", user=other, status=RealisationStatus.CANCELLED)
    assert "key" in refused.value.message_dict
    with pytest.raises(ValidationError):
        realisation_save(key=sewer_work(computed).key, user=partner)
    assert list(Realisation.objects.visible_to(other)) == []
    assert list(Realisation.objects.visible_to(partner)) == [realisation]


def test_the_selectors_sum_actual_costs_per_line_year_and_per_work(computed):
    enexis, sewer = (
        BudgetLine.objects.get(code="enexis"),
        BudgetLine.objects.get(code="grp-riolering"),
    )
    realisation_save(
        key="P:E-1", costs=[CostRow(enexis, 2026, Decimal(100)), CostRow(enexis, 2027, Decimal(50))]
    )
    key = sewer_work(computed).key
    realisation_save(
        key=key, costs=[CostRow(enexis, 2026, Decimal(25)), CostRow(sewer, 2026, Decimal(400))]
    )
    assert actual_by_line_year() == {
        (enexis.pk, 2026): Decimal(125),
        (enexis.pk, 2027): Decimal(50),
        (sewer.pk, 2026): Decimal(400),
    }
    assert actual_by_key() == {"P:E-1": Decimal(150), key: Decimal(425)}
    rows = {w.key: w for w in programme_rows(computed, user_with_role(Role.VIEWER))}
    assert rows[key].actual_cost == Decimal(425)
    assert rows["P:E-1"].realisation_status == RealisationStatus.PREPARING
    assert rows[sewer_work(computed, "Dorpsstraat").key].realisation_status is None


# --- pages --------------------------------------------------------------------------------


def test_the_realisation_tab_lists_works_with_status_and_costs(client, computed):
    realisation_save(
        key="P:E-1",
        status=RealisationStatus.POSTPONED,
        reason="Vergunning later verleend",
        costs=[CostRow(BudgetLine.objects.get(code="enexis"), 2026, Decimal("1234"))],
    )
    client.force_login(user_with_role(Role.VIEWER))
    url = reverse("programming:programme_realisation", args=[computed.pk])
    page = client.get(url).content.decode()
    assert "Vergunning later verleend" in page
    assert "€ 1.234" in page
    filtered = client.get(url, {"realisatie": "uitgesteld"}).content.decode()
    assert 'data-key="P:E-1"' in filtered
    assert 'data-key="' + sewer_work(computed).key + '"' not in filtered
    empty = client.get(url, {"realisatie": "geen"}).content.decode()
    assert 'data-key="P:E-1"' not in empty


def test_a_partner_gets_no_programme_tab(client, computed):
    grid = Actor.objects.get(name="Netbeheerder")
    client.force_login(user_with_role(Role.PARTNER, organisation=grid))
    url = reverse("programming:programme_realisation", args=[computed.pk])
    assert client.get(url).status_code == 403


def test_the_work_page_records_a_realisation_and_refuses_a_closed_year(client, computed):
    work = sewer_work(computed)
    sewer_line = BudgetLine.objects.get(code="grp-riolering")
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    client.force_login(manager)
    page_url = reverse("programming:programme_work", args=[computed.pk, work.pk])
    page = client.get(page_url).content.decode()
    assert 'id="realisatie"' in page
    assert "Realisatie vastleggen" in page
    post_url = reverse("programming:realisation_edit", args=[computed.pk, work.pk])
    data = {
        "status": "gereed",
        "actual_start": "2026-03-02",
        "actual_finish": "2026-09-30",
        "reason": "",
        "coupling_key": "",
        "costs-TOTAL_FORMS": "1",
        "costs-INITIAL_FORMS": "0",
        "costs-0-budget_line": str(sewer_line.pk),
        "costs-0-year": "2026",
        "costs-0-amount": "98000",
        "costs-0-reason": "",
    }
    response = client.post(post_url, data, follow=True)
    text = response.content.decode()
    assert "De realisatie is opgeslagen" in text
    assert "2 vervangen objecten" in text
    assert Realisation.objects.get(key=work.key).costs.get().amount == Decimal(98000)
    sewer_line.closed_through = 2026
    sewer_line.save()
    data["costs-0-amount"] = "99000"
    text = client.post(post_url, data, follow=True).content.decode()
    assert "afgesloten tot en met 2026" in text
    assert Realisation.objects.get(key=work.key).costs.get().amount == Decimal(98000)


def test_a_viewer_sees_the_block_without_the_form_and_may_not_post(client, computed):
    work = sewer_work(computed)
    client.force_login(user_with_role(Role.VIEWER))
    page = client.get(reverse("programming:programme_work", args=[computed.pk, work.pk]))
    assert "Voor dit werk is nog geen realisatie vastgelegd" in page.content.decode()
    assert "Realisatie vastleggen" not in page.content.decode()
    post_url = reverse("programming:realisation_edit", args=[computed.pk, work.pk])
    assert client.post(post_url, {"status": "gereed"}).status_code == 403


# --- removed assets -----------------------------------------------------------------------


def finish(key: str, **kwargs):
    return realisation_save(
        key=key,
        status=RealisationStatus.FINISHED,
        actual_finish=datetime.date(2026, 10, 30),
        **kwargs,
    )


def test_a_finished_measure_removes_exactly_the_marked_assets_with_history(computed):
    work = sewer_work(computed)
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    r1, r2 = (Asset.objects.get(external_id=e) for e in ("R1", "R2"))
    _realisation, updated = finish(work.key, user=manager, removed_assets=[r1.pk, r2.pk])
    assert updated == 0, "removed assets are not renewed first"
    assert Asset.objects.filter(external_id__in=["R3", "R4"]).count() == 2
    assert not Asset.objects.filter(pk__in=[r1.pk, r2.pk]).exists()
    for pk in (r1.pk, r2.pk):
        last = Asset.history.filter(id=pk).first()
        assert last.history_type == "-"
        assert last.history_user == manager
        assert last.history_change_reason == f"realisatie {work.key} (verwijderd)"


def test_removing_afterwards_on_a_renewed_measure_still_finds_its_assets(computed):
    work = sewer_work(computed)
    _realisation, updated = finish(work.key)
    assert updated == 2
    r2 = Asset.objects.get(external_id="R2")
    realisation_save(key=work.key, removed_assets=[r2.pk])
    left = set(
        Asset.objects.filter(external_id__startswith="R").values_list("external_id", flat=True)
    )
    assert left == {"R1", "R3", "R4"}


def test_an_asset_outside_the_scope_is_refused_and_nothing_changes(computed):
    work = sewer_work(computed)
    r1, r4 = (Asset.objects.get(external_id=e) for e in ("R1", "R4"))
    with pytest.raises(ValidationError) as refused:
        finish(work.key, removed_assets=[r1.pk, r4.pk])
    assert str(r4.pk) in refused.value.message_dict["removed_assets"][0]
    assert Asset.objects.filter(pk__in=[r1.pk, r4.pk]).count() == 2
    assert Asset.objects.get(pk=r1.pk).construction_year == 1965, "no renewal either"
    assert not Realisation.objects.exists()


def test_a_work_that_is_not_finished_removes_nothing(computed):
    work = sewer_work(computed)
    r1 = Asset.objects.get(external_id="R1")
    with pytest.raises(ValidationError) as refused:
        realisation_save(key=work.key, status=RealisationStatus.RUNNING, removed_assets=[r1.pk])
    assert "removed_assets" in refused.value.message_dict
    assert Asset.objects.filter(pk=r1.pk).exists()
    assert not Realisation.objects.exists()


def test_a_partner_removes_no_assets_of_another_organisations_work(computed):
    cable = Work.objects.get(programme=computed, key="P:E-1").project
    r3 = Asset.objects.get(external_id="R3")
    cable.assets.add(r3)
    other = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True, name="Glasvezel"))
    with pytest.raises(ValidationError) as refused:
        finish("P:E-1", user=other, removed_assets=[r3.pk])
    assert "key" in refused.value.message_dict
    grid = user_with_role(Role.PARTNER, organisation=Actor.objects.get(name="Netbeheerder"))
    with pytest.raises(ValidationError) as refused:
        finish("P:E-1", user=grid, removed_assets=[r3.pk])
    assert "removed_assets" in refused.value.message_dict, "partners do not delete assets"
    assert Asset.objects.filter(pk=r3.pk).exists()


def test_the_work_page_marks_removed_assets_and_links_the_asset_import(client, computed):
    work = sewer_work(computed)
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    page = client.get(reverse("programming:programme_work", args=[computed.pk, work.pk]))
    text = page.content.decode()
    r1, r4 = (Asset.objects.get(external_id=e) for e in ("R1", "R4"))
    assert 'id="verwijderde-objecten"' in text
    assert f'value="{r1.pk}"' in text
    assert f'value="{r4.pk}"' not in text, "another street's sewer is not offered"
    assert reverse("assets:import_upload") + "?soort=assets" in text
    post_url = reverse("programming:realisation_edit", args=[computed.pk, work.pk])
    data = {
        "status": "gereed",
        "actual_start": "2026-03-02",
        "actual_finish": "2026-09-30",
        "reason": "",
        "coupling_key": "",
        "costs-TOTAL_FORMS": "0",
        "costs-INITIAL_FORMS": "0",
        "removed_assets": [str(r4.pk)],
    }
    text = client.post(post_url, data, follow=True).content.decode()
    assert f"Object {r4.pk} hoort niet bij dit werk" in text
    assert Asset.objects.filter(pk=r4.pk).exists()
    assert not Realisation.objects.exists()
    data["removed_assets"] = [str(r1.pk)]
    text = client.post(post_url, data, follow=True).content.decode()
    assert "1 objecten uit het beheerregister verwijderd" in text
    assert not Asset.objects.filter(pk=r1.pk).exists()
    assert Asset.objects.get(external_id="R2").construction_year == 2026
