"""The apps form layers: impor ← stakeholders ← assets ← projects ← programming.

A module may import its own app and the apps below it, never one above: that keeps the
lower layers usable on their own (the asset register without the programme engine).

Naming a higher layer reaches it as surely as importing it, so that counts too:
`apps.get_model("programming", "Work")`, `import_module("projects.selectors")`, a dotted
path such as `include("projects.area_urls")`, a model label such as "programming.Work" or
a permission such as "programming.view_work". A model label pointing down ("stakeholders.
Actor" in projects) is fine. Only the composition root may name every app: the settings
and the root URLconfs, which wire the apps together and belong to no layer.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["impor", "stakeholders", "assets", "projects", "programming"]
COMPOSITION_ROOT = {"impor/settings.py", "impor/urls.py", "impor/api/urls.py"}

#: A string that is a dotted name as a whole: a module path, a model label, a permission.
DOTTED_NAME = re.compile(r"(?P<app>[a-z_]+)(\.[A-Za-z_]\w*)+")
#: Calls that take an app label or module path as an argument of its own.
BY_NAME_CALLS = {
    "get_model",
    "get_app_config",
    "is_installed",
    "import_module",
    "__import__",
    "include",
}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose may mention any app."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def named_apps(path: Path) -> set[str]:
    """The apps a module names in strings: dotted names anywhere (docstrings aside), and
    bare app labels given to `apps.get_model`, `import_module` and the like."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    docstrings = _docstrings(tree)
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and (match := DOTTED_NAME.fullmatch(node.value))
        ):
            names.add(match["app"])
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in BY_NAME_CALLS:
                arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
                names.update(
                    argument.value
                    for argument in arguments
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                )
    return names & set(LAYERS)


def modules_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def _higher_than(app: str) -> set[str]:
    return set(LAYERS[LAYERS.index(app) + 1 :])


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_a_higher_layer(app):
    higher = _higher_than(app)
    offences = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & higher)
        for path in modules_of(app)
        if imported_apps(path) & higher
    }
    assert offences == {}


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_names_a_higher_layer(app):
    higher = _higher_than(app)
    offences = {
        name: sorted(named_apps(path) & higher)
        for path in modules_of(app)
        if (name := path.relative_to(ROOT).as_posix()) not in COMPOSITION_ROOT
        and named_apps(path) & higher
    }
    assert offences == {}


def test_the_layer_check_sees_a_violation(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from programming.models import Programme\nimport assets.models\n")
    assert imported_apps(module) == {"programming", "assets"}


def test_the_layer_check_sees_a_higher_layer_reached_by_name(tmp_path):
    # The ways projects and impor reached programming and projects before issue #15.
    module = tmp_path / "bad.py"
    module.write_text(
        'Work = apps.get_model("programming", "Work")\n'
        'urlpatterns = [path("", include("projects.area_urls"))]\n'
        'PARTS = {"stakeholders.budgetline": ("amounts",)}\n'
        'engine = import_module("assets")\n'
    )
    assert named_apps(module) == {"programming", "projects", "stakeholders", "assets"}


def test_the_layer_check_leaves_prose_and_plain_words_alone(tmp_path):
    module = tmp_path / "fine.py"
    module.write_text(
        '"""Read through programming.selectors, never import it."""\n'
        'help = "the programme lives in programming.Work rows"\n'
        'themes = models.ManyToManyField("stakeholders.Theme", related_name="projects")\n'
    )
    assert named_apps(module) == {"stakeholders"}
