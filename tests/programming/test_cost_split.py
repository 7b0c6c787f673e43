"""programming.couplings.cost_split: the one definition of how a coupling's shared opening
cost is split between its parties. Every expected amount is computed by hand in the
comment beside it."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programming.couplings import (
    Member,
    SharedCost,
    cost_split,
    default_shared_cost,
    largest_remainder,
)
from programming.models import CostRule, CouplingCostSharing

SHARE = Decimal("0.300")


def _member(org, cost, *, opens=True, geometry="", name=None):
    return Member(org, name or f"Partij {org}", Decimal(cost), opens, geometry)


def _sharing(rule, **fields):
    return CouplingCostSharing(rule=rule, **fields)


def _amounts(split):
    return [p.amount for p in split.parties]


def test_the_default_shared_cost_is_the_kept_opening_of_the_engine_split_into_items():
    # The engine keeps the opening of the most expensive opening member: 30% of 100,000
    # = 30,000. Items 10/35/20/35%: 3,000, 10,500, 6,000, 10,500. The 80,000 work that
    # does not open the street does not count.
    members = [
        _member(1, "100000"),
        _member(2, "20000"),
        _member(3, "80000", opens=False),
    ]

    shared = default_shared_cost(members, SHARE)

    assert shared == SharedCost(
        Decimal("3000.00"), Decimal("10500.00"), Decimal("6000.00"), Decimal("10500.00")
    )
    assert shared.total == Decimal("30000.00")


def test_without_an_opening_member_nothing_is_shared():
    assert default_shared_cost([_member(1, "5000", opens=False)], SHARE).total == 0


def test_equal_split_rounds_to_cents_by_the_largest_remainder():
    # Shared: 30% of 1,000.00 = 300.00; items 30.00 + 105.00 + 60.00 + 105.00. The
    # traffic plan set to 0.01 makes it 270.01, over three parties 90.003… each: 9000
    # cents each and one cent left, to the first (all remainders tie).
    members = [_member(1, "1000"), _member(2, "500"), _member(3, "200")]

    split = cost_split(
        members,
        sharing=_sharing(CostRule.EQUAL, traffic_plan=Decimal("0.01")),
        opening_cost_share=SHARE,
        distance=25,
    )

    assert split.shared.total == Decimal("270.01")
    assert _amounts(split) == [Decimal("90.01"), Decimal("90.00"), Decimal("90.00")]


def test_the_parties_are_organisations_not_works():
    # Party 1 has two works, party 2 one: equal per party is half each of 30% × 600.
    members = [_member(1, "600"), _member(1, "100"), _member(2, "300")]

    split = cost_split(members, sharing=None, opening_cost_share=SHARE, distance=25)

    assert [p.organisation_id for p in split.parties] == [1, 2]
    assert _amounts(split) == [Decimal("90.00"), Decimal("90.00")]


def test_by_share_of_own_cost():
    # Shared 30% × 60,000 = 18,000. Own costs 60,000 and 30,000 (20,000 + 10,000):
    # two thirds and one third, 12,000 and 6,000.
    members = [_member(1, "60000"), _member(2, "20000"), _member(2, "10000")]

    split = cost_split(
        members, sharing=_sharing(CostRule.COST_SHARE), opening_cost_share=SHARE, distance=25
    )

    assert _amounts(split) == [Decimal("12000.00"), Decimal("6000.00")]


def test_by_trench_length_inside_the_shared_stretch():
    # Party 1 digs 100 m along y=0; party 2 digs 300 m along y=5. Party 2's line lies
    # within 25 m of party 1's from x=0 to where the circle of 25 m round (100, 0) meets
    # y=5: x = 100 + √(25² − 5²) = 124.5 m. Party 1's 100 m all lie within 25 m of
    # party 2. Weights 100 : 124.5 of 30% × 50,000 = 15,000: 6,681.514… and 8,318.485…;
    # the one cent left goes to the larger remainder (0.6 against 0.4).
    members = [
        _member(1, "50000", geometry="LINESTRING (0 0, 100 0)"),
        _member(2, "10000", geometry="LINESTRING (0 5, 300 5)"),
    ]

    split = cost_split(
        members, sharing=_sharing(CostRule.TRENCH_LENGTH), opening_cost_share=SHARE, distance=25
    )

    assert [p.basis for p in split.parties] == [Decimal("100.0"), Decimal("124.5")]
    assert _amounts(split) == [Decimal("6681.51"), Decimal("8318.49")]


def test_by_trench_length_falls_back_to_whole_lengths_without_a_shared_stretch():
    # The two lines lie 100 m apart, beyond the 25 m: no shared stretch, so whole
    # lengths count: 30 m and 90 m of 30% × 1,000 = 300 are 75 and 225.
    members = [
        _member(1, "1000", geometry="LINESTRING (0 0, 30 0)"),
        _member(2, "500", geometry="LINESTRING (0 100, 90 100)"),
    ]

    split = cost_split(
        members, sharing=_sharing(CostRule.TRENCH_LENGTH), opening_cost_share=SHARE, distance=25
    )

    assert _amounts(split) == [Decimal("75.00"), Decimal("225.00")]


def test_by_trench_length_without_lines_splits_equally():
    # Points have no length: no basis, so equal parts of 30% × 1,000 = 300.
    members = [
        _member(1, "1000", geometry="POINT (0 0)"),
        _member(2, "1000", geometry="POINT (5 5)"),
    ]

    split = cost_split(
        members, sharing=_sharing(CostRule.TRENCH_LENGTH), opening_cost_share=SHARE, distance=25
    )

    assert _amounts(split) == [Decimal("150.00"), Decimal("150.00")]


def test_agreed_amounts_are_taken_as_they_are_when_they_add_up():
    # Shared 30% × 10,000 = 3,000, agreed 2,500 + 500.
    members = [_member(1, "10000"), _member(2, "4000")]

    split = cost_split(
        members,
        sharing=_sharing(CostRule.AGREED, agreed={"1": "2500", "2": "500.00"}),
        opening_cost_share=SHARE,
        distance=25,
    )

    assert _amounts(split) == [Decimal("2500.00"), Decimal("500.00")]


def test_agreed_amounts_that_no_longer_add_up_keep_their_proportion():
    # The members' costs changed after the agreement: shared now 30% × 20,000 = 6,000,
    # agreed 2,500 : 500 = 5 : 1 gives 5,000 and 1,000.
    members = [_member(1, "20000"), _member(2, "4000")]

    split = cost_split(
        members,
        sharing=_sharing(CostRule.AGREED, agreed={"1": "2500", "2": "500"}),
        opening_cost_share=SHARE,
        distance=25,
    )

    assert _amounts(split) == [Decimal("5000.00"), Decimal("1000.00")]


def test_cost_items_set_by_hand_replace_the_defaults_item_by_item():
    members = [_member(1, "10000"), _member(2, "10000")]

    split = cost_split(
        members,
        sharing=_sharing(CostRule.EQUAL, surface=Decimal("0"), excavation=Decimal("1000")),
        opening_cost_share=SHARE,
        distance=25,
    )

    # Defaults of 3,000: 300 traffic plan, 1,050 excavation, 600 reinstatement, 1,050
    # surface; now 300 + 1,000 + 600 + 0 = 1,900, 950 each.
    assert split.defaults.total == Decimal("3000.00")
    assert split.shared.total == Decimal("1900.00")
    assert _amounts(split) == [Decimal("950.00"), Decimal("950.00")]


def test_largest_remainder_gives_the_left_cents_to_the_largest_remainders():
    # 1.00 by 1:1:1 is 33.33… cents each: 33 each and one cent left, to the first.
    assert largest_remainder(Decimal("1.00"), [1, 1, 1]) == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]
    # 0.10 by 1:2:7 is exactly 1, 2 and 7 cents.
    assert largest_remainder(Decimal("0.10"), [1, 2, 7]) == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("0.07"),
    ]
    # 1.00 by 2:1 is 66.67 and 33.33 cents: the larger remainder (0.67) gets the cent.
    assert largest_remainder(Decimal("1.00"), [2, 1]) == [Decimal("0.67"), Decimal("0.33")]


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)


@given(total=money, parts=weights)
def test_largest_remainder_always_adds_up_to_the_cent(total, parts):
    amounts = largest_remainder(total, parts)

    assert sum(amounts) == total
    assert all(a >= 0 for a in amounts)
    assert all(a == a.quantize(Decimal("0.01")) for a in amounts)
    whole = sum(parts)
    if whole:
        # Each share is within a cent of its exact proportion.
        for amount, weight in zip(amounts, parts, strict=True):
            assert abs(amount - total * weight / whole) < Decimal("0.01")


@given(
    costs=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=5),
            st.decimals(min_value=0, max_value=10**7, places=2),
            st.booleans(),
        ),
        min_size=1,
        max_size=10,
    ),
    rule=st.sampled_from([CostRule.EQUAL, CostRule.COST_SHARE, CostRule.TRENCH_LENGTH]),
)
def test_every_rule_splits_exactly_the_shared_cost(costs, rule):
    members = [
        _member(org, cost, opens=opens, geometry=f"LINESTRING (0 {i}, {10 + i} {i})")
        for i, (org, cost, opens) in enumerate(costs)
    ]

    split = cost_split(members, sharing=_sharing(rule), opening_cost_share=SHARE, distance=25)

    assert sum(_amounts(split)) == split.shared.total
    assert len(split.parties) == len({org for org, _c, _o in costs})


@pytest.mark.django_db
def test_saving_agreed_amounts_that_do_not_add_up_is_refused_on_the_field():
    from django.core.exceptions import ValidationError

    from programming.services import coupling_cost_sharing_save
    from tests.factories import (
        ActorFactory,
        CouplingFactory,
        ProgrammeFactory,
        WorkFactory,
    )

    coupling = CouplingFactory(programme=ProgrammeFactory())
    a, b = ActorFactory(), ActorFactory(partner=True)
    # Shared: 30% of 24,000 = 7,200.
    WorkFactory(programme=coupling.programme, coupling=coupling, owner=a)
    WorkFactory(programme=coupling.programme, coupling=coupling, owner=b, cost=Decimal("1000"))

    with pytest.raises(ValidationError) as caught:
        coupling_cost_sharing_save(
            coupling,
            user=None,
            rule=CostRule.AGREED,
            items={},
            agreed={str(a.pk): Decimal("7000"), str(b.pk): Decimal("100")},
        )
    assert "agreed" in caught.value.message_dict

    saved = coupling_cost_sharing_save(
        coupling,
        user=None,
        rule=CostRule.AGREED,
        items={},
        agreed={str(a.pk): Decimal("7000"), str(b.pk): Decimal("200")},
    )
    assert saved.agreed == {str(a.pk): "7000", str(b.pk): "200"}
