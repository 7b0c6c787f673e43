"""The OpenAPI document passes the NL API Design Rules as the national API register lints
them: Spectral with the ADR core rules (tools/spectral/adr.yaml, docs/api.md).

Spectral is a node program installed by `npm ci --prefix tools/spectral --ignore-scripts`
(as `.ci/run` does). Without it these tests skip, unless IMPOR_REQUIRE_SPECTRAL is set
(as in CI): then they fail. The ruleset itself is tested too: a small document that
breaks one rule at a time must fail on exactly that rule, so a rule that cannot fail is
noticed.
"""

import copy
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.system import required
from tests.test_settings import manage

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "tools/spectral/node_modules/.bin/spectral"
RULESET = ROOT / "tools/spectral/adr.yaml"
#: Spectral's severities, by number in its JSON output.
SEVERITIES = ("error", "warning", "info", "hint")


@pytest.fixture(scope="module")
def spectral() -> Path:
    if not SPECTRAL.exists():
        reason = "Spectral is not installed (npm ci --prefix tools/spectral --ignore-scripts)"
        if required("IMPOR_REQUIRE_SPECTRAL"):
            pytest.fail(f"IMPOR_REQUIRE_SPECTRAL is set but {reason}")
        pytest.skip(reason)
    return SPECTRAL


def lint(spectral: Path, files: list[Path]) -> list[dict]:
    """Spectral's findings for `files`, each with its `source` file, rule `code`,
    `severity` (0 is an error), `path` and `message`."""
    result = subprocess.run(
        [
            str(spectral),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--quiet",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout or "[]")


def errors(findings: list[dict]) -> list[str]:
    return [
        f"{f['code']} at {'.'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
        if f["severity"] == 0
    ]


def test_spectral_is_pinned_exactly_and_named_in_the_docs():
    package = json.loads((ROOT / "tools/spectral/package.json").read_text())
    version = package["dependencies"]["@stoplight/spectral-cli"]
    assert version[0].isdigit(), version
    lock = json.loads((ROOT / "tools/spectral/package-lock.json").read_text())
    assert lock["packages"]["node_modules/@stoplight/spectral-cli"]["version"] == version
    row = f"| `@stoplight/spectral-cli` | {version} | Apache-2.0 |"
    assert row in (ROOT / "docs/frontend.md").read_text()


@pytest.mark.django_db
def test_the_openapi_document_has_no_adr_errors(client, spectral, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_bytes(client.get("/api/v1/openapi.json").content)

    found = errors(lint(spectral, [document]))

    assert not found, f"{len(found)} ADR errors:\n" + "\n".join(found)


@pytest.mark.django_db
def test_every_success_declares_the_api_version_the_middleware_sends(client):
    """/core/version-header, checked without Spectral: every 2xx and 3xx response of
    every operation declares API-Version, with the version that is really sent."""
    response = client.get("/api/v1/openapi.json")
    document = response.json()
    version = settings.SPECTACULAR_SETTINGS["VERSION"]
    assert response["API-Version"] == version == document["info"]["version"]
    header = document["components"]["headers"]["API-Version"]
    assert header["schema"]["example"] == version
    successes = [
        (path, method, code, answer)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for code, answer in operation["responses"].items()
        if code[0] in "23"
    ]
    assert len(successes) > 100
    for path, method, code, answer in successes:
        assert answer["headers"]["API-Version"] == {"$ref": "#/components/headers/API-Version"}, (
            path,
            method,
            code,
        )


@pytest.mark.django_db
def test_the_document_names_its_contact_and_server(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["servers"] == [{"url": "/api/v1"}]
    assert set(document["info"]["contact"]) == {"name", "email", "url"}
    assert all(not path.startswith("/api/") for path in document["paths"])


def test_a_production_server_url_and_contact_come_from_the_environment(tmp_path):
    document = tmp_path / "openapi.json"
    env = {
        "DEBUG": "true",
        "API_BASE_URL": "https://impor.gemeente.nl/api/v1",
        "API_CONTACT_NAME": "Team Openbare Ruimte",
        "API_CONTACT_EMAIL": "openbareruimte@gemeente.nl",
        "API_CONTACT_URL": "https://gemeente.nl/openbare-ruimte",
    }
    result = manage("spectacular", "--format", "openapi-json", "--file", str(document), env=env)
    assert result.returncode == 0, result.stderr
    written = json.loads(document.read_text())
    assert written["servers"] == [{"url": "https://impor.gemeente.nl/api/v1"}]
    assert written["info"]["contact"] == {
        "name": "Team Openbare Ruimte",
        "email": "openbareruimte@gemeente.nl",
        "url": "https://gemeente.nl/openbare-ruimte",
    }


@pytest.mark.parametrize(
    "url", ["http://impor.gemeente.nl/api/v1", "https://impor.gemeente.nl/api"]
)
def test_a_server_url_without_https_or_the_version_is_refused(url):
    result = manage("check", env={"DEBUG": "true", "API_BASE_URL": url})
    assert result.returncode != 0
    assert "API_BASE_URL must end in /api/v1 and be relative or https" in result.stderr


#: A small document that keeps every rule: a kebab-case resource with a camelCase path
#: parameter (parameters are exempt), API-Version on its success, problem+json on its error.
GOOD = {
    "openapi": "3.0.3",
    "info": {
        "title": "Voorbeeld",
        "description": "Een API die elke regel volgt.",
        "version": "1.2.3",
        "contact": {"name": "Team", "email": "team@example.nl", "url": "https://example.nl"},
    },
    "servers": [{"url": "https://example.nl/api/v1"}],
    "tags": [{"name": "dingen", "description": "Dingen."}],
    "paths": {
        "/mooie-dingen/{dingId}": {
            "get": {
                "operationId": "ding",
                "description": "Een ding.",
                "tags": ["dingen"],
                "parameters": [
                    {
                        "name": "dingId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Het ding.",
                        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "404": {
                        "description": "Niet gevonden.",
                        "content": {
                            "application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Problem"}
                            }
                        },
                    },
                },
            }
        }
    },
    "components": {
        "headers": {"API-Version": {"schema": {"type": "string"}}},
        "schemas": {
            "Problem": {
                "type": "object",
                "properties": {
                    "status": {"type": "integer"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                },
            }
        },
    },
}
PATH = "/mooie-dingen/{dingId}"


def _get(document: dict) -> dict:
    return document["paths"][PATH]["get"]


def _rename_path(document: dict, new: str) -> None:
    document["paths"][new] = document["paths"].pop(PATH)


#: Each rule with a change to GOOD that breaks it (and nothing else), by ADR rule.
BREAKS = {
    # /core/doc-openapi-contact
    "info-contact": lambda d: d["info"].pop("contact"),
    "info-contact-fields-exist": lambda d: d["info"]["contact"].pop("url"),
    # /core/uri-version
    "oas3-api-servers": lambda d: d.pop("servers"),
    "include-major-version-in-uri": lambda d: d["servers"][0].update(url="https://example.nl/api"),
    # /core/transport/tls
    "servers-use-https": lambda d: d["servers"][0].update(url="http://example.nl/api/v1"),
    # /core/no-trailing-slash
    "paths-no-trailing-slash": lambda d: _rename_path(d, PATH + "/"),
    # /core/naming-resources
    "paths-kebab-case": lambda d: _rename_path(d, "/mooieDingen/{dingId}"),
    # /core/semver
    "semver": lambda d: d["info"].update(version="1.2"),
    # /core/version-header
    "missing-header": lambda d: _get(d)["responses"]["200"].pop("headers"),
    "missing-version-header": lambda d: _get(d)["responses"]["200"].update(
        headers={"ETag": {"schema": {"type": "string"}}}
    ),
    # /core/error-handling/problem-json
    "use-problem-schema": lambda d: _get(d)["responses"]["404"].update(
        content={"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ),
    "problem-schema-members": lambda d: d["components"]["schemas"]["Problem"]["properties"].pop(
        "detail"
    ),
}


@pytest.fixture(scope="module")
def findings_by_document(spectral, tmp_path_factory) -> dict[str, set[str]]:
    """The error rules Spectral reports for GOOD and for each broken copy, in one run."""
    folder = tmp_path_factory.mktemp("adr")
    files = {}
    for name, breaks in {"good": None, **BREAKS}.items():
        document = copy.deepcopy(GOOD)
        if breaks:
            breaks(document)
        files[name] = folder / f"{name}.json"
        files[name].write_text(json.dumps(document))
    found: dict[str, set[str]] = {name: set() for name in files}
    by_source = {str(path.resolve()): name for name, path in files.items()}
    for finding in lint(spectral, list(files.values())):
        if finding["severity"] == 0:
            found[by_source[str(Path(finding["source"]).resolve())]].add(finding["code"])
    return found


def test_the_ruleset_accepts_a_document_that_keeps_every_rule(findings_by_document):
    assert findings_by_document["good"] == set()


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_the_ruleset_catches_a_document_that_breaks_one_rule(findings_by_document, rule):
    assert findings_by_document[rule] == {rule}
