"""The demo's two ready scenarios: built with the demo, computed after its programme, and
different enough from it that the comparison has something to show."""

from io import StringIO

import pytest
from django.core.management import call_command

from programming import scenarios
from programming.models import Programme

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_scenarios_the_comparison_shows():
    out = StringIO()
    call_command("seed_demo", seed=7, stdout=out)
    base = Programme.objects.get(based_on__isnull=True)
    cut, later = base.scenarios.order_by("pk")
    assert (cut.name, later.name) == ("Bezuiniging riolering", "Netversterking uitgesteld")
    texts = [text for _change, text in scenarios.changes_with_text(cut)]
    assert len(texts) == 2
    assert all(t.startswith("GRP riolering") and t.endswith("eraf") for t in texts), texts
    [(_change, text)] = scenarios.changes_with_text(later)
    assert text.endswith(": venster wordt 2029–2031"), text
    assert "Netversterking bedrijventerrein" in text
    assert "Scenario 'Bezuiniging riolering' berekend." in out.getvalue()
    columns = scenarios.comparison(base, [cut, later])
    assert columns[1].newly_unfunded_count + columns[1].moved_count > 0, "the cut bites"
    assert columns[2].moved_count > 0, "the grid work moves"
