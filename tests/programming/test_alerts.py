"""Which organisations a computation or a coupling decision alerts, and what it tells them
(programming/alerts.py).

The area of interest is the factory's 100 m square x 214470–214570, y 500750–500850
(RD New). A work is inside when its line crosses the square, at the edge when it only
touches the square's side x = 214570, outside otherwise; a buffer grows the square by
that many metres on every side.
"""

from dataclasses import replace
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction

from programming import alerts
from programming.choices import CouplingDecisionStatus, WorkKind
from programming.engine.instance import Cluster, Work, WorkResult
from programming.services import coupling_decide, coupling_respond
from stakeholders import alert_text
from stakeholders.models import Alert, AlertKind, Notification
from stakeholders.tasks import send_alert_mails
from tests.factories import (
    ActorFactory,
    AreaOfInterestFactory,
    CouplingFactory,
    ProgrammeFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

INSIDE = "LINESTRING (214500 500800, 214540 500800)"
#: Touches the square's east side at one point: intersects, so it counts.
AT_EDGE = "LINESTRING (214570 500800, 214600 500800)"
#: 30 m east of the square: outside, but inside a buffer of 40 m (not one of 25 m).
NEAR = "LINESTRING (214600 500800, 214640 500800)"
OUTSIDE = "LINESTRING (215000 501000, 215040 501000)"


def _work(key, geometry, *, owner="Gemeente Dalfsen", window=(2027, 2030), label=None):
    return Work(
        key=key,
        kind="maatregel",
        label=label or f"Riool {key}",
        window_start=window[0],
        window_end=window[1],
        preferred_year=window[0],
        costs={"riolering": (125_000.0,)},
        street="Prinsenstraat",
        geometry=geometry,
        owner=owner,
    )


def _compute(programme, before, works, years, clusters=(), told=None):
    """notify_computation with the engine's output: the works and their years."""
    instance = SimpleNamespace(works=works)
    result = SimpleNamespace(
        works=[
            WorkResult(key=w.key, scheduled_year=years[w.key], score=1, breakdown={}) for w in works
        ],
        clusters=list(clusters),
    )
    return alerts.notify_computation(programme, before, instance, result, told)


@pytest.fixture
def partner():
    organisation = ActorFactory(partner=True, name="Enexis")
    UserFactory(organisation=organisation, email="planner@enexis.example")
    return organisation


@pytest.fixture
def programme():
    ActorFactory(name="Gemeente Dalfsen")
    return ProgrammeFactory(name="IMPOR 2026-2035")


EMPTY = alerts.Snapshot(works={}, couplings=frozenset())


@pytest.mark.parametrize(
    ("geometry", "buffer", "alerted"),
    [
        (INSIDE, 0, True),
        (AT_EDGE, 0, True),
        (OUTSIDE, 0, False),
        (NEAR, 25, False),
        (NEAR, 40, True),
        ("", 0, False),
    ],
    ids=["inside", "at-edge", "outside", "near-small-buffer", "near-large-buffer", "no-geometry"],
)
def test_a_new_work_alerts_the_organisation_whose_area_it_meets(
    programme, partner, geometry, buffer, alerted
):
    AreaOfInterestFactory(organisation=partner, buffer=buffer)

    _compute(programme, EMPTY, [_work("M:1", geometry or None)], {"M:1": 2028})

    assert Alert.objects.filter(organisation=partner).exists() is alerted
    assert Notification.objects.filter(user__organisation=partner).count() == int(alerted)


def test_a_year_change_makes_one_alert_and_an_unchanged_work_none(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    works = [_work("M:1", INSIDE), _work("M:2", INSIDE)]
    # Both were stored before: M:1 in 2027, M:2 in 2028, both with window 2027–2030.
    before = alerts.Snapshot(
        works={"M:1": (2027, 2027, 2030), "M:2": (2028, 2027, 2030)}, couplings=frozenset()
    )

    _compute(programme, before, works, {"M:1": 2029, "M:2": 2028})

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.WERKEN
    assert alert.data["works_total"] == 1
    (item,) = alert.data["works"]
    assert item["change"] == "verschoven"
    assert item["owner"] == "Gemeente Dalfsen"

    Alert.objects.all().delete()
    after = alerts.Snapshot(
        works={"M:1": (2029, 2027, 2030), "M:2": (2028, 2027, 2030)}, couplings=frozenset()
    )
    _compute(programme, after, works, {"M:1": 2029, "M:2": 2028})
    assert not Alert.objects.exists()


def test_a_window_change_alerts(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    before = alerts.Snapshot(works={"M:1": (2028, 2027, 2030)}, couplings=frozenset())

    _compute(programme, before, [_work("M:1", INSIDE, window=(2027, 2031))], {"M:1": 2028})

    assert Alert.objects.get().data["works"][0]["window"] == [2027, 2031]


def test_the_snapshot_reads_the_stored_works_and_couplings(programme):
    coupling = CouplingFactory(programme=programme, key="k1")
    WorkFactory(programme=programme, key="M:1", scheduled_year=2028, coupling=coupling)

    found = alerts.snapshot(programme)

    assert found.couplings == frozenset({"k1"})
    (year, start, end) = found.works["M:1"]
    assert year == 2028
    assert start <= year <= end


def test_another_organisations_work_is_told_without_cost_or_label(programme, partner):
    """Enexis reads of the municipality's work what a coupling partner sees; the
    municipality's own department reads everything."""
    department = ActorFactory(name="Afdeling Riolering")
    UserFactory(organisation=department)
    AreaOfInterestFactory(organisation=partner)
    AreaOfInterestFactory(organisation=department)

    _compute(
        programme,
        EMPTY,
        [_work("P:GEHEIM-1", INSIDE, label="GEHEIM-1 Geheim project")],
        {"P:GEHEIM-1": 2028},
    )

    shared = Alert.objects.get(organisation=partner).data["works"][0]
    assert set(shared) == {
        "own", "owner", "kind", "kind_label", "window", "street", "area", "point", "change"
    }  # fmt: skip
    assert "GEHEIM" not in str(Alert.objects.get(organisation=partner).data)
    full = Alert.objects.get(organisation=department).data["works"][0]
    assert full["label"] == "GEHEIM-1 Geheim project"
    assert full["cost"] == 125_000.0


def test_an_own_work_is_told_in_full(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    before = alerts.Snapshot(works={"P:E-1": (2027, 2027, 2030)}, couplings=frozenset())

    _compute(programme, before, [_work("P:E-1", INSIDE, owner="Enexis")], {"P:E-1": 2029})

    item = Alert.objects.get().data["works"][0]
    assert item["own"] is True
    assert (item["previous_year"], item["year"]) == (2027, 2029)


def test_a_new_coupling_in_the_area_alerts_once(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    works = [_work("M:1", INSIDE), _work("M:2", OUTSIDE)]
    before = alerts.Snapshot(
        works={"M:1": (2028, 2027, 2030), "M:2": (2028, 2027, 2030)}, couplings=frozenset()
    )
    cluster = Cluster(
        key="c1",
        members=("M:1", "M:2"),
        kind="kans",
        status="voorgesteld",
        window_start=2027,
        window_end=2030,
        year=2028,
        savings=1000,
        openings_avoided=1,
    )

    _compute(programme, before, works, {"M:1": 2028, "M:2": 2028}, clusters=[cluster])

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.KOPPELKANSEN
    (coupling,) = alert.data["couplings"]
    assert len(coupling["members"]) == 2
    # The member outside the area did not change: it is told with its window only.
    text = alert_text.as_text(alert)
    assert "Koppelkans in Prinsenstraat met 2 werken, venster 2027–2030" in text
    assert "ander jaar" not in text


def test_a_coupling_decision_alerts_within_its_transaction(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    coupling = CouplingFactory(programme=programme, key="k1")
    WorkFactory(
        programme=programme,
        coupling=coupling,
        geometry=INSIDE,
        kind=WorkKind.MEASURE,
        label="Riool Prinsenstraat",
    )

    @transaction.atomic
    def decide_then_fail():
        coupling_decide(programme, coupling, status=CouplingDecisionStatus.REJECTED, reason="x")
        raise RuntimeError("the decision's transaction fails after the decision")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Alert.objects.exists()  # rolled back with the decision

    coupling_decide(programme, coupling, status=CouplingDecisionStatus.REJECTED, reason="Te duur")

    alert = Alert.objects.get()
    assert alert.kind == AlertKind.BESLUIT
    item = alert.data["couplings"][0]
    assert item["status"] == "afgewezen"
    # Enexis owns none of the members: no reason, no label.
    assert "reason" not in item
    assert "Riool Prinsenstraat" not in str(alert.data)


def test_an_alert_is_mailed_at_once_by_the_task(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    _compute(programme, EMPTY, [_work("M:1", INSIDE)], {"M:1": 2028})

    send_alert_mails.call([Alert.objects.get().pk])

    (message,) = mail.outbox
    assert message.to == ["planner@enexis.example"]
    assert "Een werk van Gemeente Dalfsen" in message.body
    assert Notification.objects.get().mailed_at is not None


def test_a_failing_match_never_fails_the_computation(programme, partner, monkeypatch):
    AreaOfInterestFactory(organisation=partner)

    def broken(*args):
        raise RuntimeError("kapot")

    monkeypatch.setattr(alerts.AreaIndex, "hits", broken)

    assert _compute(programme, EMPTY, [_work("M:1", INSIDE)], {"M:1": 2028}) == 0


def test_a_partners_response_alerts_the_others_in_the_area_but_not_itself(programme, partner):
    """Liander answers "kan niet" on a coupling with its cable in Enexis's area: Enexis
    hears the answer (not the comment: it is no party), Liander not of its own answer."""
    liander = ActorFactory(partner=True, name="Liander")
    responder = UserFactory(organisation=liander)
    AreaOfInterestFactory(organisation=partner)
    AreaOfInterestFactory(organisation=liander)
    coupling = CouplingFactory(programme=programme, key="k1")
    WorkFactory(
        programme=programme,
        coupling=coupling,
        geometry=INSIDE,
        owner=liander,
        kind=WorkKind.PARTNER,
        asset_class=None,
    )

    coupling_respond(coupling, user=responder, answer="kan_niet", comment="Geen capaciteit")

    alert = Alert.objects.get()
    assert alert.organisation == partner
    assert alert.kind == AlertKind.REACTIE
    response = alert.data["couplings"][0]["response"]
    assert response == {"organisation": "Liander", "answer": "kan_niet", "answer_label": "kan niet"}
    assert "Liander reageert op een koppelkans" in alert_text.title(alert)


def test_the_audience_read_before_the_store_is_the_one_told(programme, partner):
    """The services read the audience while the engine solves: an organisation that
    draws its area after that hears of the next computation, not this one."""
    told = alerts.audience(programme)
    assert told.index is None, "no areas yet: nobody to tell"
    AreaOfInterestFactory(organisation=partner)

    assert _compute(programme, EMPTY, [_work("M:1", INSIDE)], {"M:1": 2028}, told=told) == 0
    assert not Alert.objects.exists()

    told = alerts.audience(programme)
    assert _compute(programme, EMPTY, [_work("M:1", INSIDE)], {"M:1": 2028}, told=told) == 1
    assert Alert.objects.get().organisation == partner
    assert told.facts == {
        "id": programme.pk,
        "name": "IMPOR 2026-2035",
        "url": f"/programmas/{programme.pk}/",
    }


def test_works_matched_while_the_engine_solves_give_the_alerts_matched_after(
    programme, partner, monkeypatch
):
    """The services match the instance's works to the areas ahead (`Matches`, in the
    audience); told with those matches, nothing is parsed or queried again, and the
    alerts are those of matching the changed works after the store."""
    AreaOfInterestFactory(organisation=partner, buffer=40)
    works = [
        _work("M:1", INSIDE),
        _work("M:2", OUTSIDE),
        _work("M:3", NEAR),
        _work("M:4", None),
        _work("M:5", AT_EDGE),
    ]
    years = {w.key: 2028 for w in works}
    told = alerts.audience(programme, SimpleNamespace(works=works))
    assert told.matches is not None
    _compute(programme, EMPTY, works, years, told=replace(told, matches=None))
    after = list(Alert.objects.values_list("organisation", "kind", "data"))
    Alert.objects.all().delete()

    def again(*args, **kwargs):
        raise AssertionError("matched again")

    monkeypatch.setattr(alerts, "parse", again)
    monkeypatch.setattr(alerts.AreaIndex, "hits", again)
    _compute(programme, EMPTY, works, years, told=told)

    assert list(Alert.objects.values_list("organisation", "kind", "data")) == after
    [(organisation, _kind, data)] = after
    assert organisation == partner.pk
    assert data["works_total"] == 3, "inside, near within the buffer, at the edge"
    assert all(len(item["point"]) == 2 for item in data["works"])


def test_the_matches_of_some_works_are_those_of_matching_them_alone():
    """Matched ahead for all works, then asked for a few in another order: the shapes
    and the pairs (subject, area) that `parse` and `AreaIndex.hits` give those few."""
    index = alerts.AreaIndex.build(
        [(1, "Kern", "POLYGON ((214400 500700, 214570 500700, 214570 500900, 214400 500900, "
          "214400 500700))", 0), (2, "Rand", "POINT (214620 500800)", 30)]
    )  # fmt: skip
    works = [_work("a", INSIDE), _work("b", OUTSIDE), _work("c", NEAR), _work("d", AT_EDGE)]
    matches = alerts.Matches.match(index, SimpleNamespace(works=works))
    subjects = [SimpleNamespace(key=key, geometry=g) for key, g in [("d", AT_EDGE), ("c", NEAR)]]

    shapes, work_index, area_index = matches.of(subjects)

    alone = alerts.parse(subjects)
    assert list(shapes) == list(alone)
    assert sorted(zip(work_index.tolist(), area_index.tolist(), strict=True)) == sorted(
        zip(*(side.tolist() for side in index.hits(alone)), strict=True)
    )
    assert sorted(zip(work_index.tolist(), area_index.tolist(), strict=True)) == [
        (0, 0), (0, 1), (1, 1)
    ]  # fmt: skip
    assert matches.knows(subjects)
    assert not matches.knows([SimpleNamespace(key="e", geometry=INSIDE)])


def test_a_scenario_has_nobody_to_tell(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    scenario = ProgrammeFactory(name="Scenario krappe budgetten", based_on=programme)

    assert alerts.audience(scenario) == alerts.Audience(None)
    assert alerts.audience(programme).index is not None


def test_a_scenario_alerts_nobody(programme, partner):
    AreaOfInterestFactory(organisation=partner)
    scenario = ProgrammeFactory(name="Scenario krappe budgetten", based_on=programme)

    _compute(scenario, EMPTY, [_work("M:1", INSIDE)], {"M:1": 2028})

    assert not Alert.objects.exists()
