"""The examples in sizing's docstrings run, and print exactly what they show (doctest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import sizing

MODULES = [sizing] + [
    importlib.import_module(f"sizing.{info.name}") for info in pkgutil.iter_modules(sizing.__path__)
]


def _examples(module: ModuleType) -> int:
    return sum(len(test.examples) for test in doctest.DocTestFinder().find(module))


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_example_in_the_modules_docstrings_prints_what_it_shows(module):
    # A failure's expected and actual output are printed (pytest shows them with the failure).
    results = doctest.testmod(module, report=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples failed"


def test_the_main_functions_have_examples():
    assert sum(_examples(module) for module in MODULES) >= 20
