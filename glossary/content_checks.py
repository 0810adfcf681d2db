"""Worked numbers in the content, checked against the calculators.

A term file may carry `checks:`, one per figure its text states (format in
fixtures/README.md). Each check names the text as written, the calculator and query that
compute it, the field of the answer, and the exact value or a rounded one with a tolerance.
A check fails when the text is not in the term, the calculator refuses the query, or the
number differs. tests/glossary/test_content_numbers.py runs every check on the shipped files;
`manage.py check_content` runs them for editors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calculators.definitions import CALCULATORS
from glossary.content_io import read_directory

DEFAULT_TOLERANCE = 0.01  # relative: a figure written as "16.1 GB" is within 1% of the truth


@dataclass(frozen=True)
class CheckFailure:
    term: str
    text: str
    problem: str

    def __str__(self) -> str:
        return f"{self.term}: “{self.text}”: {self.problem}"


def _words(item: dict[str, Any]) -> str:
    parts = [str(item.get(name) or "") for name in ("body", "business_context", "example")]
    parts += [str(faq.get("answer") or "") for faq in item.get("faqs") or []]
    return " ".join(" ".join(parts).split())


def _field(data: Any, path: str) -> Any:
    """`path`'s value in an API answer: keys and list positions joined by dots, and
    `key=value` picking the list item that has it (`fits_on.gpu=h100-sxm.count`), since a
    list's order follows the catalog and changes when editors add to it."""
    for key in path.split("."):
        if isinstance(data, list) and "=" in key:
            name, _, wanted = key.partition("=")
            found = [item for item in data if isinstance(item, dict) and item.get(name) == wanted]
            if not found:
                raise KeyError(key)
            data = found[0]
        else:
            data = data[int(key)] if isinstance(data, list) else data[key]
    return data


def check_term(item: dict[str, Any]) -> tuple[int, list[CheckFailure]]:
    slug = item.get("slug", "?")
    failures = []
    checks = item.get("checks") or []
    words = _words(item)
    for check in checks:
        text = str(check.get("text", ""))
        if " ".join(text.split()) not in words:
            failures.append(CheckFailure(slug, text, "this text is not in the term"))
            continue
        calculator = CALCULATORS.get(check.get("calculator", ""))
        if calculator is None:
            failures.append(CheckFailure(slug, text, f"no calculator {check.get('calculator')!r}"))
            continue
        query = {key: str(value) for key, value in (check.get("query") or {}).items()}
        form, result = calculator.run(query)
        if result is None:
            failures.append(
                CheckFailure(slug, text, f"the calculator refused: {form.api_errors()}")
            )
            continue
        try:
            actual = _field(result.data, str(check.get("field", "")))
        except (KeyError, IndexError, ValueError, TypeError):
            failures.append(CheckFailure(slug, text, f"no field {check.get('field')!r}"))
            continue
        if "value" in check:
            if actual != check["value"]:
                failures.append(
                    CheckFailure(slug, text, f"expected exactly {check['value']}, got {actual}")
                )
        elif "approx" in check:
            expected = float(check["approx"])
            tolerance = float(check.get("tolerance", DEFAULT_TOLERANCE))
            if expected == 0 or abs(float(actual) - expected) / abs(expected) > tolerance:
                failures.append(
                    CheckFailure(
                        slug, text, f"expected {expected:g} within {tolerance:.1%}, got {actual}"
                    )
                )
        else:
            failures.append(CheckFailure(slug, text, "give value (exact) or approx"))
    return len(checks), failures


def check_directory(directory: Path) -> tuple[int, list[CheckFailure]]:
    _, terms = read_directory(directory)
    total, failures = 0, []
    for item in terms:
        count, found = check_term(item)
        total += count
        failures += found
    return total, failures
