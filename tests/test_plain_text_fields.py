"""Issue #16, item 9: every text field an editor fills refuses control characters, with a
message on that field, on every path (a model's full_clean, so the admin and the importer).

The walk over every model keeps it so: a new CharField or TextField without the validator
fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from admin_forms import AdminForm
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models

from calculators.models import CatalogModel
from calculators.plain_text import refuse_control_characters, xml_safe
from glossary.models import Status, Term

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = (
    "Remove the invisible character U+{code} (character {position}): control characters and "
    "noncharacters cannot be shown on a page or sent in the feed."
)


def _our_text_fields() -> list[tuple[str, models.Field]]:
    """Every CharField and TextField (slugs and URLs are CharFields) an editor can fill in a
    model of ours: editable, and not limited to a list of choices."""
    found = []
    for config in apps.get_app_configs():
        # Ours: in the repository, not in a virtualenv kept inside it (.venv/…/site-packages).
        path = Path(config.path)
        if not path.is_relative_to(ROOT) or "site-packages" in path.parts:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField | models.TextField)
                    and field.editable
                    and not field.choices
                ):
                    found.append((f"{model._meta.label}.{field.name}", field))
    return found


TEXT_FIELDS = _our_text_fields()


def test_the_walk_finds_the_text_fields_of_every_app_with_models():
    labels = {label for label, _ in TEXT_FIELDS}
    assert len(labels) > 30
    assert {"glossary.Term.name", "glossary.FAQ.answer", "learning.Choice.explanation"} <= labels
    assert {"calculators.CatalogModel.name", "glossary.Resource.url"} <= labels
    assert {label.split(".")[0] for label in labels} == {"glossary", "learning", "calculators"}


@pytest.mark.parametrize(("label", "field"), TEXT_FIELDS, ids=[label for label, _ in TEXT_FIELDS])
def test_every_text_field_refuses_control_characters(label, field):
    assert refuse_control_characters in field.validators
    with pytest.raises(ValidationError) as caught:
        field.run_validators("ab\x07c")
    assert MESSAGE.format(code="0007", position=3) in caught.value.messages


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("\x00", "0000", 1),
        ("a\x08", "0008", 2),
        ("a\x0bb", "000B", 2),
        ("\x0c", "000C", 1),
        ("x\x1f", "001F", 2),
        ("del\x7f", "007F", 4),
        ("c1\x85", "0085", 3),
        ("\ud800", "D800", 1),
        ("a\ufffe", "FFFE", 2),
        ("\uffff", "FFFF", 1),
        ("\ufdd0", "FDD0", 1),
        ("\U0001ffff", "1FFFF", 1),
    ],
)
def test_the_refused_characters_are_named_with_their_place(text, code, position):
    with pytest.raises(ValidationError) as caught:
        refuse_control_characters(text)
    assert caught.value.messages == [MESSAGE.format(code=code, position=position)]


def test_tabs_line_ends_and_every_other_character_are_text():
    refuse_control_characters("tab\tline\ncr\r é ✓ 🦙 – “quotes” \ufffd \u200b \U0010fffd")


def test_xml_safe_removes_exactly_what_xml_cannot_carry():
    invalid = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
    assert xml_safe(f"a{invalid}\ud800\udfff\ufffe\uffffb") == "ab"
    kept = "tab\tline\ncr\r DEL\x7f C1\x85 é ✓ 🦙 \ufffd \U0010fffd"
    assert xml_safe(kept) == kept


# --- On every path --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_term_refuses_them_on_each_field_named():
    term = Term(name="To\x01kens", slug="tokens", short_definition="Pieces\x1f of text.")
    with pytest.raises(ValidationError) as caught:
        term.full_clean()
    assert caught.value.message_dict["name"] == [MESSAGE.format(code="0001", position=3)]
    assert caught.value.message_dict["short_definition"] == [
        MESSAGE.format(code="001F", position=7)
    ]


@pytest.mark.django_db
def test_a_catalog_model_refuses_them():
    model = CatalogModel(
        slug="m", name="M\x02", organisation="Org", source_url="https://example.com",
        published_parameters=7,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        model.full_clean()
    assert caught.value.message_dict == {"name": [MESSAGE.format(code="0002", position=2)]}


@pytest.mark.django_db
def test_the_import_names_the_file_and_field_and_saves_nothing(tmp_path):
    (tmp_path / "terms").mkdir()
    data = {
        "slug": "tokens",
        "name": "Tokens",
        "short_definition": "Pieces\x01 of text.",
    }
    (tmp_path / "terms" / "tokens.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_content", str(tmp_path))
    message = str(caught.value)
    assert (
        f"tokens.yaml: Term short_definition: {MESSAGE.format(code='0001', position=7)}" in message
    )
    assert not Term.objects.exists()


@pytest.mark.django_db
def test_the_admin_shows_the_refusal_on_the_field(client, django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    form = AdminForm(client.get("/admin/glossary/term/add/").content.decode())
    form["name"], form["slug"], form["status"] = "To\x0bkens", "tokens", Status.PUBLISHED
    form["short_definition"] = "Pieces of text."
    form.add_row("aliases", name="sub\x01words")
    response = client.post("/admin/glossary/term/add/", form.post_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE.format(code="000B", position=3) in html
    assert MESSAGE.format(code="0001", position=4) in html
    assert not Term.objects.exists()
