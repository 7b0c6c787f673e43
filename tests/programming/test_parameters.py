"""A programme's settings are listed once (`PROGRAMME_SETTINGS`, `SCENARIO_SETTINGS`);
the forms, the serializers, the scenario copy, the engine's input and the workbook's
parameter sheet follow that list."""

from dataclasses import fields
from decimal import Decimal

import pytest

from programming import workbook
from programming.engine.instance import Parameters
from programming.forms import ProgrammeForm, ScenarioForm
from programming.models import PROGRAMME_SETTINGS, SCENARIO_SETTINGS
from programming.selectors import ENGINE_SETTINGS, engine_parameters
from programming.serializers import ProgrammeSerializer, ScenarioSerializer
from programming.services import programme_copy
from tests.factories import ProgrammeFactory

#: Set by no programme: the framework gives the weights; the solver's size bound and
#: optimality tolerance are technical.
NOT_SETTINGS = {"weights", "max_exact_works", "mip_gap"}
#: Shown elsewhere on the workbook than on its parameter sheet.
NOT_ON_THE_SHEET = {"name", "description", "framework"}

#: A value other than the default for each setting the engine reads or a copy keeps.
CHANGED = {
    "description": "Een andere omschrijving",
    "first_year": 2027,
    "horizon": 6,
    "price_year": 2026,
    "coupling_distance": 40,
    "coupling_overlap": Decimal("0.75"),
    "measure_grouping": "gebied",
    "backlog_years": 2,
    "time_tolerance": 2,
    "graafrust_years": 5,
    "graafrust_weight": 25,
    "opening_cost_share": Decimal("0.450"),
    "budget_factor": Decimal("0.800"),
    "carry_over": True,
    "time_limit": 12,
}


def test_the_forms_and_serializers_offer_the_settings():
    assert tuple(ProgrammeForm._meta.fields) == PROGRAMME_SETTINGS
    assert tuple(ScenarioForm._meta.fields) == ("name", *SCENARIO_SETTINGS)
    assert set(PROGRAMME_SETTINGS) <= set(ProgrammeSerializer.Meta.fields)
    assert not set(PROGRAMME_SETTINGS) & set(ProgrammeSerializer.Meta.read_only_fields)
    assert tuple(ScenarioSerializer.Meta.fields) == ("name", *SCENARIO_SETTINGS)
    assert set(SCENARIO_SETTINGS) <= set(PROGRAMME_SETTINGS)


def test_every_engine_parameter_but_the_weights_and_the_bound_is_a_programme_setting():
    assert {f.name for f in fields(Parameters)} - NOT_SETTINGS == set(ENGINE_SETTINGS)


def test_the_workbook_shows_every_setting_on_its_parameter_sheet():
    shown = [name for name, _kind in workbook.SETTINGS]
    assert sorted(shown) == sorted(set(PROGRAMME_SETTINGS) - NOT_ON_THE_SHEET)


def test_every_setting_of_the_table_is_changed_here():
    assert set(CHANGED) == set(PROGRAMME_SETTINGS) - {"name", "framework"}


@pytest.mark.django_db
def test_the_engine_reads_the_programmes_settings():
    programme = ProgrammeFactory(**CHANGED)
    parameters = engine_parameters(programme, weights={"urgentie": 1.0})
    for name in ENGINE_SETTINGS:
        expected = float(CHANGED.get(name, getattr(programme, name)))
        assert getattr(parameters, name) == pytest.approx(expected), name
    assert isinstance(parameters.coupling_distance, float)
    assert parameters.weights == {"urgentie": 1.0}


@pytest.mark.django_db
def test_a_scenario_copies_every_setting_but_its_name():
    source = ProgrammeFactory(**CHANGED)
    copy = programme_copy(source, name="Scenario")
    for name in PROGRAMME_SETTINGS:
        if name != "name":
            assert getattr(copy, name) == getattr(source, name), name
    assert (copy.name, copy.based_on) == ("Scenario", source)
