"""The apps form layers: impor ← stakeholders ← assets ← projects ← programming.

A module may import its own app and the apps below it, never one above: that keeps the
lower layers usable on their own (the asset register without the programme engine).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["impor", "stakeholders", "assets", "projects", "programming"]


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def modules_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_a_higher_layer(app):
    higher = set(LAYERS[LAYERS.index(app) + 1 :])
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & higher)
        for path in modules_of(app)
        if imported_apps(path) & higher
    }
    assert offences == {}


def test_the_layer_check_sees_a_violation(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from programming.models import Programme\nimport assets.models\n")
    assert imported_apps(module) == {"programming", "assets"}
