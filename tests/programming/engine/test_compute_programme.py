"""manage.py compute_programme on a file, without the database."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from programming.engine.instance import dump_instance, load_result
from programming.management.commands.compute_programme import Command
from tests.programming.engine.builders import budget, instance, point, work

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def instance_file(tmp_path):
    path = tmp_path / "instance.json"
    dump_instance(
        instance(
            [
                work(
                    "riool",
                    opens_street=True,
                    window=(2026, 2028),
                    cost=("riolering", 100),
                    geometry=point(0),
                ),
                work(
                    "kabel",
                    kind="partner",
                    opens_street=True,
                    window=(2027, 2029),
                    cost=("enexis", 50),
                    geometry=point(5),
                ),
            ],
            [budget("riolering", 1000), budget("enexis", 1000)],
        ),
        path,
    )
    return path


def test_command_computes_a_file(instance_file, tmp_path, capsys):
    output = tmp_path / "result.json"
    call_command("compute_programme", input=str(instance_file), output=str(output))

    result = load_result(output)
    assert [w.scheduled_year for w in result.works] == [2027, 2027]
    assert len(result.clusters) == 1
    assert "2 van 2 werken ingepland" in capsys.readouterr().out


def test_command_runs_as_a_process_without_a_database(instance_file, tmp_path):
    """Through manage.py, with a database URL that cannot be opened."""
    output = tmp_path / "result.json"
    completed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "compute_programme",
            "--input",
            str(instance_file),
            "--output",
            str(output),
            "--method",
            "heuristic",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "DEBUG": "true",
            "SECRET_KEY": "test",
            "PATH": "",
            "DATABASE_URL": "sqlite:////nonexistent/dir/db.sqlite3",
        },
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert load_result(output).stats.solver == "heuristic"
    # The process ends with os._exit, which flushes nothing itself: the summary must
    # still reach the pipe.
    assert "2 van 2 werken ingepland" in completed.stdout


def test_the_command_line_leaves_without_collecting_garbage(instance_file, tmp_path, monkeypatch):
    """The process ends with os._exit; the collector, paused by the computation, is not
    turned back on to walk what the computation made before that."""
    on_exit = []

    def leave(code):
        on_exit.append((code, gc.isenabled()))
        raise SystemExit(code)

    monkeypatch.setattr(os, "_exit", leave)
    argv = ["manage.py", "compute_programme", "--input", str(instance_file)]
    try:
        with pytest.raises(SystemExit):
            Command().run_from_argv([*argv, "--output", str(tmp_path / "result.json")])
    finally:
        gc.enable()

    assert on_exit == [(0, False)]


def test_command_needs_an_output(instance_file):
    with pytest.raises(CommandError, match="--output"):
        call_command("compute_programme", input=str(instance_file))


def test_command_reports_an_invalid_instance(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        '{"works": [], "budget_lines": [], "parameters": {"first_year": 2026, "horizon": 12}}'
    )
    with pytest.raises(CommandError, match="looptijd"):
        call_command("compute_programme", input=str(path), output=str(tmp_path / "out.json"))
