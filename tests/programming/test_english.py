"""Text the code generates is worded in the reader's language (#18 §3): work names,
unfunded reasons and graafrust causes are stored as codes and facts and worded by
`programming.wording`; in Dutch the wording is the engine's, word for word."""

import re
from collections import defaultdict
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from impor.choices import AreaLevel, Discipline
from impor.models import Area
from programming.engine.instance import Work as EngineWork
from programming.models import Programme, UnfundedItem, Work
from programming.wording import graafrust_cause, work_name
from stakeholders.alert_text import coupling_sentence, work_sentence
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import UserFactory

#: A euro amount as the Dutch sentences write it: € 132.522.
EURO = re.compile(r"€ (\d[\d.]*\d|\d)")

pytestmark = pytest.mark.django_db

#: Dutch words that only generated text would bring onto an English page.
DUTCH = ("objecten", "past niet", "budgetregel", "koppeling", "jaar", "werk", "ontbreekt")
#: The API fields that hold generated text.
API_TEXT = ("label", "work_label", "reason", "graafrust_cause")
#: Proper names of the demo that contain a marker (none today; street and village names).
PROPER_NAMES: tuple[str, ...] = ()


@pytest.fixture
def demo():
    """The demo municipality with its concept programme computed (seed_demo, ~10 s)."""
    call_command("seed_demo", seed=1, verbosity=0)
    return Programme.objects.current()


def test_in_dutch_the_names_and_reasons_are_the_engines(demo):
    works = list(Work.objects.filter(programme=demo))
    # Named by the engine's labels, the sentences must be the engine's to the letter.
    labels = {w.key: w.label for w in works}
    measures = [w for w in works if w.discipline]
    assert measures, "the demo has measures"
    items = list(UnfundedItem.objects.filter(work__programme=demo).select_related("budget_line"))
    assert {item.code for item in items} >= {"budget_vol"}
    causes = {w.graafrust_cause for w in works if w.graafrust_cause}
    with translation.override("nl"):
        # The engine writes the discipline's code, the pages its name ("verlichting" is
        # "openbare verlichting"); the rest is the engine's label.
        assert [w.name for w in measures] == [
            w.label.replace(w.discipline, str(Discipline(w.discipline).label), 1) for w in measures
        ]
        gaps = defaultdict(Decimal)
        for item in items:
            gaps[item.work_id, item.budget_line_id] += item.gap
        ours = [item.sentence(labels, gaps[item.work_id, item.budget_line_id]) for item in items]
        engines = [item.reason for item in items]
        # The words are the engine's to the letter. An amount may be a euro apart: the page
        # adds up the stored gaps, each in cents (PostgreSQL's numeric rounds them), the
        # engine its unrounded floats, and at half a euro the two round to either side.
        assert [EURO.sub("€ N", text) for text in ours] == [
            EURO.sub("€ N", text) for text in engines
        ]
        for mine, theirs in zip(ours, engines, strict=True):
            for a, b in zip(EURO.findall(mine), EURO.findall(theirs), strict=True):
                assert abs(int(a.replace(".", "")) - int(b.replace(".", ""))) <= 1, (mine, theirs)
        assert {graafrust_cause(c) for c in causes} == causes


def test_a_single_asset_is_one_object_not_one_objecten():
    with translation.override("nl"):
        assert work_name("x", "riolering", "Vechtdijk", 1) == "riolering: Vechtdijk (1 object)"
        assert work_name("x", "riolering", "Vechtdijk", 28) == "riolering: Vechtdijk (28 objecten)"
    with translation.override("en"):
        assert work_name("x", "riolering", "Vechtdijk", 1) == "sewerage: Vechtdijk (1 asset)"
        assert work_name("x", "", "", 0) == "x"


def test_older_engine_files_without_label_parts_still_load():
    work = EngineWork.from_dict(
        {"key": "M:1", "kind": "maatregel", "label": "riolering: A (2 objecten)",
         "window_start": 2027, "window_end": 2028, "preferred_year": 2027}
    )  # fmt: skip
    assert work.label_parts is None
    again = EngineWork.from_dict(work.to_dict() | {"label_parts": {"discipline": "groen"}})
    assert again.label_parts == {"discipline": "groen"}


def _text(html: str) -> str:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def _dutch_words(text: str) -> list[str]:
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return [match.group(0) for word in DUTCH for match in re.finditer(rf"(?i)\b{word}\b", text)]


def test_english_pages_and_api_show_no_dutch_generated_text(demo, client):
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER.value))
    client.force_login(user)
    unfunded = (
        UnfundedItem.objects.filter(work__programme=demo, work__discipline__gt="")
        .exclude(facts={})
        .select_related("work")
    )
    by_code = {item.code: item.work for item in unfunded}
    coupled = Work.objects.filter(programme=demo, coupling__isnull=False, discipline__gt="")
    broken = Work.objects.filter(programme=demo, breaks_graafrust=True).exclude(graafrust_cause="")
    works = {*by_code.values(), coupled.first(), *broken[:1]}
    kern = Area.objects.filter(level=AreaLevel.KERN).order_by("name").first()
    pages = [
        reverse("programming:dashboard"),
        reverse("programming:programme_detail", args=[demo.pk]),
        reverse("programming:programme_gantt", args=[demo.pk]),
        reverse("areas:area_detail", args=[kern.pk]),
        reverse("areas:village", args=[kern.pk]),
        reverse("programming:programme_unfunded", args=[demo.pk]),
        reverse("programming:coupling_detail", args=[demo.pk, coupled.first().coupling_id]),
        *(reverse("programming:programme_work", args=[demo.pk, w.pk]) for w in works),
    ]
    api = [f"/api/v1/programmas/{demo.pk}/werken", f"/api/v1/programmas/{demo.pk}/niet-gedekt"]
    found = {}
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
        found[url] = _dutch_words(_text(response.content.decode()))
    for url in api:  # its codes and field names are Dutch by design; its sentences not
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, url
        texts = [row.get(f, "") for row in response.json()["results"] for f in API_TEXT]
        found[url] = _dutch_words(" ".join(texts))
    assert {url: words for url, words in found.items() if words} == {}


def test_an_alert_words_the_work_its_kind_and_its_status_in_the_readers_language():
    """Alerts store facts in Dutch (programming.alerts) and are read later, in the
    reader's language (stakeholders.alert_text)."""
    work = {
        "own": False, "owner": "Enexis", "kind": "maatregel",
        "kind_label": "maatregel uit het areaal", "label": "riolering: Vechtdijk (28 objecten)",
        "name_parts": {"discipline": "riolering", "place": "Vechtdijk", "count": 28},
        "street": "Vechtdijk", "window": [2027, 2029], "change": "nieuw",
    }  # fmt: skip
    coupling = {"street": "Vechtdijk", "window": [2027, 2029], "members": [work],
                "status": "geaccepteerd", "status_label": "geaccepteerd"}  # fmt: skip
    with translation.override("en"):
        sentence = work_sentence(work)
        about_coupling = coupling_sentence(coupling)
    assert "sewerage: Vechtdijk (28 assets)" in sentence
    assert ": accepted" in about_coupling
    assert _dutch_words(sentence + about_coupling) == []
    with translation.override("nl"):
        assert "riolering: Vechtdijk (28 objecten)" in work_sentence(work)
