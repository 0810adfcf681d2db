"""The layers of DESIGN.md, checked on the source: imports point down only, no import hides
inside a function to dodge a cycle, and no app reaches for another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each package, and the packages of ours it may import (directly or through another).
MAY_IMPORT: dict[str, set[str]] = {
    "config": {"search", "learning", "glossary", "content", "calculators", "caching", "sizing"},
    "search": {"learning", "glossary", "content", "calculators", "caching", "sizing"},
    "learning": {"glossary", "content", "calculators", "caching", "sizing"},
    "glossary": {"content", "calculators", "caching", "sizing"},
    "content": {"calculators", "caching", "sizing"},
    "calculators": {"caching", "sizing"},
    "caching": set(),
    "sizing": set(),
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in MAY_IMPORT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                found.append((package, path))
    return found


def _imports(tree: ast.AST) -> list[tuple[ast.stmt, str, list[str]]]:
    """(statement, module, names imported from it) for every import in the tree."""
    found: list[tuple[ast.stmt, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node, node.module, [alias.name for alias in node.names]))
    return found


MODULES = _modules()


def test_the_layers_cover_the_apps():
    assert len(MODULES) > 60
    assert {package for package, _ in MODULES} == set(MAY_IMPORT)


@pytest.mark.parametrize(
    ("package", "path"), MODULES, ids=[str(p.relative_to(ROOT)) for _, p in MODULES]
)
def test_imports_point_down(package, path):
    tree = ast.parse(path.read_text(), str(path))
    upward = []
    for node, module, _ in _imports(tree):
        top = module.split(".")[0]
        if top in MAY_IMPORT and top != package and top not in MAY_IMPORT[package]:
            upward.append(f"line {node.lineno}: {module}")
    assert upward == []


@pytest.mark.parametrize(
    ("package", "path"), MODULES, ids=[str(p.relative_to(ROOT)) for _, p in MODULES]
)
def test_no_import_hides_in_a_function(package, path):
    tree = ast.parse(path.read_text(), str(path))
    hidden = []
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            hidden += [
                f"line {node.lineno}: {module} in {function.name}()"
                for node, module, _ in _imports(function)
                if module.split(".")[0] in MAY_IMPORT
            ]
    assert hidden == []


@pytest.mark.parametrize(
    ("package", "path"), MODULES, ids=[str(p.relative_to(ROOT)) for _, p in MODULES]
)
def test_no_app_imports_another_apps_private_names(package, path):
    tree = ast.parse(path.read_text(), str(path))
    private = [
        f"line {node.lineno}: {name} from {module}"
        for node, module, names in _imports(tree)
        if module.split(".")[0] in MAY_IMPORT and module.split(".")[0] != package
        for name in names
        if name.startswith("_")
    ]
    assert private == []


def test_the_checks_catch_an_upward_import(tmp_path):
    tree = ast.parse("from learning.models import Lesson\ndef f():\n    import glossary.models\n")
    modules = [module for _, module, _ in _imports(tree)]
    assert modules == ["learning.models", "glossary.models"]
    assert "learning" not in MAY_IMPORT["glossary"]
