"""Layers point down (style rule 17): `core` imports no app, and no app imports another app's
views or forms. Read from the source (ast), so an import inside a function counts too."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every Django app of the project: a top-level folder with an apps.py (bench and devdata included).
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
PAGE_MODULE = re.compile(r"^(?:\w+_)?(?:views|forms)$")

# Imports of another app's views or forms allowed anyway: none (issue 16 moved the last ones to
# lower modules: core.widgets, core.periods, areas.filters). Nothing may be added to it.
KNOWN_PAGE_IMPORTS: set[tuple[str, str]] = set()


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute; `from a import b` counts as a and a.b, since b may
    be a module."""
    package = path.relative_to(ROOT).parts[:-1]
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            modules.add(base)
            modules.update(f"{base}.{alias.name}" for alias in node.names)
    return modules


def python_files(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "__pycache__" not in path.parts)


def page_module(module: str) -> str | None:
    """`cases.case_views` for `cases.case_views.case_detail`; None for anything that is
    not a views, *_views, forms or *_forms module."""
    parts = module.split(".")
    for depth, part in enumerate(parts[1:], start=2):
        if PAGE_MODULE.match(part):
            return ".".join(parts[:depth])
    return None


def page_imports() -> set[tuple[str, str]]:
    """(file, module) for every import of another app's views, *_views, forms or *_forms module."""
    return {
        (path.relative_to(ROOT).as_posix(), page)
        for app in APPS
        for path in python_files(app)
        for module in imported_modules(path)
        if module.split(".")[0] in set(APPS) - {app} and (page := page_module(module))
    }


def test_it_finds_the_apps():
    assert {"core", "accounts", "areas", "reports", "cases", "outreach", "alerts", "dashboard", "bench"} <= set(APPS)


def test_core_imports_no_app():
    above = set(APPS) - {"core"}
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files("core")
        for module in imported_modules(path)
        if module.split(".")[0] in above
    )
    assert not offenders, "core is the floor: move the code that needs an app into that app\n" + "\n".join(offenders)


def test_no_app_imports_the_fictional_data_or_the_benchmark():
    """devdata and bench sit on top: they may import every app, and nothing in the product
    may depend on them (bench is not even installed outside bench/settings.py)."""
    offenders = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for app in set(APPS) - {"devdata", "bench"}
        for path in python_files(app)
        for module in imported_modules(path)
        if module.split(".")[0] in {"devdata", "bench"}
    )
    assert not offenders, "\n".join(offenders)


def test_no_app_imports_another_apps_views_or_forms():
    found = page_imports()
    new = sorted(found - KNOWN_PAGE_IMPORTS)
    assert not new, (
        "an app imports another app's views or forms; move what it needs to a lower module "
        "(selectors, choices, widgets) of that app:\n" + "\n".join(f"{path} imports {module}" for path, module in new)
    )
    gone = sorted(KNOWN_PAGE_IMPORTS - found)
    assert not gone, "no longer imported, remove from KNOWN_PAGE_IMPORTS:\n" + "\n".join(
        f"{path} imports {module}" for path, module in gone
    )
