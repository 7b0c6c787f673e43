"""The engine speaks the models' words without importing them (it imports no Django):
its string literals for work kinds, coupling kinds, decisions, certainties, measure
groupings and criteria must stay the values of the TextChoices they stand for."""

from programming.choices import (
    CouplingDecisionStatus,
    CouplingKind,
    CriterionCode,
    MeasureGrouping,
    WorkKind,
)
from programming.engine import columns, couplings, instance, measures, scoring
from projects.choices import Certainty


def test_the_engines_work_kinds_are_the_models():
    assert set(instance.WORK_KINDS) == set(WorkKind.values)
    assert (instance.KIND_MEASURE, instance.KIND_PROJECT, instance.KIND_PARTNER) == (
        WorkKind.MEASURE,
        WorkKind.PROJECT,
        WorkKind.PARTNER,
    )


def test_the_engines_coupling_kinds_are_the_models():
    assert set(instance.CLUSTER_KINDS) == set(CouplingKind.values)
    assert couplings.OPPORTUNITY == CouplingKind.OPPORTUNITY
    assert couplings.CONFLICT == CouplingKind.CONFLICT


def test_the_engines_decisions_are_the_models():
    assert instance.PROPOSED == CouplingDecisionStatus.PROPOSED
    assert instance.ACCEPTED == CouplingDecisionStatus.ACCEPTED


def test_the_engines_certainties_are_the_projects():
    assert set(instance.CERTAINTIES) == set(Certainty.values)
    assert (instance.IDEA, instance.INTENDED, instance.FIRM) == (
        Certainty.IDEE,
        Certainty.VOORGENOMEN,
        Certainty.VASTGESTELD,
    )
    assert set(scoring.CERTAINTY_VALUE) == set(Certainty.values)


def test_the_engines_measure_groupings_are_the_programmes():
    assert set(measures.GROUPINGS) == set(MeasureGrouping.values)


def test_the_engines_criteria_are_the_frameworks():
    assert set(columns.CRITERIA) == set(CriterionCode.values)
