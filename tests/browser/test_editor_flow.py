"""An editor writes and publishes a term in the admin; a reader then finds it, in Chromium."""

from __future__ import annotations

import re

import pytest
from browser.checks import expect
from django.contrib.auth.models import Group, User

from glossary.models import Status, Term

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the "Editors" group comes from a migration, and the flush after an
    # earlier transactional test has emptied it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("site_content"),
]

# Not a shipped term's name (the shipped glossary has speculative-decoding since issue 22).
NAME = "Draft-and-verify decoding"
SLUG = "draft-and-verify-decoding"
QUESTION = "Does draft-and-verify decoding change the answer?"


def test_an_editor_publishes_a_term_with_an_faq_and_a_link_and_a_reader_finds_it(open_page):
    editor = User.objects.create_user("edna", password="a-long-editor-passphrase", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    linked = Term.objects.get(slug="kv-cache")

    admin = open_page("/admin/")
    expect(admin).to_have_url(re.compile(r"/admin/login/"))
    admin.get_by_label("Username").fill("edna")
    admin.get_by_label("Password").fill("a-long-editor-passphrase")
    admin.get_by_role("button", name="Log in").click()
    expect(admin.locator("#user-tools")).to_contain_text("edna")

    admin.goto("/admin/glossary/term/add/")
    admin.locator("#id_name").press_sequentially(NAME, delay=10)
    expect(admin.locator("#id_slug")).to_have_value(SLUG)  # the admin fills it in as you type
    admin.locator("#id_short_definition").fill(
        "Generating text faster by letting a small draft model propose tokens that the large "
        "model then checks in one pass."
    )
    admin.locator("#id_body").fill(
        "## How it works\n\nA small model drafts several tokens; the large model checks them "
        "all at once, reading its [[kv-cache]] once instead of once per token."
    )
    admin.locator("#faqs-group .add-row a").filter(has_text="Add another FAQ").click()
    admin.locator("#id_faqs-0-question").fill(QUESTION)
    admin.locator("#id_faqs-0-answer").fill(
        "No: the large model accepts only tokens it agrees with."
    )
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")

    term = Term.objects.get(slug=SLUG)
    assert term.status == Status.DRAFT
    assert term.faqs.get().question == QUESTION

    # A draft is not public yet.
    reader = open_page(None)
    reader.watch.expect_error_status(f"{reader.origin}/glossary/{SLUG}/")
    response = reader.goto(f"/glossary/{SLUG}/")
    assert response.status == 404

    # Publish it from the term list, as an editor does.
    admin.goto(f"/admin/glossary/term/?q={SLUG}")
    admin.locator(f'input.action-select[value="{term.pk}"]').check()
    admin.locator('select[name="action"]').select_option("publish")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Published 1 term(s).")

    # A reader finds it through the type-ahead...
    reader.goto("/")
    box = reader.locator("#home-search-q")
    box.press_sequentially("draft-and-verify", delay=30)
    option = reader.locator("#home-search-suggestions").get_by_role("option", name=re.compile(NAME))
    expect(option).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(reader).to_have_url(re.compile(rf"/glossary/{SLUG}/$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(reader.locator(".faqs")).to_contain_text(QUESTION)
    link = reader.locator(f'.prose a.term-link[href="{linked.get_absolute_url()}"]')
    expect(link).to_have_text("kv-cache")
    expect(link).to_have_attribute("data-preview", linked.short_definition)
    link.hover()
    expect(reader.locator("#term-preview")).to_contain_text(linked.name)

    # ...and on the search results page.
    reader.goto("/search/?q=draft-and-verify+decoding")
    expect(reader.locator("ol.results li.result").first).to_contain_text(NAME)
