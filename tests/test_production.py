"""Running in production: the health endpoint, the answer when the database is down,
security headers and cookies, and logs as JSON lines (docs/deploy.md).

The production cases run in a subprocess with DEBUG off, since settings are read once at
start-up."""

import datetime
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from programming.tasks import compute_programme
from tests.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
#: Nothing listens on port 1: every connection attempt is refused at once.
DATABASE_DOWN = "postgres://x:y@127.0.0.1:1/x"


def run_in_production(script: str, **env: str) -> dict:
    """Run `script` (which prints one JSON object last) under the production settings."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "impor.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- Health -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_without_login_and_is_never_cached(client):
    response = client.get("/gezondheid")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert reverse("health") == "/gezondheid"


def _enqueue(waited: datetime.timedelta) -> DBTaskResult:
    result = compute_programme.enqueue(0)
    row = DBTaskResult.objects.get(pk=result.id)
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - waited)
    return row


@pytest.mark.django_db
def test_health_reports_no_worker_when_a_task_waits_too_long_and_none_runs(client):
    _enqueue(datetime.timedelta(minutes=10))
    response = client.get("/gezondheid")
    assert response.status_code == 503
    assert response.json() == {"status": "fout", "database": "ok", "worker": "geen worker"}


@pytest.mark.django_db
def test_health_is_fine_while_a_task_waits_briefly_or_a_worker_is_busy(client):
    _enqueue(datetime.timedelta(seconds=30))
    assert client.get("/gezondheid").status_code == 200
    old = _enqueue(datetime.timedelta(minutes=10))
    busy = _enqueue(datetime.timedelta(minutes=11))
    DBTaskResult.objects.filter(pk=busy.pk).update(status="RUNNING")
    assert client.get("/gezondheid").status_code == 200
    DBTaskResult.objects.filter(pk=busy.pk).update(status="SUCCESSFUL")
    with override_settings(IMPOR_HEALTH_QUEUE_SECONDS=3600):
        assert client.get("/gezondheid").status_code == 200
    assert DBTaskResult.objects.filter(pk=old.pk, status="READY").exists()


# --- Database down ------------------------------------------------------------------------

DATABASE_DOWN_SCRIPT = """
import json
from django.test import Client

client = Client(raise_request_exception=False, HTTP_HOST="impor.example.nl")
# A browser that was logged in: its session lookup is the first database query.
client.cookies["sessionid"] = "k" * 32
answers = {}
for path in ("/", "/projecten/", "/api/v1/projecten", "/gezondheid"):
    response = client.get(path, secure=True)
    answers[path] = {
        "status": response.status_code,
        "type": response["Content-Type"],
        "retry": response.get("Retry-After"),
        "csp": response.get("Content-Security-Policy", ""),
        "body": response.content.decode(),
    }
anonymous = Client(raise_request_exception=False, HTTP_HOST="impor.example.nl")
response = anonymous.get("/gezondheid", secure=True)
answers["anonymous health"] = {"status": response.status_code, "body": response.content.decode()}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def database_down() -> dict:
    return run_in_production(DATABASE_DOWN_SCRIPT, DATABASE_URL=DATABASE_DOWN)


@pytest.mark.parametrize("path", ["/", "/projecten/"])
def test_pages_answer_a_dutch_503_page_when_the_database_is_down(database_down, path):
    answer = database_down[path]
    assert answer["status"] == 503
    assert answer["type"].startswith("text/html")
    assert answer["retry"] == "30"
    assert "IMPOR is even niet bereikbaar" in answer["body"]
    assert "Traceback" not in answer["body"]
    assert "OperationalError" not in answer["body"]
    # The page's own CSS is allowed by the nonce in the policy, not by unsafe-inline.
    assert "'nonce-" in answer["csp"]
    assert "unsafe-inline" not in answer["csp"]


def test_the_api_answers_503_problem_json_when_the_database_is_down(database_down):
    answer = database_down["/api/v1/projecten"]
    assert answer["status"] == 503
    assert answer["type"] == "application/problem+json"
    assert answer["retry"] == "30"
    problem = json.loads(answer["body"])
    assert problem["status"] == 503
    assert problem["instance"] == "/api/v1/projecten"
    assert "Traceback" not in answer["body"]


def test_health_reports_the_database_down(database_down):
    answer = database_down["anonymous health"]
    assert answer["status"] == 503
    assert json.loads(answer["body"]) == {
        "status": "fout",
        "database": "niet bereikbaar",
        "worker": "onbekend",
    }
    # With a session cookie the user lookup fails first; still a 503 without traceback.
    assert database_down["/gezondheid"]["status"] == 503
    assert "Traceback" not in database_down["/gezondheid"]["body"]


# --- Security headers and cookies ---------------------------------------------------------

HEADERS_SCRIPT = """
import json
from django.core.management import call_command
from django.test import Client, override_settings

from stakeholders.models import User

call_command("migrate", verbosity=0)
User.objects.create_user("beheer", password="een-lang-wachtwoord-7")
client = Client(HTTP_HOST="impor.example.nl")
# collectstatic runs at build time; the pages here need no hashed file names.
plain = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
with override_settings(STORAGES=plain):
    login = client.get("/inloggen/", secure=True)
    client.post(
        "/inloggen/", {"username": "beheer", "password": "een-lang-wachtwoord-7"}, secure=True
    )
    client.post("/i18n/setlang/", {"language": "en", "next": "/"}, secure=True)
    plain_http = Client(HTTP_HOST="impor.example.nl").get("/inloggen/")
cookies = {
    name: {"secure": bool(c["secure"]), "httponly": bool(c["httponly"])}
    for name, c in client.cookies.items()
}
print(json.dumps({
    "headers": dict(login.headers),
    "cookies": cookies,
    "http_status": plain_http.status_code,
    "http_location": plain_http.get("Location", ""),
}))
"""


@pytest.fixture(scope="module")
def production_page(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("production") / "impor.sqlite3"
    return run_in_production(HEADERS_SCRIPT, DATABASE_URL=f"sqlite:///{database}")


def test_pages_carry_a_strict_content_security_policy(production_page):
    policy = production_page["headers"]["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["default-src"] == ["'self'"]
    # Inline code only with the nonce, which is named when the page uses it.
    for directive in ("script-src", "style-src"):
        assert directives[directive][0] == "'self'"
        assert all(source.startswith("'nonce-") for source in directives[directive][1:])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "https://service.pdok.nl" in directives["img-src"]


def test_pages_carry_the_other_security_headers(production_page):
    headers = production_page["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_and_http_only(production_page):
    cookies = production_page["cookies"]
    assert {"sessionid", "csrftoken", "django_language"} <= set(cookies)
    for name, flags in cookies.items():
        assert flags == {"secure": True, "httponly": True}, name


def test_plain_http_is_redirected_to_https(production_page):
    assert production_page["http_status"] == 301
    assert production_page["http_location"].startswith("https://impor.example.nl/")


# --- Logs ---------------------------------------------------------------------------------

LOG_SCRIPT = """
import json, logging
from django.test import Client

Client(HTTP_HOST="impor.example.nl").get("/gezondheid")
print(json.dumps({}))
"""


def test_production_logs_are_json_lines_with_the_request():
    env = {**PRODUCTION_ENV, "DATABASE_URL": DATABASE_DOWN}
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "LOG_FORMAT")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + LOG_SCRIPT],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "impor.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"')]
    requests = [line for line in lines if line.get("logger") == "impor.request"]
    assert len(requests) == 1, result.stdout
    line = requests[0]
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["path"] == "/gezondheid"
    assert line["status"] == 503
    assert isinstance(line["duration_ms"], float)
    assert line["time"]
    assert line["message"] == "GET /gezondheid 503"


def test_request_lines_are_logged_in_development_too(client, caplog):
    with caplog.at_level(logging.INFO, logger="impor.request"):
        client.get("/inloggen/")
    record = next(r for r in caplog.records if r.name == "impor.request")
    assert (record.method, record.path, record.status) == ("GET", "/inloggen/", 200)


# --- The web process ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_with_the_project_config_and_logs_json():
    """`gunicorn impor.wsgi` as the process list starts it; the database is down, so the
    health endpoint answers 503, and every line on stdout is JSON."""
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "LOG_FORMAT")}
    env = {
        **clean,
        **PRODUCTION_ENV,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_DOWN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "impor.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        for _ in range(120):
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/gezondheid", timeout=5)
            except urllib.error.HTTPError as error:
                answer = error
            except OSError:
                time.sleep(0.25)
                continue
            break
        assert answer is not None, "gunicorn did not answer"
        assert answer.status == 503
        assert json.loads(answer.read())["database"] == "niet bereikbaar"
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    assert any(line["logger"] == "gunicorn.error" for line in lines), stdout + stderr
    request = next(line for line in lines if line["logger"] == "impor.request")
    assert (request["path"], request["status"]) == ("/gezondheid", 503)
