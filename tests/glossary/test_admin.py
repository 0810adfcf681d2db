"""The admin, as an editor uses it: real forms posted the way a browser would post them."""

from __future__ import annotations

import json
import re

import pytest
from admin_forms import AdminForm
from django.contrib.auth.models import Group, Permission
from factories import make_alias, make_faq, make_term, make_topic
from reversion.models import Version

from glossary.models import FAQ, Alias, Relation, Status, Term

pytestmark = pytest.mark.django_db


ADD_URL = "/admin/glossary/term/add/"
CHANGELIST_URL = "/admin/glossary/term/"


def change_url(term: Term) -> str:
    return f"/admin/glossary/term/{term.pk}/change/"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def writer_client(client, django_user_model):
    """Staff who may change and view terms, but not publish them."""
    user = django_user_model.objects.create_user("writer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="glossary", codename__in=["change_term", "view_term"]
        )
    )
    client.force_login(user)
    return client


def open_form(client, url: str) -> AdminForm:
    response = client.get(url)
    assert response.status_code == 200
    return AdminForm(response.content.decode())


def fill_term(form: AdminForm, **fields: object) -> AdminForm:
    defaults: dict[str, object] = {
        "name": "Tokens",
        "slug": "tokens",
        "short_definition": "The pieces of text a model reads and writes.",
        "body": "## How it works\n\nText is split into tokens.",
        "status": Status.PUBLISHED,
    }
    defaults.update(fields)
    for name, value in defaults.items():
        form[name] = value
    return form


def form_errors(response) -> list[str]:
    """The error lists of an admin form page, for a readable failure message."""
    html = response.content.decode()
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', html, re.S)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- The Editors group ---


def test_the_editors_group_holds_exactly_the_content_editing_permissions():
    group = Group.objects.get(name="Editors")
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    actions = ["add", "change", "delete", "view"]
    expected = (
        {
            ("glossary", f"{action}_{model}")
            for model in ["term", "topic", "faq", "alias", "relation", "resource"]
            for action in actions
        }
        | {("glossary", "publish_term")}
        | {
            ("learning", f"{action}_{model}")
            for model in ["guide", "lesson", "question", "choice"]
            for action in actions
        }
    )
    assert held == expected


def test_an_editor_may_not_manage_user_accounts(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/user/add/").status_code == 403


def test_an_editor_can_open_the_add_term_form(editor, editor_client):
    assert not editor.is_superuser
    form = open_form(editor_client, ADD_URL)
    assert "name" in form and "short_definition" in form
    # An editor may publish, so the status is a field to choose, not a read-only line.
    assert form["status"] == Status.DRAFT
    for prefix in ("aliases", "faqs", "relations_out", "resources"):
        assert form[f"{prefix}-TOTAL_FORMS"] == "0"


# --- Adding a term ---


def add_tokens(client, **fields: object):
    form = fill_term(open_form(client, ADD_URL), **fields)
    # Entered out of order on purpose: the page follows the "order" field, not the entry order.
    form.add_row(
        "faqs", question="Why count tokens?", answer="Prices are per token.", slug="why", order=2
    )
    form.add_row(
        "faqs",
        question="How long is a token?",
        answer="About **four** characters.",
        slug="how-long",
        order=1,
    )
    form.add_row("aliases", name="subwords", kind=Alias.Kind.VARIANT)
    return client.post(ADD_URL, form.post_data())


def test_an_editor_adds_a_published_term_with_faqs_and_an_alias(editor_client):
    response = add_tokens(editor_client)
    assert response.status_code == 302, form_errors(response)
    term = Term.objects.get(slug="tokens")
    assert term.is_published and term.published_at is not None
    assert [faq.question for faq in term.faqs.all()] == [
        "How long is a token?",
        "Why count tokens?",
    ]
    assert [alias.name for alias in term.aliases.all()] == ["subwords"]
    assert "subwords" in term.search_names

    html = page(editor_client, "/glossary/tokens/")
    assert '<h1 id="term-name">Tokens</h1>' in html
    assert "subwords" in html
    assert html.index("How long is a token?") < html.index("Why count tokens?")
    assert 'id="faq-how-long"' in html
    assert "<strong>four</strong>" in html


def test_two_new_faqs_may_leave_their_anchor_blank(editor_client):
    # The slug's help text: "made from the question when blank". Adding a term with two
    # FAQs and no slugs typed is the ordinary case.
    form = fill_term(open_form(editor_client, ADD_URL))
    form.add_row("faqs", question="Why count tokens?", answer="Prices are per token.")
    form.add_row("faqs", question="How long is a token?", answer="About four characters.")
    response = editor_client.post(ADD_URL, form.post_data())
    assert response.status_code == 302, form_errors(response)
    term = Term.objects.get(slug="tokens")
    assert sorted(faq.slug for faq in term.faqs.all()) == [
        "how-long-is-a-token",
        "why-count-tokens",
    ]


def test_an_added_term_is_found_by_its_alias(editor_client, client):
    assert add_tokens(editor_client).status_code == 302
    client.logout()
    html = page(client, "/search/?q=subwords")
    assert 'href="/glossary/tokens/"' in html
    assert "1 result" in html


# --- Drafts ---


@pytest.fixture
def draft(editor_client):
    make_term(name="Weights", slug="weights", short_definition="Learned multipliers.")
    response = add_tokens(editor_client, status=Status.DRAFT)
    assert response.status_code == 302
    term = Term.objects.get(slug="tokens")
    assert term.status == Status.DRAFT
    return term


def test_a_draft_has_no_public_page(client, draft):
    client.logout()
    assert client.get("/glossary/tokens/").status_code == 404
    # Nor does its alias's address lead to it.
    assert client.get("/glossary/subwords/").status_code == 404


def test_a_draft_is_left_out_of_the_index_and_search(client, draft):
    client.logout()
    index = page(client, "/glossary/")
    assert 'href="/glossary/weights/"' in index
    assert "/glossary/tokens/" not in index
    for query in ("Tokens", "subwords"):
        results = page(client, f"/search/?q={query}")
        assert "/glossary/tokens/" not in results
        assert "result-term" not in results  # no term at all: the only one it names is a draft


def test_a_draft_is_left_out_of_the_api(client, draft):
    client.logout()
    listing = client.get("/api/v1/terms")
    assert listing.status_code == 200
    slugs = [term["slug"] for term in json.loads(listing.content)["results"]]
    assert slugs == ["weights"]
    assert client.get("/api/v1/terms/tokens").status_code == 404
    assert client.get("/api/v1/terms/weights").status_code == 200


def test_an_editor_previews_a_draft_in_the_admin(editor_client, draft):
    response = editor_client.get(f"/admin/glossary/term/{draft.pk}/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="term-name">Tokens</h1>' in html
    assert "<strong>draft</strong>: readers cannot see this page yet" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert html.index("How long is a token?") < html.index("Why count tokens?")


def test_the_preview_sends_an_anonymous_visitor_to_log_in(client, draft):
    client.logout()
    url = f"/admin/glossary/term/{draft.pk}/preview/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "next=" in response["Location"]
    assert "Tokens" not in response.content.decode()


# --- Validation in the admin form ---


def assert_refused(response, message: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the error" in html
    assert message in html
    return html


def test_a_name_already_used_by_another_term_is_refused(editor_client):
    make_term(name="Tokens", slug="tokens-original")
    form = fill_term(open_form(editor_client, ADD_URL), name="tokens", slug="tokens-again")
    response = editor_client.post(ADD_URL, form.post_data())
    assert_refused(response, "“tokens” is already the name of the term “Tokens”.")
    assert not Term.objects.filter(slug="tokens-again").exists()


def test_an_alias_already_used_by_another_term_is_refused(editor_client):
    other = make_term(name="Parameters", slug="parameters")
    make_alias(other, "params")
    form = fill_term(open_form(editor_client, ADD_URL))
    form.add_row("aliases", name="Params")
    response = editor_client.post(ADD_URL, form.post_data())
    assert_refused(response, "“Params” is already an alias of the term “Parameters”.")
    assert not Term.objects.filter(slug="tokens").exists()
    assert list(Alias.objects.values_list("name", flat=True)) == ["params"]


def test_a_link_to_a_term_that_does_not_exist_is_refused(editor_client):
    form = fill_term(open_form(editor_client, ADD_URL), body="See [[no-such-term]].")
    response = editor_client.post(ADD_URL, form.post_data())
    assert_refused(response, "[[no-such-term]] links to a term that does not exist.")
    assert not Term.objects.exists()


def test_a_short_definition_over_200_characters_is_refused(editor_client):
    form = fill_term(open_form(editor_client, ADD_URL), short_definition="x" * 201)
    response = editor_client.post(ADD_URL, form.post_data())
    assert_refused(response, "Ensure this value has at most 200 characters (it has 201).")
    assert not Term.objects.exists()


def test_a_short_definition_of_exactly_200_characters_is_accepted(editor_client):
    form = fill_term(open_form(editor_client, ADD_URL), short_definition="x" * 200)
    assert editor_client.post(ADD_URL, form.post_data()).status_code == 302
    assert Term.objects.get(slug="tokens").short_definition == "x" * 200


def test_a_term_cannot_be_related_to_itself(editor_client):
    term = make_term(name="Tokens", slug="tokens")
    form = open_form(editor_client, change_url(term))
    form.add_row("relations_out", kind=Relation.Kind.RELATED, target=term.pk)
    response = editor_client.post(change_url(term), form.post_data())
    assert_refused(response, "A term cannot be related to itself.")
    assert not Relation.objects.exists()


# --- History: every admin save is a version that can be restored ---


def change_short_definition(client, term: Term, text: str) -> None:
    form = open_form(client, change_url(term))
    form["short_definition"] = text
    response = client.post(change_url(term), form.post_data())
    assert response.status_code == 302, form_errors(response)


@pytest.fixture
def edited_twice(editor_client):
    term = make_term(name="Tokens", slug="tokens", short_definition="The original wording.")
    make_faq(term, "How long is a token?", "About four characters.")
    change_short_definition(editor_client, term, "The first edit.")
    change_short_definition(editor_client, term, "The second edit.")
    return term


def test_each_admin_save_is_a_version_listed_in_the_history(editor_client, edited_twice):
    versions = Version.objects.get_for_object(edited_twice)
    assert versions.count() >= 2
    html = page(editor_client, f"/admin/glossary/term/{edited_twice.pk}/history/")
    for version in versions:
        assert f'href="/admin/glossary/term/{edited_twice.pk}/history/{version.pk}/"' in html
    assert html.count("Changed Short definition.") == versions.count()


def test_restoring_the_first_version_brings_back_its_short_definition(
    editor_client, client, edited_twice
):
    first = Version.objects.get_for_object(edited_twice).order_by("pk").first()
    url = f"/admin/glossary/term/{edited_twice.pk}/history/{first.pk}/"
    form = open_form(editor_client, url)
    # The revision page shows the form as it was, without changing anything yet.
    assert form["short_definition"] == "The first edit."
    edited_twice.refresh_from_db()
    assert edited_twice.short_definition == "The second edit."

    response = editor_client.post(url, form.post_data())
    assert response.status_code == 302
    edited_twice.refresh_from_db()
    assert edited_twice.short_definition == "The first edit."
    client.logout()
    html = page(client, "/glossary/tokens/")
    assert "The first edit." in html
    assert "The second edit." not in html


def restore(client, term: Term, version: Version):
    url = f"/admin/glossary/term/{term.pk}/history/{version.pk}/"
    form = open_form(client, url)
    response = client.post(url, form.post_data())
    assert response.status_code == 302, form_errors(response)


def test_restoring_a_version_refreshes_link_previews_on_other_terms(editor_client, edited_twice):
    # Link previews are stored HTML: a changed short definition must reach the pages linking here.
    linker = make_term(name="Cost", slug="cost", body="Priced per [[tokens]].")
    assert 'data-preview="The second edit."' in linker.body_html
    first = Version.objects.get_for_object(edited_twice).order_by("pk").first()
    restore(editor_client, edited_twice, first)
    linker.refresh_from_db()
    assert 'data-preview="The first edit."' in linker.body_html


def test_restoring_an_earlier_slug_keeps_the_later_address_working(editor_client, client):
    term = make_term(name="Tokens", slug="tokens")
    change_short_definition(editor_client, term, "Saved while the address was /tokens/.")
    form = open_form(editor_client, change_url(term))
    form["slug"] = "text-tokens"
    assert editor_client.post(change_url(term), form.post_data()).status_code == 302
    restore(editor_client, term, Version.objects.get_for_object(term).order_by("pk").first())
    term.refresh_from_db()
    assert term.slug == "tokens"
    client.logout()
    assert client.get("/glossary/tokens/").status_code == 200
    response = client.get("/glossary/text-tokens/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/tokens/"


def test_a_deleted_term_is_recovered_with_its_faqs(editor_client, client, edited_twice):
    pk = edited_twice.pk
    response = editor_client.post(f"/admin/glossary/term/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Term.objects.filter(pk=pk).exists()
    assert not FAQ.objects.exists()

    deleted = Version.objects.get_deleted(Term)
    assert deleted.count() == 1
    listing = page(editor_client, "/admin/glossary/term/recover/")
    recover_url = f"/admin/glossary/term/recover/{deleted[0].pk}/"
    assert f'href="{recover_url}"' in listing and "Tokens" in listing

    form = open_form(editor_client, recover_url)
    assert not Term.objects.filter(pk=pk).exists()  # only shown, not yet recovered
    response = editor_client.post(recover_url, form.post_data())
    assert response.status_code == 302
    term = Term.objects.get(pk=pk)
    assert term.short_definition == "The second edit."
    assert [faq.question for faq in term.faqs.all()] == ["How long is a token?"]
    client.logout()
    html = page(client, "/glossary/tokens/")
    assert "How long is a token?" in html


# --- Renaming ---


def test_renaming_the_slug_in_the_admin_redirects_the_old_address(editor_client, client):
    term = make_term(name="Tokens", slug="tokens")
    form = open_form(editor_client, change_url(term))
    form["slug"] = "text-tokens"
    assert editor_client.post(change_url(term), form.post_data()).status_code == 302
    client.logout()
    response = client.get("/glossary/tokens/")
    assert response.status_code == 301
    assert response["Location"] == "/glossary/text-tokens/"
    assert client.get("/glossary/text-tokens/").status_code == 200


# --- Staff who may not publish ---


def test_without_the_publish_permission_status_is_read_only(writer_client):
    term = make_term(name="Tokens", slug="tokens", status=Status.DRAFT)
    html = page(writer_client, change_url(term))
    assert re.search(r'<div class="readonly">\s*Draft\s*</div>', html)
    form = AdminForm(html)
    assert "status" not in form
    assert "name" in form
    # Posting a status anyway changes nothing: the field is not on the form.
    form["status"] = Status.PUBLISHED
    form["short_definition"] = "Reworded by a writer."
    assert writer_client.post(change_url(term), form.post_data()).status_code == 302
    term.refresh_from_db()
    assert term.short_definition == "Reworded by a writer."
    assert term.status == Status.DRAFT


def test_without_the_publish_permission_the_publish_action_is_refused(writer_client):
    term = make_term(name="Tokens", slug="tokens", status=Status.DRAFT)
    response = writer_client.post(
        CHANGELIST_URL,
        {"action": "publish", "_selected_action": [term.pk], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "You may not publish or unpublish terms." in response.content.decode()
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    assert term.published_at is None


def test_an_editor_publishes_with_the_action(editor_client):
    term = make_term(name="Tokens", slug="tokens", status=Status.DRAFT)
    response = editor_client.post(
        CHANGELIST_URL,
        {"action": "publish", "_selected_action": [term.pk], "index": "0"},
        follow=True,
    )
    assert "Published 1 term(s)." in response.content.decode()
    term.refresh_from_db()
    assert term.status == Status.PUBLISHED


# --- The change list ---


@pytest.fixture
def listed():
    basics = make_topic(name="Model basics", slug="model-basics")
    parameters = make_term(name="Parameters", slug="parameters", topics=[basics])
    make_alias(parameters, "params")
    make_term(name="Tokens", slug="tokens", status=Status.DRAFT, topics=[basics])
    make_term(name="Quantization", slug="quantization")
    return basics


def listed_names(client, query: str) -> list[str]:
    response = client.get(f"{CHANGELIST_URL}?{query}")
    assert response.status_code == 200
    return [term.name for term in response.context["cl"].result_list]


def test_the_change_list_search_finds_a_term_by_its_alias(editor_client, listed):
    assert listed_names(editor_client, "q=params") == ["Parameters"]


def test_the_change_list_filters_by_status(editor_client, listed):
    assert listed_names(editor_client, "status__exact=draft") == ["Tokens"]
    assert listed_names(editor_client, "status__exact=published") == ["Parameters", "Quantization"]


def test_the_change_list_filters_by_topic(editor_client, listed):
    assert listed_names(editor_client, f"topics__id__exact={listed.pk}") == [
        "Parameters",
        "Tokens",
    ]
    assert listed_names(editor_client, "") == ["Parameters", "Quantization", "Tokens"]
