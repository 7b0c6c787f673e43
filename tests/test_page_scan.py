"""Every page of the demo reads as text for people: no Python `None` or `nan`, no raw
field names, no large amounts in cents, no "(1 objecten)" (issue #18 §3).

One crawl serves every test of this module: the demo municipality is seeded with its
computed programme (seed_demo), then, in Dutch and in English, a planner opens every page
of the main menu, the links those pages give (the programme's tabs, filters, pages of a
list) and the first detail page each table links to. The visible text of each answer (not
attributes, scripts or styles) is checked.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from stakeholders.models import User

#: Pages read per language: the menu (about 15), their links, and a detail page of each
#: table; enough to reach every kind of page, few enough to finish in a minute.
MAX_PAGES = 160
#: Links that are no page to read: files, map data, API, admin, logout, language switch.
SKIP = re.compile(
    r"(export=|\.geojson|/kaart\.|/api/|/beheer/|/admin/|/uitloggen|/i18n/|download|"
    r"\.xlsx|\.csv|\.zip|\.pdf|/static/|/media/|^mailto:|^#)"
)

NONE = re.compile(r"\bNone\b")
NAN = re.compile(r"\b(?:nan|NaN)\b")
#: A raw field or choice name: lower-case words joined by underscores. No allow-list: the
#: demo's pages need none (an import's own column names show as words, `field_label`).
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
#: A large amount with cents (from € 100.000): whole euros are the rule for sums; cents
#: belong to unit prices and a calculation written out (an asset's replacement value),
#: far below that. A coupling's page is the exception (`CENTS_ALLOWED`): its cost split is
#: what the parties charge each other, to the cent.
CENTS_NL = re.compile(r"€\s?-?(?:\d{1,3}(?:\.\d{3}){2,}|\d{3}\.\d{3}),\d{2}\b")
CENTS_EN = re.compile(r"€\s?-?(?:\d{1,3}(?:,\d{3}){2,}|\d{3},\d{3})\.\d{2}\b")
CENTS_ALLOWED = re.compile(r"/koppelkansen/\d+/$")
ONE_OBJECTS = re.compile(r"\(1 objecten\)")


class _Page(HTMLParser):
    """The visible text of a page (one string per text node) and its links, the first
    link in each table's body marked as that table's detail page."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self.details: list[str] = []
        self._hidden = 0
        self._in_tbody = False
        self._table_done = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "tbody":
            self._in_tbody, self._table_done = True, False
        elif tag == "a" and attributes.get("href"):
            href = attributes["href"]
            self.links.append(href)
            if self._in_tbody and not self._table_done:
                self.details.append(href)
                self._table_done = True

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "tbody":
            self._in_tbody = False

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def _crawl(client: Client, start: list[str]) -> dict[str, list[str]]:
    """Visit the start pages, then their links (breadth first, own pages only), then each
    table's first detail link; return the visible text nodes per URL."""
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    queue = list(start)
    details: list[str] = []
    while (queue or details) and len(found) < MAX_PAGES:
        url = queue.pop(0) if queue else details.pop(0)
        if url in seen or SKIP.search(url) or not url.startswith("/"):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        found[url] = page.texts
        base = urlsplit(url).path
        for href in page.links:
            target = href if href.startswith("/") else (base + href if href.startswith("?") else "")
            if target and target not in seen and urlsplit(target).path.count("/") <= 4:
                queue.append(target)
        details.extend(d for d in page.details if d.startswith("/"))
    return found


#: The crawl's result, kept for the other tests of this module (one crawl for all).
_CRAWL: dict[str, dict[str, list[str]]] = {}


@pytest.fixture
def pages(db) -> dict[str, dict[str, list[str]]]:
    """The visible text of every page reached, per language, from one demo crawl (the
    first test to ask seeds and crawls; the database is rolled back after it)."""
    if not _CRAWL:
        # The middleware activates each request's language in this thread; the override
        # puts back the language of the tests that follow.
        with translation.override(translation.get_language()):
            _crawl_demo()
    return _CRAWL


def _crawl_demo() -> None:
    """Seed the demo and crawl it as the programme manager, in Dutch and in English."""
    call_command("seed_demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(username="programma"))
    start_page = _Page()
    start_page.feed(client.get(reverse("programming:dashboard")).content.decode())
    start = [reverse("programming:dashboard"), *start_page.links]
    for language in ("nl", "en"):
        client.cookies["django_language"] = language
        _CRAWL[language] = _crawl(client, start)


def _findings(pages, pattern) -> list[str]:
    """Where the pattern shows: language, URL and the text around it."""
    return sorted(
        {
            f"{language} {url}: …{text[:80]}…"
            for language, by_url in pages.items()
            for url, texts in by_url.items()
            for text in texts
            if pattern.search(text)
        }
    )


def test_the_crawl_reaches_every_kind_of_page(pages):
    urls = set(pages["nl"])
    assert len(urls) >= 40
    for fragment in ("/programmas/", "/gebieden/", "/kernen/", "/beheerobjecten/", "/projecten/"):
        assert any(fragment in url for url in urls), fragment


def test_no_page_shows_none_or_nan(pages):
    assert _findings(pages, NONE) == []
    assert _findings(pages, NAN) == []


def test_no_page_shows_a_raw_field_name(pages):
    assert _findings(pages, SNAKE) == []


def test_no_page_shows_a_large_amount_in_cents(pages):
    sums = {
        language: {url: texts for url, texts in by_url.items() if not CENTS_ALLOWED.search(url)}
        for language, by_url in pages.items()
    }
    assert _findings({"nl": sums["nl"]}, CENTS_NL) == []
    assert _findings({"en": sums["en"]}, CENTS_EN) == []


def test_no_work_is_called_one_objecten(pages):
    """The engine's Dutch label said "(1 objecten)"; works are named from their stored
    parts in the reader's language (helper D's `Work.name`)."""
    assert _findings(pages, ONE_OBJECTS) == []
