"""The public corrections log (issue #22): fixtures/corrections.yaml is imported with the rest
of the content, shown at /corrections/ and in an Atom feed, and edited in the admin."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import yaml
from content_folders import write_sample_folder
from django.core.management import CommandError, call_command

from glossary.models import Correction

pytestmark = pytest.mark.django_db


def test_the_log_shows_newest_first_grouped_by_day(client):
    Correction.objects.create(
        date=datetime.date(2026, 1, 5), page="terms/a", old="the January claim", new="fixed",
        source="https://example.com/1",
    )  # fmt: skip
    Correction.objects.create(
        date=datetime.date(2026, 3, 9), page="terms/b", old="the March claim", new="fixed",
        source="https://example.com/2",
    )  # fmt: skip
    page = client.get("/corrections/").content.decode()
    assert page.index("9 March 2026") < page.index("5 January 2026")
    assert page.index("the March claim") < page.index("the January claim")
    assert "2 corrections so far" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("page", "glossary/alpha", "terms/<slug> or guides/<guide>/<lesson>"),
        ("date", "the second of May", "date"),
        ("source", "not a url", "Enter a valid URL"),
        ("new", "Alpha is 2 bytes.", "the same as the old text"),
    ],
)
def test_a_bad_correction_in_a_file_is_named_and_nothing_is_saved(tmp_path, field, value, message):
    folder = write_sample_folder(tmp_path / "content")
    path = folder / "corrections.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[0][field] = value
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_content", str(folder), stdout=StringIO())
    problem = str(raised.value)
    assert "correction 1: " in problem
    assert "(corrections.yaml, line " in problem
    assert f"{field}: " in problem
    assert message in problem
    assert not Correction.objects.exists()


def test_importing_never_removes_a_correction_an_editor_logged(tmp_path):
    logged = Correction.objects.create(
        date=datetime.date(2026, 12, 2), page="terms/beta", old="was", new="is",
        source="https://example.com/beta",
    )  # fmt: skip
    folder = write_sample_folder(tmp_path / "content")
    call_command("import_content", str(folder), stdout=StringIO())
    call_command("import_content", str(folder), stdout=StringIO())
    assert Correction.objects.filter(pk=logged.pk).exists()
    assert Correction.objects.count() == 2


def test_the_admin_refuses_a_page_it_cannot_link_and_saves_a_good_one(admin_client):
    url = "/admin/glossary/correction/add/"
    form = {
        "date": "2026-12-02", "page": "https://example.com/x", "old": "was", "new": "is",
        "source": "https://example.com/source",
    }  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Name the page as terms/&lt;slug&gt;" in response.content.decode()
    assert not Correction.objects.exists()
    response = admin_client.post(url, {**form, "page": "terms/parameters"})
    assert response.status_code == 302
    assert Correction.objects.get().page_url == "/glossary/parameters/"
