"""Publishing needs `glossary.publish_term` on every path that can make a term published or a
draft again: the change form, the list's actions, and django-reversion's History (revert) and
Recover deleted, through the real admin views, for a term's own history and for a revision that
holds a term beside other content."""

from __future__ import annotations

import pytest
import reversion
from admin_forms import AdminForm
from django.contrib.auth.models import Group, Permission
from factories import make_term, make_topic
from reversion.models import Version

from calculators import admin_history
from glossary.models import Status, Term

pytestmark = pytest.mark.django_db

REFUSED = "You may not publish or unpublish terms"


def staff(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="glossary", codename__in=codenames)
    )
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def writer(django_user_model):
    """May add, change and view terms (so History and Recover deleted are open to them), but
    may not publish."""
    return staff(django_user_model, "writer", "add_term", "change_term", "view_term")


def as_user(client, user):
    client.force_login(user)
    return client


def change_url(term: Term) -> str:
    return f"/admin/glossary/term/{term.pk}/change/"


def save_in_admin(client, term: Term, **fields: str) -> None:
    response = client.get(change_url(term))
    assert response.status_code == 200
    form = AdminForm(response.content.decode())
    for name, value in fields.items():
        form[name] = value
    response = client.post(change_url(term), form.post_data())
    assert response.status_code == 302


def versions(term_pk: int) -> list[Version]:
    return list(Version.objects.get_for_model(Term).filter(object_id=str(term_pk)).order_by("pk"))


def post_revision_form(client, url: str):
    """Open a History or Recover page and post its form back, as the Save button does; or,
    when the page is refused, return that answer."""
    response = client.get(url)
    if response.status_code != 200:
        return response, client.post(url, {})
    form = AdminForm(response.content.decode())
    return response, client.post(url, form.post_data())


@pytest.fixture
def unpublished_after_a_published_version(client, editor):
    """A term whose history holds a published version; an editor has since returned it to
    draft."""
    term = make_term(name="Tokens", slug="tokens", short_definition="First wording.")
    as_user(client, editor)
    save_in_admin(client, term, short_definition="Published wording.")
    response = client.post(
        "/admin/glossary/term/",
        {"action": "unpublish", "_selected_action": [term.pk], "index": "0"},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    client.logout()
    published = [v for v in versions(term.pk) if v.field_dict["status"] == Status.PUBLISHED]
    return term, published[-1]


def history_url(term: Term, version: Version) -> str:
    return f"/admin/glossary/term/{term.pk}/history/{version.pk}/"


# --- Revert (History) ---


def test_reverting_to_a_published_version_without_the_permission_is_refused(
    client, writer, unpublished_after_a_published_version
):
    term, published = unpublished_after_a_published_version
    as_user(client, writer)
    shown, saved = post_revision_form(client, history_url(term, published))
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    assert term.published_at is not None  # (it was published once, by the editor)
    assert saved.status_code == 302
    assert saved["Location"] == f"/admin/glossary/term/{term.pk}/history/"
    followed = client.get(saved["Location"]).content.decode()
    assert (
        "You may not publish or unpublish terms: restoring this version would change "
        "“Tokens” from Draft to Published." in followed
    )
    assert REFUSED in client.get(history_url(term, published), follow=True).content.decode()


def test_an_editor_with_the_permission_still_reverts_to_a_published_version(
    client, editor, unpublished_after_a_published_version
):
    term, published = unpublished_after_a_published_version
    as_user(client, editor)
    _, saved = post_revision_form(client, history_url(term, published))
    assert saved.status_code == 302
    term.refresh_from_db()
    assert term.status == Status.PUBLISHED
    assert term.short_definition == "Published wording."


def test_a_writer_may_revert_wording_when_the_status_stays_as_it_is(client, editor, writer):
    term = make_term(name="Tokens", slug="tokens", short_definition="First wording.")
    as_user(client, editor)
    save_in_admin(client, term, short_definition="Second wording.")
    save_in_admin(client, term, short_definition="Third wording.")
    second = versions(term.pk)[0]
    as_user(client, writer)
    _, saved = post_revision_form(client, history_url(term, second))
    assert saved.status_code == 302
    term.refresh_from_db()
    assert term.short_definition == "Second wording."
    assert term.status == Status.PUBLISHED


def test_returning_a_term_to_draft_by_a_revert_needs_the_permission_too(client, editor, writer):
    term = make_term(name="Tokens", slug="tokens", status=Status.DRAFT)
    as_user(client, editor)
    save_in_admin(client, term, short_definition="Drafted wording.")
    save_in_admin(client, term, status=Status.PUBLISHED)
    draft_version = versions(term.pk)[0]
    as_user(client, writer)
    post_revision_form(client, history_url(term, draft_version))
    term.refresh_from_db()
    assert term.status == Status.PUBLISHED


# --- Recover deleted ---


@pytest.fixture
def deleted_published_term(client, editor):
    term = make_term(name="Tokens", slug="tokens")
    as_user(client, editor)
    save_in_admin(client, term, short_definition="Published wording.")
    assert (
        client.post(f"/admin/glossary/term/{term.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    client.logout()
    deleted = Version.objects.get_deleted(Term)
    assert deleted.count() == 1
    return term.pk, deleted[0]


def test_recovering_a_published_term_without_the_permission_is_refused(
    client, writer, deleted_published_term
):
    pk, version = deleted_published_term
    as_user(client, writer)
    url = f"/admin/glossary/term/recover/{version.pk}/"
    shown, saved = post_revision_form(client, url)
    assert not Term.objects.filter(pk=pk).exists()
    assert saved.status_code == 302
    assert saved["Location"] == "/admin/glossary/term/recover/"
    assert REFUSED in client.get(saved["Location"]).content.decode()


def test_an_editor_with_the_permission_still_recovers_a_published_term(
    client, editor, deleted_published_term
):
    pk, version = deleted_published_term
    as_user(client, editor)
    _, saved = post_revision_form(client, f"/admin/glossary/term/recover/{version.pk}/")
    assert saved.status_code == 302
    term = Term.objects.get(pk=pk)
    assert term.status == Status.PUBLISHED
    assert term.short_definition == "Published wording."


def test_a_writer_may_recover_a_deleted_draft(client, editor, writer):
    term = make_term(name="Tokens", slug="tokens", status=Status.DRAFT)
    as_user(client, editor)
    save_in_admin(client, term, short_definition="Drafted wording.")
    assert (
        client.post(f"/admin/glossary/term/{term.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    version = Version.objects.get_deleted(Term)[0]
    as_user(client, writer)
    _, saved = post_revision_form(client, f"/admin/glossary/term/recover/{version.pk}/")
    assert saved.status_code == 302
    assert Term.objects.get(pk=term.pk).status == Status.DRAFT


# --- A term's versions reached through another model's History ---


def test_a_terms_version_cannot_be_recovered_through_another_models_admin(
    client, django_user_model, deleted_published_term
):
    pk, version = deleted_published_term
    topics_only = staff(django_user_model, "topics", "add_topic", "change_topic", "view_topic")
    as_user(client, topics_only)
    recover = client.post(f"/admin/glossary/topic/recover/{version.pk}/", {})
    revert = client.post(f"/admin/glossary/topic/{pk}/history/{version.pk}/", {})
    assert not Term.objects.filter(pk=pk).exists()
    assert recover.status_code == 404
    assert revert.status_code == 404


def test_reverting_a_revision_that_would_publish_a_term_beside_a_topic_is_refused(
    client, django_user_model, editor
):
    # An import is one revision holding every topic, term and lesson: reverting it through any
    # of its objects' History rewrites the terms too.
    topic = make_topic(name="Basics", slug="basics")
    term = make_term(name="Tokens", slug="tokens")
    with reversion.create_revision():
        topic.save()
        term.save()
    as_user(client, editor)
    client.post(
        "/admin/glossary/term/",
        {"action": "unpublish", "_selected_action": [term.pk], "index": "0"},
    )
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    topic_version = Version.objects.get_for_object(topic).first()
    topics_only = staff(django_user_model, "topics", "add_topic", "change_topic", "view_topic")
    as_user(client, topics_only)
    url = f"/admin/glossary/topic/{topic.pk}/history/{topic_version.pk}/"
    response = client.get(url)
    form = (
        AdminForm(response.content.decode(), form_id="topic_form")
        if response.status_code == 200
        else None
    )
    saved = client.post(url, form.post_data() if form else {})
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    assert saved.status_code == 302
    assert REFUSED in client.get(saved["Location"]).content.decode()


def test_the_save_itself_refuses_a_status_change_that_got_past_history(
    client, writer, unpublished_after_a_published_version, monkeypatch
):
    # The last line of defence: were History's check ever bypassed, saving the reverted term
    # is still refused (403), and the whole revert is rolled back with it.
    monkeypatch.setattr(admin_history, "refused_status_changes", lambda request, version: [])
    term, published = unpublished_after_a_published_version
    as_user(client, writer)
    _, saved = post_revision_form(client, history_url(term, published))
    assert saved.status_code == 403
    term.refresh_from_db()
    assert term.status == Status.DRAFT
    assert not Version.objects.filter(revision__comment__startswith="Reverted").exists()
