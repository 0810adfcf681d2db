"""What the form tests share: page numbers a form must refuse, and a form's errors."""

from __future__ import annotations

from django.http import QueryDict

BAD_PAGES = ["0", "4", "-1", "+1", "1.0", " 1", "1 ", "x", "²", "١", "99999999999999999999",
             "9" * 5000]  # fmt: skip


def errors(form_class, query: str) -> dict[str, list[str]]:
    """The errors of `form_class` bound to the query string, which it must refuse."""
    form = form_class(QueryDict(query))
    assert not form.is_valid()
    return form.errors
