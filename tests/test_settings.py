"""Production settings: safe by default, loud about bad configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from impor.settings import env_bool, env_int
from tests.system import required

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "s3cr3t-" + "x7Kq9vLm2PzR4tYw8NcB" * 3,
    "ALLOWED_HOSTS": "impor.example.nl",
    "DATABASE_URL": "sqlite:////tmp/impor-check-deploy.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_collectstatic_builds_the_hashed_files_of_every_vendored_package(tmp_path):
    """The production build step: the manifest storage follows each stylesheet's and
    script's references (source maps, images) and fails on one that is not vendored."""
    result = manage(
        "collectstatic", "--noinput", env={**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_missing_secret_key_stops_start_up_in_production():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_misspelt_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "ture")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_SECURE"):
        env_bool("SESSION_COOKIE_SECURE", True)


@pytest.mark.parametrize(("raw", "expected"), [("yes", True), ("0", False), ("On", True)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_a_non_numeric_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "a year")
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS"):
        env_int("SECURE_HSTS_SECONDS", 0)


def test_the_suite_runs_on_postgresql_when_ci_requires_it():
    """.ci/run sets IMPOR_REQUIRE_POSTGRES for its second run; that run must really use it."""
    if not required("IMPOR_REQUIRE_POSTGRES"):
        pytest.skip("IMPOR_REQUIRE_POSTGRES is not set; this run may use SQLite")
    assert connection.vendor == "postgresql"
