"""The background tasks call the services, and the services never call the tasks back."""

import ast
from pathlib import Path

import programming.services

SERVICES = Path(programming.services.__file__)


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module an import names, at the top or inside a function (a lazy import)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_services_never_import_the_tasks():
    """A circle services ↔ tasks would come back as a lazy import inside a function."""
    imported = _imported_modules(ast.parse(SERVICES.read_text(encoding="utf-8")))
    assert not {name for name in imported if name.startswith("programming.tasks")}


def test_the_check_sees_a_lazy_import_of_the_tasks():
    tree = ast.parse("def f():\n    from programming.tasks import compute_programme\n")
    assert "programming.tasks" in _imported_modules(tree)
    tree = ast.parse("def f():\n    from programming import tasks\n")
    assert "programming.tasks" in _imported_modules(tree)
