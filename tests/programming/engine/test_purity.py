"""The engine is pure: no Django anywhere in it."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "programming" / "engine"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_engine_module_imports_django_or_another_app():
    allowed_first_party = ("programming.engine",)
    offences = {}
    for path in sorted(ENGINE.rglob("*.py")):
        bad = {
            name
            for name in imported_modules(path)
            if name.split(".")[0]
            in {"django", "rest_framework", "impor", "stakeholders", "assets", "projects"}
            or (name.startswith("programming") and not name.startswith(allowed_first_party))
        }
        if bad:
            offences[path.name] = sorted(bad)
    assert offences == {}


def test_engine_imports_and_runs_without_django_loaded():
    """A fresh interpreter imports the engine and runs it; Django never enters sys.modules."""
    code = (
        "import sys\n"
        "from programming.engine import run\n"
        "from programming.engine.instance import Instance, Parameters, Work\n"
        "w = Work(key='a', kind='maatregel', label='a', window_start=2026, window_end=2026,"
        " preferred_year=2026)\n"
        "run(Instance(works=(w,), budget_lines=(), parameters=Parameters(first_year=2026)))\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
