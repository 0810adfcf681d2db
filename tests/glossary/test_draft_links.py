"""A draft never shows through a link: a [[link]] to an unpublished term is plain text for
readers, and publishing, unpublishing, renaming, rewording or deleting a term re-renders every
page whose stored HTML shows it (terms, FAQ answers and lessons), however the link was written.

Each page is read the way a reader reads it (the page, the API) and as it is stored."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import reversion
from admin_forms import AdminForm
from django.contrib.auth.models import Group
from django.core.management import call_command
from factories import (
    make_alias,
    make_faq,
    make_guide,
    make_lesson,
    make_relation,
    make_term,
    make_topic,
)
from reversion.models import Version

from content.rendering import plain_text
from glossary import services
from glossary.models import FAQ, Status, Term
from learning.models import Lesson

pytestmark = pytest.mark.django_db

SECRET = "An unannounced definition nobody may read yet."


def make_draft(**fields: object) -> Term:
    defaults: dict[str, object] = {
        "name": "Secret sauce",
        "slug": "secret-sauce",
        "short_definition": SECRET,
        "status": Status.DRAFT,
    }
    defaults.update(fields)
    return make_term(**defaults)


def set_status(term: Term, status: str) -> None:
    term.status = status
    services.term_save(term=term, previous=term.loaded)


def stored_html(page: Term | FAQ | Lesson) -> str:
    page.refresh_from_db()
    if isinstance(page, Term):
        return page.body_html + page.business_context_html + page.example_html
    if isinstance(page, FAQ):
        return page.answer_html
    return page.body_html


def assert_shows_no_draft(html: str) -> None:
    assert SECRET not in html
    assert "Secret sauce" not in html
    assert "/glossary/secret-sauce/" not in html
    assert 'data-term="secret-sauce"' not in html


def assert_links_to_it(html: str) -> None:
    assert 'href="/glossary/secret-sauce/"' in html
    assert f'data-preview="{SECRET}"' in html


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def linking_pages():
    """A published term, an FAQ answer and a lesson, each linking to one term (published here;
    the tests move it), each written differently: by slug, by name in capitals, by alias."""
    target = make_term(name="Secret sauce", slug="secret-sauce", short_definition=SECRET)
    make_alias(target, "Special blend")
    linker = make_term(name="Recipe", slug="recipe", body="Add the [[Secret Sauce|sauce]] last.")
    host = make_term(name="Kitchen", slug="kitchen")
    faq = make_faq(host, "What goes in?", "Mostly [[special-blend]].")
    lesson = make_lesson(make_guide(slug="cooking"), slug="sauces", body="Taste [[secret-sauce]].")
    return target, [linker, faq, lesson]


# --- Rendering: a link to a draft is its text, nothing more ---


def test_a_link_to_a_draft_is_plain_text_on_the_page_and_in_the_api(client):
    make_draft()
    linker = make_term(name="Recipe", slug="recipe", body="Add [[secret-sauce|the sauce]] last.")
    for html in (
        stored_html(linker),
        read(client, "/glossary/recipe/"),
        json.loads(read(client, "/api/v1/terms/recipe"))["body_html"],
    ):
        assert_shows_no_draft(html)
        assert "Add the sauce last." in plain_text(html)


def test_a_link_to_a_draft_in_an_faq_answer_or_a_lesson_is_plain_text(client):
    make_draft()
    host = make_term(name="Kitchen", slug="kitchen")
    faq = make_faq(host, "What goes in?", "Mostly [[secret-sauce]].")
    lesson = make_lesson(
        make_guide(slug="cooking"), slug="sauces", body="Taste [[Secret sauce|it]]."
    )
    assert_shows_no_draft(stored_html(faq))
    assert_shows_no_draft(stored_html(lesson))
    assert_shows_no_draft(read(client, "/glossary/kitchen/"))
    assert_shows_no_draft(
        json.loads(read(client, "/api/v1/terms/kitchen"))["faqs"][0]["answer_html"]
    )
    assert_shows_no_draft(read(client, "/learn/cooking/sauces/"))


def test_a_lesson_linking_to_a_draft_still_records_it_so_publishing_finds_the_lesson():
    draft = make_draft()
    lesson = make_lesson(make_guide(), body="Taste [[secret-sauce]].")
    assert list(lesson.terms.all()) == [draft]


# --- Publishing and unpublishing re-render the pages that link to the term ---


def test_publishing_a_term_turns_every_link_to_it_into_a_link(linking_pages):
    target, pages = linking_pages
    set_status(target, Status.DRAFT)
    set_status(target, Status.PUBLISHED)
    for page in pages:
        assert_links_to_it(stored_html(page))


def test_unpublishing_a_term_takes_it_off_every_page_that_links_to_it(client, linking_pages):
    target, pages = linking_pages
    for page in pages:
        assert_links_to_it(stored_html(page))
    set_status(target, Status.DRAFT)
    for page in pages:
        assert_shows_no_draft(stored_html(page))
    for url in ("/glossary/recipe/", "/glossary/kitchen/", "/learn/cooking/sauces/"):
        assert_shows_no_draft(read(client, url))
    for slug in ("recipe", "kitchen"):
        assert_shows_no_draft(read(client, f"/api/v1/terms/{slug}"))


def test_unpublishing_with_the_admin_action_takes_it_off_linking_pages(client, linking_pages):
    target, pages = linking_pages
    editor = Group.objects.get(name="Editors").user_set.create(username="ed", is_staff=True)
    client.force_login(editor)
    response = client.post(
        "/admin/glossary/term/",
        {"action": "unpublish", "_selected_action": [target.pk], "index": "0"},
    )
    assert response.status_code == 302
    for page in pages:
        assert_shows_no_draft(stored_html(page))


def test_a_term_linking_to_itself_shows_its_new_state(client):
    term = make_term(name="Secret sauce", slug="secret-sauce", short_definition=SECRET)
    term.body = "More [[secret-sauce]] than you think."
    services.term_save(term=term, previous=term.loaded)
    make_faq(term, "How much?", "Plenty of [[secret-sauce]].")
    set_status(term, Status.DRAFT)
    set_status(term, Status.PUBLISHED)
    term.short_definition = "The reworded definition."
    services.term_save(term=term, previous=term.loaded)
    html = read(client, "/glossary/secret-sauce/")
    assert SECRET not in html
    assert html.count('data-preview="The reworded definition."') == 2


# --- Renames and new wording reach every linking page, however the link was written ---


def test_a_new_short_definition_reaches_every_linking_page(linking_pages):
    target, pages = linking_pages
    target.short_definition = "Reworded."
    services.term_save(term=target, previous=target.loaded)
    for page in pages:
        html = stored_html(page)
        assert 'data-preview="Reworded."' in html
        assert SECRET not in html


def test_a_new_name_and_slug_reach_every_linking_page(linking_pages):
    target, pages = linking_pages
    target.name, target.slug = "House sauce", "house-sauce"
    services.term_save(term=target, previous=target.loaded)
    for page in pages:
        html = stored_html(page)
        assert 'href="/glossary/house-sauce/"' in html
        assert 'data-name="House sauce"' in html


# --- Deleting a term takes it off the pages that linked to it ---


def test_deleting_a_term_in_the_admin_takes_it_off_linking_pages(client, linking_pages):
    target, pages = linking_pages
    editor = Group.objects.get(name="Editors").user_set.create(username="ed", is_staff=True)
    client.force_login(editor)
    response = client.post(f"/admin/glossary/term/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Term.objects.filter(pk=target.pk).exists()
    for page in pages:
        html = stored_html(page)
        assert_shows_no_draft(html)
        assert 'class="term-link-missing"' in html


def test_deleting_terms_from_the_change_list_takes_them_off_linking_pages(client, linking_pages):
    target, pages = linking_pages
    editor = Group.objects.get(name="Editors").user_set.create(username="ed", is_staff=True)
    client.force_login(editor)
    response = client.post(
        "/admin/glossary/term/",
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Term.objects.filter(pk=target.pk).exists()
    for page in pages:
        assert_shows_no_draft(stored_html(page))


# --- The other places a draft could show: each leaves it out ---


@pytest.fixture
def published_next_to_a_draft():
    draft = make_draft()
    make_alias(draft, "Hidden blend")
    public = make_term(name="Recipe", slug="recipe", body="Add [[secret-sauce]].")
    make_relation(public, draft)
    make_faq(public, "What goes in?", "Mostly [[hidden-blend]].")
    return public


@pytest.mark.parametrize(
    "url",
    [
        "/glossary/recipe/",
        "/api/v1/terms/recipe",
        "/glossary/",
        "/api/v1/terms",
        "/sitemap.xml",
        "/feeds/terms.atom",
        "/search/?q=secret+sauce",
        "/search/?q=unannounced",
        "/search/suggest?q=secr",
        "/api/v1/search?q=sauce",
        "/",
    ],
)
def test_no_public_page_names_a_draft(client, published_next_to_a_draft, url):
    assert_shows_no_draft(read(client, url))


@pytest.mark.parametrize("path", ["/glossary/secret-sauce/", "/glossary/hidden-blend/"])
def test_the_404_for_a_drafts_address_suggests_nothing_of_it(
    client, published_next_to_a_draft, path
):
    response = client.get(path)
    assert response.status_code == 404
    assert_shows_no_draft(response.content.decode())


# --- Upgrading: pages stored before this fix ---


def test_rerender_content_takes_stored_draft_previews_off_every_page_and_records_links(
    linking_pages,
):
    # As an older version left them: previews of a term that is now a draft, and no record.
    target, pages = linking_pages
    Term.objects.filter(pk=target.pk).update(status=Status.DRAFT)
    Term.links_to.through.objects.all().delete()
    for page in pages:
        assert_links_to_it(stored_html(page))
    call_command("rerender_content", stdout=StringIO())
    for page in pages:
        assert_shows_no_draft(stored_html(page))
    target = Term.objects.get(pk=target.pk)
    set_status(target, Status.PUBLISHED)  # found through the records the command made
    for page in pages:
        assert_links_to_it(stored_html(page))


# --- History: a revision holding terms, written back through another object's page ---


def test_reverting_a_revision_that_returns_a_term_to_draft_takes_it_off_linking_pages(client):
    # An import is one revision holding every topic and term: reverting a topic to it writes
    # the terms back too, raw. Pages written since, linking to a term it returns to draft,
    # must lose the preview.
    topic = make_topic(name="Basics", slug="basics")
    target = make_draft()
    with reversion.create_revision():
        topic.save()
        target.save()
    set_status(target, Status.PUBLISHED)
    linker = make_term(name="Recipe", slug="recipe", body="Add [[secret-sauce]].")
    assert_links_to_it(stored_html(linker))
    editor = Group.objects.get(name="Editors").user_set.create(username="ed", is_staff=True)
    client.force_login(editor)
    version = Version.objects.get_for_object(topic).first()
    url = f"/admin/glossary/topic/{topic.pk}/history/{version.pk}/"
    form = AdminForm(read(client, url), form_id="topic_form")
    assert client.post(url, form.post_data()).status_code == 302
    assert Term.objects.get(pk=target.pk).status == Status.DRAFT
    assert_shows_no_draft(stored_html(linker))
    assert_shows_no_draft(read(client, "/glossary/recipe/"))
