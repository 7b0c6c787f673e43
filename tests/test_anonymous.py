"""Every URL of IMPOR refuses an anonymous visitor, except the few that must not.

The test walks the whole URL configuration (impor.urls), so a view added later without
protection fails it: pages send the visitor to a login page, the API answers 401 with
problem+json.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern

from programming import newsletter_urls

#: Public on purpose: logging in (the site's and the admin's), choosing the language on
#: the login page, the OpenAPI document clients generate code from, the health check
#: of the load balancer, and a user's Atom feed, whose secret token in the address is the
#: key (a feed reader has no session; a wrong token answers 403, tests/stakeholders/
#: test_webhooks.py).
PUBLIC = {"login", "admin:login", "set_language", "api_schema", "health", "stakeholders:inbox_feed"}
#: The village newsletter's archive, editions, sign-up and e-mail links are for residents
#: without an account (programming/newsletter_urls.py; their answers are tested in
#: tests/programming/test_newsletter.py).
NEWSLETTER = {f"newsletter:{name}" for name in newsletter_urls.PUBLIC}
PUBLIC |= NEWSLETTER
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _sample(name: str, regex: str) -> str:
    """A value for one regex group: the first alternative, a number or a word."""
    if "|" in regex:
        return regex.split("|")[0]
    if name == "format":
        return "json"
    if r"\d" in regex or "0-9" in regex:
        return "1"
    return "x"


def _route(pattern) -> str:
    if isinstance(pattern, RegexPattern):
        text = GROUP.sub(lambda m: _sample(m.group(1), m.group(2)), pattern._regex)
        return text.lstrip("^").rstrip("$").replace("\\", "").replace("/?", "/")
    return PARAMETER.sub(
        lambda m: "x" if m.group(1) in ("str", "slug", "path") else "1", str(pattern)
    )


def every_url(patterns=None, prefix="/", namespace=""):
    """(URL name, a URL that resolves to it) for every pattern, parameters filled."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_url(entry.url_patterns, prefix + _route(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name or prefix + str(entry.pattern)}"
            yield name, prefix + _route(entry.pattern)


URLS = sorted(set(every_url()))


def test_the_walk_covers_pages_api_and_admin():
    names = {name for name, _url in URLS}
    assert {"programming:dashboard", "admin:index", "api_docs", "assets:asset_list"} <= names
    assert sum(url.startswith("/api/") for _name, url in URLS) > 40
    assert PUBLIC - {"health"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in URLS if u[0] not in PUBLIC], ids=str)
def test_an_anonymous_request_is_refused(client, name, url):
    assert resolve(url.split("?")[0]), f"{name}: {url} does not resolve"
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401, f"{name} answers {response.status_code}"
        assert response["Content-Type"] == "application/problem+json"
        return
    assert response.status_code == 302, f"{name} answers {response.status_code}"
    # The admin's own pages send the visitor to the admin's login page.
    logins = [reverse("login"), *([reverse("admin:login")] if name.startswith("admin:") else [])]
    assert response["Location"].startswith(tuple(f"{login}?next=" for login in logins)), response[
        "Location"
    ]


@pytest.mark.django_db
# The feed answers only with a user's token: tests/stakeholders/test_webhooks.py.
@pytest.mark.parametrize(
    "name", sorted(PUBLIC - {"health", "stakeholders:inbox_feed"} - NEWSLETTER)
)
def test_the_public_urls_answer_without_login(client, name):
    response = client.get(reverse(name))
    # The language switch is a POST form; a GET goes back where it came from.
    assert response.status_code == (302 if name == "set_language" else 200)
