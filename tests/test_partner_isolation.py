"""A partner sees its own organisation's data and nothing of another organisation's.

The crawler logs in as a user of partner A and requests every URL the site offers:

1. every pattern of the URL configuration, its parameters filled with A's ids, partner
   B's ids and the programme's id (so detail pages of B's objects are asked for too);
2. every path of the OpenAPI document, and each of its query parameters with B's id;
   and every path below a list for each object that list gave A (`listed_urls`);
3. every link (``href``) and GET form the answers contain, and every local URL inside a
   JSON answer (`_json_links`), breadth first.

Partner B's rows carry the marker ``XYZZYB`` in their names and one shared primary key
(`B_ID`), so one scan finds any of them in a page, a JSON answer, a CSV, or an Excel or
zip file (read inside). Asking for B's id must also answer exactly as asking for an id
that does not exist: no existence oracle.

The URL list comes from the resolver and the OpenAPI document, so a new page, export or
endpoint is crawled without a hand-written entry.

One thing of B the municipality does share with A (issue #17 §3): on a coupling that
joins A's and B's works, A sees B's work by its **owner, kind, window and location**, so
it knows with whom it digs. Of those only the owner's name can carry the marker (kind and
window are choices and years; the location is the street and the geometry, which the
fixture keeps free of it). So the crawl accepts exactly B's organisation name, and only
on that coupling's own page and map (`SHARED_COUPLING_PAGE`); B's work's label, cost, id,
project and budget lines stay secret there as everywhere, and B's name anywhere else is
still a leak.
"""

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from programming.choices import WorkKind
from projects.choices import RegisterKind
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    AreaFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectBriefFactory,
    ProjectFactory,
    ProjectRoleFactory,
    RegisterEntryFactory,
    UnfundedItemFactory,
    UserFactory,
    WorkCostFactory,
    WorkFactory,
)

#: The primary key of every row of partner B, of A, and one that exists nowhere.
B_ID = 8731001
A_ID = 8732001
MISSING_ID = 8739009
#: The shared coupling's id, which only A's list of couplings tells the crawl.
LISTED_ID = 8734001
#: Long enough that no random token (a CSRF token, a nonce) contains it by chance.
MARKER = "XYZZYB"
SECRET = re.compile(rf"{MARKER}|(?<!\d){B_ID}(?!\d)", re.IGNORECASE)
#: For a request that names B's id itself, whose answer may echo it ("8731001 is no valid
#: choice"): the marker alone, while the comparison with a missing id covers the rest.
MARKER_ONLY = re.compile(MARKER, re.IGNORECASE)

#: B's organisation name: what A may read of B on a coupling they share, and only there.
B_NAME = f"{MARKER} Glasvezel"
#: The pages of the coupling A and B share, below the programme ({programme}, {coupling}).
SHARED_COUPLING_PAGE = "/programmas/{programme}/koppelkansen/{coupling}/"

#: Values that change from one answer to the next and would make two answers differ.
VOLATILE = re.compile(
    r"(csrfmiddlewaretoken\" value=\"|nonce=\"|csrf-token\" content=\"|\"csrfToken\": \")"
    r"[^\"]*"
    r"|[A-Za-z0-9_\-]{32,}"
    # When a file was made, to the second (an Excel file's properties).
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?"
)
#: Where the crawl does not go: logging out ends the session; static files hold no data.
SKIP_PREFIXES = ("/uitloggen/", "/static/", "/i18n/", "/admin/logout/")
#: An upper bound on URLs requested, so a bug that makes endless links cannot hang CI;
#: the test fails when the crawl stops at it rather than running out of URLs.
MAX_FOLLOWED = 5000

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _patterns(patterns=None, prefix=""):
    """Every URL pattern as a route text with ``{name}`` for each parameter."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = entry.pattern
        if isinstance(route, RegexPattern):
            text = GROUP.sub(
                lambda m: m.group(2).split("|")[0] if "|" in m.group(2) else "{" + m.group(1) + "}",
                route._regex,
            )
            text = text.lstrip("^").rstrip("$").replace("\\", "").replace("/?", "/")
        else:
            text = PARAMETER.sub(lambda m: "{" + m.group(2) + "}", str(route))
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + text)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + text


def _fill(route: str, first: int, rest: int) -> str:
    """The route with its first parameter `first` and the others `rest`; a `format`
    parameter becomes json."""
    names = re.findall(r"{(\w+)}", route)
    values = {}
    for index, name in enumerate(names):
        values[name] = "json" if name == "format" else str(first if index == 0 else rest)
    return route.format(**values)


def site_urls(programme_id: int) -> list[str]:
    """The URLs to request for every pattern: with A's, B's and a missing id, and below a
    programme with those ids as the second parameter."""
    urls = []
    for route in sorted(set(_patterns())):
        if "{" not in route:
            urls.append(route)
            continue
        for value in (A_ID, B_ID, MISSING_ID):
            urls.append(_fill(route, value, value))
            if route.count("{") > 1:
                urls.append(_fill(route, programme_id, value))
        urls.append(_fill(route, programme_id, programme_id))
    return urls


def api_gets(client: Client) -> list[tuple[str, dict]]:
    """Every GET path of the user's OpenAPI document, with the server's path before it,
    and its operation."""
    document = client.get("/api/v1/openapi.json").json()
    base = urlsplit(document["servers"][0]["url"]).path
    return [
        (base + path, operations["get"])
        for path, operations in document["paths"].items()
        if "get" in operations
    ]


def api_urls(gets: list[tuple[str, dict]], programme_id: int) -> list[str]:
    """Every GET path (`api_gets`) with A's, B's and a missing id, and each query
    parameter on its own with B's and a missing id."""
    urls = []
    for route, get in gets:
        variants = (
            [route]
            if "{" not in route
            else [_fill(route, v, v) for v in (A_ID, B_ID, MISSING_ID)]
            + [_fill(route, programme_id, v) for v in (A_ID, B_ID, MISSING_ID)]
        )
        urls.extend(variants)
        base = variants[0] if "{" not in route else _fill(route, programme_id, programme_id)
        for parameter in get.get("parameters", []):
            if parameter.get("in") != "query" or parameter["name"] in ("page", "format"):
                continue
            for value in (B_ID, MISSING_ID):
                urls.append(f"{base}?{urlencode({parameter['name']: value})}")
    return urls


def _listed_keys(text: str, name: str) -> list[str]:
    """The keys of the objects a JSON list answer holds (paged or not): each object's
    `name` field where it has one, else its `id`."""
    try:
        body = json.loads(text)
    except ValueError:
        return []
    items = body.get("results", []) if isinstance(body, dict) else body
    keys = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            key = item.get(name, item.get("id"))
            if isinstance(key, int | str) and key != "":
                keys.append(str(key))
    return keys


def listed_urls(crawl: "Crawl", gets: list[tuple[str, dict]], programme_id: int) -> list[str]:
    """Every GET path (`api_gets`) below a list, for every object the user found in that
    list: a work's explanation and history for each work the partner may read, not only
    for A's and B's fixed ids. The list is requested first where the crawl has not seen
    it yet."""
    urls = []
    for path, _get in gets:
        names = re.findall(r"\{(\w+)\}", path)
        if not names:
            continue
        last = "{" + names[-1] + "}"
        collection = path[: path.index(last)].rstrip("/")
        if len(names) > 1:
            collection = _fill(collection, programme_id, programme_id)
        status, text = crawl.get(collection)
        if status != 200:
            continue
        for key in _listed_keys(text, names[-1]):
            route = path.replace(last, key)
            urls.append(_fill(route, programme_id, programme_id) if len(names) > 1 else route)
    return urls


#: The OGC API Features service (`impor.ogc`): its collections are listed per user, so
#: the crawl asks the list which there are instead of filling the route with ids.
OGC = "/api/v1/ogc"


def ogc_urls(client: Client) -> list[str]:
    """Every OGC API collection the user may read, from the user's own `/collections`
    (a programme's works and couplings included): its metadata, queryables and every
    feature on one page, each queryable with B's id, and a feature by A's, B's and a
    missing id. The JSON `links` of each answer are followed too (`Crawl.follow`)."""
    urls = [f"{OGC}/", f"{OGC}/conformance", f"{OGC}/collections"]
    for collection in client.get(f"{OGC}/collections").json()["collections"]:
        url = f"{OGC}/collections/{collection['id']}"
        urls += [url, f"{url}/queryables", f"{url}/items?limit=10000"]
        urls += [f"{url}/items/{value}" for value in (A_ID, B_ID, MISSING_ID)]
        for name in client.get(f"{url}/queryables").json()["properties"]:
            urls += [f"{url}/items?{urlencode({name: value})}" for value in (B_ID, MISSING_ID)]
    return urls


def _json_links(text: str) -> list[str]:
    """The paths of every local URL anywhere in a JSON answer, at any depth: OGC's
    `links` (self, next, items, …), a paged list's `next` and `previous`, and any other
    field that holds one."""
    try:
        body = json.loads(text)
    except ValueError:
        return []
    paths = []
    values = [body]
    while values:
        value = values.pop()
        if isinstance(value, dict):
            values.extend(value.values())
        elif isinstance(value, list):
            values.extend(value)
        elif isinstance(value, str) and value.startswith(("/", "http://testserver/")):
            parts = urlsplit(value)
            if parts.netloc in ("", "testserver"):
                paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


class _Links(HTMLParser):
    """The hrefs of a page and the URLs its GET forms send (with their fields' values)."""

    def __init__(self, url: str):
        super().__init__()
        self.url = urlsplit(url).path
        self.links: list[str] = []
        self._form: list | None = None
        self._action = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "link") and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self._form = []
            self._action = attributes.get("action") or self.url
        elif tag in ("input", "select") and self._form is not None and attributes.get("name"):
            self._form.append((attributes["name"], attributes.get("value") or str(B_ID)))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.links.append(f"{self._action}?{urlencode(self._form)}")
            self._form = None


def body_text(response) -> str:
    """What a person or a program gets to read: HTML, JSON and CSV as text, an Excel
    workbook or zip archive by the text of every file inside."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def _without_request(text: str, url: str) -> str:
    """The answer less the request's own path and query, which an answer may echo (a
    form's action, a problem's `instance`, a pagination link): echoing what was asked is
    no leak."""
    parts = urlsplit(url)
    for echoed in (parts.path, parts.query, urlencode(parse_qsl(parts.query))):
        if echoed:
            text = text.replace(echoed, "")
    return text


def _same_page(text: str) -> str:
    """The answer less what differs between two requests anyway (tokens, nonces) and the
    id asked for, which an error message may repeat."""
    text = VOLATILE.sub("", text)
    return text.replace(str(B_ID), "<id>").replace(str(MISSING_ID), "<id>")


class Crawl:
    """Requests URLs once each as one user and records what each answer revealed."""

    def __init__(self, client: Client, shared: dict[str, str] | None = None):
        self.client = client
        #: Path prefix → the one text of B allowed below it (the shared coupling's page).
        self.shared = shared or {}
        self.seen: dict[str, tuple[int, str]] = {}
        self.leaks: list[str] = []
        self.oracles: list[str] = []

    def get(self, url: str) -> tuple[int, str]:
        if url not in self.seen:
            response = self.client.get(url)
            text = body_text(response)
            self.seen[url] = (response.status_code, text)
            scan = MARKER_ONLY if str(B_ID) in url else SECRET
            scanned = _without_request(text, url)
            for prefix, allowed in self.shared.items():
                if urlsplit(url).path.startswith(prefix):
                    scanned = scanned.replace(allowed, "")
            found = scan.search(VOLATILE.sub("", scanned))
            if found:
                start = max(found.start() - 80, 0)
                self.leaks.append(
                    f"{url} ({response.status_code}): …{text[start : found.end() + 80]}…"
                )
        return self.seen[url]

    def compare_with_missing(self, url: str) -> None:
        """B's id must answer as an id that does not exist (status and body)."""
        if str(B_ID) not in url:
            return
        missing = url.replace(str(B_ID), str(MISSING_ID))
        status_b, text_b = self.get(url)
        status_m, text_m = self.get(missing)
        text_b = _same_page(_without_request(text_b, url))
        text_m = _same_page(_without_request(text_m, missing))
        if status_b != status_m or text_b != text_m:
            self.oracles.append(f"{url}: {status_b} against {status_m} for a missing id")

    def follow(self, start: list[str]) -> bool:
        """Request `start` and every link found, breadth first; whether every URL was
        reached before `MAX_FOLLOWED`."""
        queue = list(start)
        followed = 0
        while queue and followed < MAX_FOLLOWED:
            url = queue.pop(0)
            if url in self.seen or url.startswith(SKIP_PREFIXES):
                continue
            try:
                resolve(urlsplit(url).path)
            except Resolver404:
                continue
            followed += 1
            status, text = self.get(url)
            self.compare_with_missing(url)
            if status == 200 and text.lstrip().startswith(("<!DOCTYPE", "<!doctype", "<html")):
                parser = _Links(url)
                parser.feed(text)
                for link in parser.links:
                    target = urljoin(url, link.split("#")[0])
                    if target.startswith("/") and not target.startswith("//"):
                        queue.append(target)
            elif status == 200 and text.lstrip().startswith(("{", "[")):
                queue.extend(_json_links(text))
        return not queue


def _user(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def two_partners(db):
    """Partner A and partner B with projects, funding, roles, registers, briefs and works
    in one programme: a coupling of A's and B's works in one street, a coupling of B's
    works alone, and an unfunded item of B's."""
    area = AreaFactory(name="Centrum")
    municipality = ActorFactory(name="Gemeente Dalfsen")
    a = ActorFactory(pk=A_ID, name="Alfa Netbeheer", partner=True)
    b = ActorFactory(pk=B_ID, name=f"{MARKER} Glasvezel", short_name=MARKER, partner=True)
    line_a = BudgetLineFactory(pk=A_ID, code="alfa", name="Alfa investeringen", owner=a)
    line_b = BudgetLineFactory(pk=B_ID, code=MARKER.lower(), name=f"{MARKER} uitrol", owner=b)
    BudgetAmountFactory(pk=B_ID, budget_line=line_b, year=2027)
    project_a = ProjectFactory(pk=A_ID, code="ALFA-1", name="Alfa kabel", owner=a)
    project_b = ProjectFactory(
        pk=B_ID,
        code=f"{MARKER}-1",
        name=f"{MARKER} glasvezel",
        owner=b,
        lead=b,
        street="Prinsenstraat",
        description=f"Geheim plan van {MARKER}",
    )
    for project in (project_a, project_b):
        project.areas.add(area)
    FundingFactory(pk=A_ID, project=project_a, budget_line=line_a, year=2027)
    FundingFactory(pk=B_ID, project=project_b, budget_line=line_b, year=2027)
    ProjectRoleFactory(pk=B_ID, project=project_b, actor=b, person=f"{MARKER} Projectleider")
    RegisterEntryFactory(
        pk=B_ID, project=project_b, kind=RegisterKind.RISICO, description=f"{MARKER} risico"
    )
    ProjectBriefFactory(project=project_a, answered=True)
    ProjectBriefFactory(project=project_b, answered=True, leading_task=f"{MARKER} leidt")

    programme = ProgrammeFactory(name="IMPOR 2026-2035")
    programme.computed_at = programme.created_at
    programme.save(update_fields=["computed_at"])
    # An id no fixed part of the crawl fills in: only A's list of couplings names it.
    shared = CouplingFactory(
        pk=LISTED_ID, programme=programme, key="gedeeld", street="Prinsenstraat", area=area
    )
    b_only = CouplingFactory(pk=B_ID, programme=programme, key=f"{MARKER}-alleen", area=area)
    CouplingDecisionFactory(programme=programme, key=b_only.key)
    work_a = WorkFactory(
        pk=A_ID,
        programme=programme,
        key="P:ALFA-1",
        kind=WorkKind.PARTNER,
        label="ALFA-1 Alfa kabel",
        project=project_a,
        owner=a,
        area=area,
        coupling=shared,
        asset_class=None,
    )
    WorkFactory(
        pk=B_ID,
        programme=programme,
        key=f"P:{MARKER}-1",
        kind=WorkKind.PARTNER,
        label=f"{MARKER}-1 {MARKER} glasvezel",
        project=project_b,
        owner=b,
        area=area,
        coupling=shared,
        asset_class=None,
    )
    WorkFactory(
        programme=programme,
        key=f"P:{MARKER}-2",
        kind=WorkKind.PARTNER,
        label=f"{MARKER}-2 {MARKER} wijkaansluiting",
        project=project_b,
        owner=b,
        area=area,
        street=f"{MARKER}laan",
        coupling=b_only,
        asset_class=None,
    )
    WorkFactory(
        programme=programme,
        label="Riool Prinsenstraat",
        owner=municipality,
        area=area,
        coupling=shared,
    )
    WorkCostFactory(work=work_a, budget_line=line_a, offset=0)
    # A row of A's work that is not funded because B's work fills the line: the crawl
    # reads it in A's work's explanation (its id is A_ID), which names B's work by
    # neither its label nor its key.
    UnfundedItemFactory(
        work=work_a,
        budget_line=line_a,
        facts={"line": line_a.code, "years": [2029], "by": [f"P:{MARKER}-2"]},
    )
    UnfundedItemFactory(
        pk=B_ID,
        work=WorkFactory(
            programme=programme,
            key=f"P:{MARKER}-3",
            kind=WorkKind.PARTNER,
            label=f"{MARKER}-3 niet gedekt",
            project=project_b,
            owner=b,
            area=area,
            scheduled_year=None,
            asset_class=None,
        ),
        budget_line=line_b,
        reason=f"Het budget {MARKER} is op.",
    )
    user_a = _user(Role.PARTNER, username="alfa-gebruiker", organisation=a)
    _user(Role.PARTNER, username=f"{MARKER.lower()}-gebruiker", organisation=b)
    return {
        "programme": programme,
        "user_a": user_a,
        "project_a": project_a,
        "shared": {SHARED_COUPLING_PAGE.format(programme=programme.pk, coupling=shared.pk): B_NAME},
        "shared_coupling": shared,
    }


def _crawl(user, programme_id: int, shared: dict[str, str]) -> Crawl:
    client = Client()
    client.force_login(user)
    crawl = Crawl(client, shared)
    gets = api_gets(client)
    start = [
        "/",
        *site_urls(programme_id),
        *api_urls(gets, programme_id),
        *ogc_urls(client),
    ]
    assert crawl.follow(start), f"the crawl stopped at {MAX_FOLLOWED} URLs"
    listed = listed_urls(crawl, gets, programme_id)
    assert crawl.follow(listed), f"the crawl stopped at {MAX_FOLLOWED} URLs"
    return crawl


@pytest.mark.django_db
def test_a_partner_finds_nothing_of_another_organisation_anywhere(two_partners):
    crawl = _crawl(two_partners["user_a"], two_partners["programme"].pk, two_partners["shared"])

    assert crawl.leaks == [], "\n".join(crawl.leaks[:20])
    assert crawl.oracles == [], "\n".join(crawl.oracles[:20])
    # The crawl did reach A's own pages, exports and API answers.
    answered = [url for url, (status, _text) in crawl.seen.items() if status == 200]
    assert len(answered) > 60
    assert any("Alfa kabel" in text for _status, text in crawl.seen.values())
    assert f"/projecten/{A_ID}/projectopdracht/?toets=1" in crawl.seen
    # It read the programme's works and couplings as a GIS client does, A's work among them.
    collections = f"{OGC}/collections/programme-{two_partners['programme'].pk}"
    status, works = crawl.seen[f"{collections}-works/items?limit=10000"]
    assert status == 200
    assert f'"id":{A_ID},' in works
    assert crawl.seen[f"{collections}-couplings/items?limit=10000"][0] == 200
    # It asked the API for the shared coupling by the id A's list gave it (no fixed id).
    shared = two_partners["shared_coupling"]
    assert (
        crawl.seen[f"/api/v1/programmas/{shared.programme_id}/koppelkansen/{shared.pk}"][0] == 200
    )
    # It reached the shared coupling's page, where A reads B's name and nothing more.
    (page,) = two_partners["shared"]
    assert crawl.seen[page][0] == 200
    assert B_NAME in crawl.seen[page][1]


@pytest.mark.django_db
def test_the_crawler_sees_what_a_municipal_user_may_see(two_partners):
    """The same crawl as a programme manager finds B's rows: the scan would notice a leak."""
    manager = _user(Role.PROGRAMME_MANAGER, username="programma")
    client = Client()
    client.force_login(manager)
    crawl = Crawl(client)
    crawl.follow(["/projecten/", f"/projecten/{B_ID}/", "/api/v1/projecten"])

    assert crawl.leaks
    assert any(url.startswith(f"/projecten/{B_ID}/") for url in crawl.leaks[0:1] + crawl.leaks)


def test_the_url_list_covers_pages_exports_and_the_api():
    routes = set(_patterns())
    assert "/projecten/{pk}/projectopdracht/" in routes
    assert any(route.endswith("raadswerkboek.xlsx") for route in routes)
    assert sum(route.startswith("/api/v1/") for route in routes) > 40
