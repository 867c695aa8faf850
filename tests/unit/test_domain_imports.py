"""The domain packages import nothing from Flask, directly or through the workshop modules they
import, so they stay usable and testable without an app (style.md: tldraw's sync-core)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "workshop"
DOMAIN_PACKAGES = [
    name
    for name in (
        "access",
        "projects",
        "boards",
        "canvases",
        "exports",
        "models",
        "rooms",
        "calls",
        "library",
        "registration",
    )
    if (PACKAGE_ROOT / name).is_dir()
]
FORBIDDEN_ROOTS = ("flask", "flask_")  # flask itself and every flask_* extension


def _module_file(module: str) -> Path | None:
    """The file that defines a workshop module (a package's __init__), if it exists."""
    parts = module.split(".")[1:]
    base = PACKAGE_ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module named by an import in the file (function-level ones too), made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (
        _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module
            found.append((base, node.lineno))
            # `from workshop.models import user` may name a submodule, not an attribute.
            if base.split(".")[0] == "workshop":
                found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _files_run_by_importing(module: str) -> list[Path]:
    """The files Python runs to import a workshop module: its packages' __init__ and itself.

    The top package's __init__ (the app factory) is left out: it is the Flask side by design.
    """
    parts = module.split(".")
    files = []
    for depth in range(2, len(parts) + 1):
        path = _module_file(".".join(parts[:depth]))
        if path is not None:
            files.append(path)
    return files


def flask_imports_reachable_from(package: str) -> list[str]:
    """Chains like 'workshop/access/service.py:3 -> flask' for every Flask import reached."""
    start = sorted((PACKAGE_ROOT / package).rglob("*.py"))
    seen: set[Path] = set()
    stack = [(path, []) for path in start]
    problems = []
    while stack:
        path, chain = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        here = str(path.relative_to(PACKAGE_ROOT.parent))
        for module, line in _imports(path):
            root = module.split(".")[0]
            if root == "flask" or root.startswith(FORBIDDEN_ROOTS[1]):
                problems.append(" -> ".join([*chain, f"{here}:{line}", module]))
            elif root == "workshop" and module != "workshop":
                for target in _files_run_by_importing(module):
                    stack.append((target, [*chain, f"{here}:{line}"]))
    return sorted(set(problems))


@pytest.mark.parametrize("package", DOMAIN_PACKAGES)
def test_domain_package_imports_nothing_from_flask(package):
    assert flask_imports_reachable_from(package) == []


def test_the_check_sees_through_workshop_imports(tmp_path, monkeypatch):
    """The checker itself: a domain module reaching Flask through another module is caught."""
    root = tmp_path / "workshop"
    (root / "domain").mkdir(parents=True)
    (root / "__init__.py").write_text("from flask import Flask\n")
    (root / "helpers.py").write_text("def f():\n    from flask_login import current_user\n")
    (root / "domain" / "__init__.py").write_text("")
    (root / "domain" / "rules.py").write_text("from ..helpers import f\n")
    monkeypatch.setitem(globals(), "PACKAGE_ROOT", root)
    problems = flask_imports_reachable_from("domain")
    assert problems == ["workshop/domain/rules.py:1 -> workshop/helpers.py:2 -> flask_login"]


def test_importing_the_domain_loads_no_flask_module():
    """The same promise at run time, in a fresh interpreter: nothing pulls Flask in."""
    import subprocess
    import sys

    modules = [f"workshop.{name}" for name in DOMAIN_PACKAGES]
    modules += [
        f"workshop.{package}.{path.stem}"
        for package in DOMAIN_PACKAGES
        for path in sorted((PACKAGE_ROOT / package).glob("*.py"))
        if path.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "flask = [m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'flask_'))]\n"
        "print(' '.join(sorted(flask)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE_ROOT.parent,
        env={"PYTHONPATH": str(PACKAGE_ROOT.parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == ""
