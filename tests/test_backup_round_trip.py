"""A backup is as good as its restore: `export_content` -> an empty database -> `import_content`
-> `export_content` again gives the same files, byte for byte, and the same content, after the
edits editors make (renames, aliases, drafts, deletions, restores from the history)."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from admin_forms import AdminForm
from content_folders import database_content, empty_database, write_sample_folder
from django.core.management import CommandError, call_command
from factories import make_alias, make_faq, make_guide, make_lesson, make_relation, make_term
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from glossary import services
from glossary.models import FAQ, SlugRedirect, Status, Term
from learning.models import Lesson

pytestmark = pytest.mark.django_db


def export(directory: Path) -> dict[str, bytes]:
    """The command's files, by path inside `directory`."""
    call_command("export_content", str(directory), stdout=StringIO())
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*.yaml")}


def restore(directory: Path) -> None:
    """What an operator does with a backup: a database without content, then the import."""
    empty_database()
    call_command("import_content", str(directory), stdout=StringIO())


def assert_round_trip(tmp_path: Path) -> dict[str, bytes]:
    before = database_content()
    backup = export(tmp_path / "backup")
    restore(tmp_path / "backup")
    assert export(tmp_path / "again") == backup
    assert database_content() == before
    return backup


def rename(term: Term, slug: str) -> Term:
    term = Term.objects.get(pk=term.pk)
    term.slug = slug
    services.term_save(term=term, previous=term.loaded)
    return term


# --- The admin, as an editor uses it -----------------------------------------------------------


@pytest.fixture
def admin_client_(client, django_user_model):
    # (Editors may not delete a renamed term: its redirects go with it, and they have no
    # permission on redirects.)
    client.force_login(django_user_model.objects.create_superuser("admin"))
    return client


def post_form(client, url: str, **fields: object) -> None:
    response = client.get(url)
    assert response.status_code == 200
    form = AdminForm(response.content.decode())
    for name, value in fields.items():
        form[name] = value
    response = client.post(url, form.post_data())
    assert response.status_code == 302, response.content.decode()[:2000]


# --- Renames and aliases ---------------------------------------------------------------------


def test_a_term_renamed_in_the_admin_restores_with_its_old_addresses(
    tmp_path, editor_client, client
):
    tokens = make_term(name="Tokens", slug="tokens")
    make_term(name="Cost", slug="cost", body="Priced per [[tokens]].")
    post_form(editor_client, f"/admin/glossary/term/{tokens.pk}/change/", slug="text-tokens")
    post_form(editor_client, f"/admin/glossary/term/{tokens.pk}/change/", slug="model-tokens")
    backup = assert_round_trip(tmp_path)

    assert b"old_slugs:\n- text-tokens\n- tokens\n" in backup["terms/model-tokens.yaml"]
    assert SlugRedirect.objects.filter(term__slug="model-tokens").count() == 2
    client.logout()
    for old in ("tokens", "text-tokens"):
        response = client.get(f"/glossary/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/glossary/model-tokens/")
    assert 'href="/glossary/model-tokens/"' in Term.objects.get(slug="cost").body_html


def test_links_through_old_slugs_and_aliases_restore_in_any_file_order(tmp_path):
    # "aaa" is imported before "zzz", and links to zzz's alias; a lesson and an FAQ link to
    # an old slug.
    zzz = make_term(name="Zzz", slug="zzz")
    make_alias(zzz, "Zed thing")
    zzz = rename(zzz, "old-zzz")
    rename(zzz, "zzz")  # back again: its first address, and the one in between, redirect
    aaa = make_term(name="Aaa", slug="aaa", body="See [[zed-thing]] and [[old-zzz|it]].")
    make_faq(aaa, "Which?", "The [[zed-thing|one]].")
    make_lesson(make_guide(slug="g"), slug="l", body="Read [[old-zzz]].")
    assert_round_trip(tmp_path)
    assert list(Lesson.objects.get(slug="l").terms.values_list("slug", flat=True)) == ["zzz"]
    assert 'href="/glossary/zzz/"' in Term.objects.get(slug="aaa").body_html


# --- Drafts and publication dates ------------------------------------------------------------


def test_drafts_and_publication_dates_restore_as_they_were(tmp_path):
    published = make_term(name="Published", slug="published")
    draft = make_term(name="Draft", slug="draft", status=Status.DRAFT)
    unpublished = make_term(name="Unpublished", slug="unpublished")
    unpublished = Term.objects.get(pk=unpublished.pk)
    unpublished.status = Status.DRAFT
    services.term_save(term=unpublished, previous=unpublished.loaded)
    first_published = datetime.datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    Term.objects.filter(pk=published.pk).update(published_at=first_published)
    Term.objects.filter(pk=draft.pk).update(last_reviewed=datetime.date(2026, 1, 2))
    assert_round_trip(tmp_path)

    assert Term.objects.get(slug="published").published_at == first_published
    assert Term.objects.get(slug="draft").published_at is None
    assert Term.objects.get(slug="draft").last_reviewed == datetime.date(2026, 1, 2)
    assert Term.objects.get(slug="unpublished").status == Status.DRAFT
    assert Term.objects.get(slug="unpublished").published_at is not None  # it was, once


def test_the_sample_folder_restores_with_every_kind_of_content(tmp_path):
    call_command("import_content", str(write_sample_folder(tmp_path / "sample")), stdout=StringIO())
    backup = assert_round_trip(tmp_path)
    assert set(backup) == {
        "models.yaml",
        "gpus.yaml",
        "corrections.yaml",
        "topics.yaml",
        "terms/alpha.yaml",
        "terms/beta.yaml",
        "terms/gamma.yaml",
        "guides/sample-guide/guide.yaml",
        "guides/sample-guide/01-first-lesson.yaml",
        "guides/sample-guide/02-second-lesson.yaml",
    }


# --- Deletions and restores from the history -------------------------------------------------


def test_an_export_over_an_older_one_removes_the_files_of_deleted_content(tmp_path):
    call_command("import_content", str(write_sample_folder(tmp_path / "sample")), stdout=StringIO())
    make_term(name="Spare", slug="spare")
    backup = tmp_path / "backup"
    export(backup)
    (backup / "README.md").write_text("Not content: left alone.")
    Term.objects.filter(slug="spare").delete()  # linked from nothing
    Lesson.objects.filter(slug="first-lesson").delete()  # the second is now the first
    out = StringIO()
    call_command("export_content", str(backup), stdout=out)

    assert "Removed " in out.getvalue() and "spare.yaml" in out.getvalue()
    assert not (backup / "terms" / "spare.yaml").exists()
    lessons = sorted(p.name for p in (backup / "guides" / "sample-guide").glob("*.yaml"))
    assert lessons == ["02-second-lesson.yaml", "guide.yaml"]  # named by its order
    assert (backup / "README.md").exists()
    before = database_content()
    restore(backup)
    assert database_content() == before
    assert not Term.objects.filter(slug="spare").exists()


def test_an_export_says_which_links_point_at_a_deleted_term(tmp_path):
    gone = make_term(name="Gone", slug="gone")
    make_term(name="Linker", slug="linker", body="See [[gone]].\n\n```\n[[in-code]]\n```")
    gone.delete()
    with pytest.raises(CommandError) as caught:
        export(tmp_path / "backup")
    assert str(caught.value).splitlines()[1:] == [
        "terms/linker.yaml: body: [[gone]] links to a term that does not exist."
    ]
    assert (tmp_path / "backup" / "terms" / "linker.yaml").exists()  # written all the same


def delete(client, term: Term) -> None:
    response = client.post(f"/admin/glossary/term/{term.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Term.objects.filter(pk=term.pk).exists()


def recover(client) -> None:
    deleted = Version.objects.get_deleted(Term).get()
    post_form(client, f"/admin/glossary/term/recover/{deleted.pk}/")


def test_a_term_deleted_and_recovered_from_the_history_restores(tmp_path, admin_client_):
    tokens = make_term(name="Tokens", slug="tokens")
    make_alias(tokens, "Token")
    make_faq(tokens, "How long is a token?", "About four characters.")
    cost = make_term(name="Cost", slug="cost", body="Priced per [[tokens]], or per [[token]].")
    make_relation(tokens, cost)
    # Saved once in the admin, so that the history has it with its aliases, FAQs and relations.
    post_form(
        admin_client_, f"/admin/glossary/term/{tokens.pk}/change/", last_reviewed="2026-01-02"
    )
    delete(admin_client_, tokens)
    with pytest.raises(CommandError) as caught:
        export(tmp_path / "while-deleted")
    assert str(caught.value).splitlines()[1:] == [
        "terms/cost.yaml: body: [[tokens]] links to a term that does not exist.",
        "terms/cost.yaml: body: [[token]] links to a term that does not exist.",
    ]

    recover(admin_client_)
    tokens = Term.objects.get(slug="tokens")
    assert [a.name for a in tokens.aliases.all()] == ["Token"]
    assert [f.question for f in tokens.faqs.all()] == ["How long is a token?"]
    assert [r.target.slug for r in tokens.relations_out.all()] == ["cost"]
    assert_round_trip(tmp_path)


def test_a_recovered_term_answers_at_its_old_addresses_again(tmp_path, admin_client_):
    tokens = make_term(name="Tokens", slug="tokens")
    make_term(name="Cost", slug="cost", body="Priced per [[tokens]].")
    post_form(admin_client_, f"/admin/glossary/term/{tokens.pk}/change/", slug="text-tokens")
    delete(admin_client_, tokens)
    recover(admin_client_)
    assert SlugRedirect.objects.filter(old_slug="tokens", term__slug="text-tokens").exists()
    assert_round_trip(tmp_path)


def test_a_deleted_terms_old_address_is_not_found_until_it_is_recovered(client, admin_client_):
    tokens = make_term(name="Tokens", slug="tokens")
    post_form(admin_client_, f"/admin/glossary/term/{tokens.pk}/change/", slug="text-tokens")
    assert client.get("/glossary/tokens/").status_code == 301
    delete(admin_client_, tokens)
    assert client.get("/glossary/tokens/").status_code == 404
    assert client.get("/glossary/text-tokens/").status_code == 404
    recover(admin_client_)
    response = client.get("/glossary/tokens/")
    assert response.status_code == 301 and response["Location"] == "/glossary/text-tokens/"


# --- Any sequence of edits -------------------------------------------------------------------

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["rename", "alias", "link", "status", "faq", "delete", "reorder"]),
        st.integers(min_value=0, max_value=5),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=8,
)


def apply_edit(kind: str, a: int, b: int, step: int) -> None:
    """One editor's edit to the terms there are (any of them, by position)."""
    terms = list(Term.objects.order_by("pk"))
    if not terms:
        return
    term, other = terms[a % len(terms)], terms[b % len(terms)]
    if kind == "rename":
        rename(term, f"{term.slug}-{step}")
    elif kind == "alias":
        make_alias(term, f"Alias {step}")
    elif kind == "link":
        # A link written with any address the other term answers to: its slug, an old slug
        # or an alias.
        addresses = [other.slug, *other.old_slugs.values_list("old_slug", flat=True)]
        addresses += other.aliases.values_list("slug", flat=True)
        term = Term.objects.get(pk=term.pk)
        term.example = f"{term.example} See [[{addresses[step % len(addresses)]}]]."
        services.term_save(term=term, previous=term.loaded)
    elif kind == "status":
        term = Term.objects.get(pk=term.pk)
        term.status = Status.DRAFT if term.is_published else Status.PUBLISHED
        services.term_save(term=term, previous=term.loaded)
    elif kind == "faq":
        make_faq(term, f"Question {step}?", f"Answer {step}, see [[{other.slug}]].", order=b)
    elif kind == "delete" and not linked_to(term):
        term.delete()
    elif kind == "reorder":
        term.faqs.update(order=a)


def linked_to(term: Term) -> bool:
    """Whether other content links to the term (deleting it would leave a link to nothing,
    which the export reports rather than restores)."""
    addresses = {term.slug, *term.old_slugs.values_list("old_slug", flat=True)}
    addresses |= set(term.aliases.values_list("slug", flat=True))
    others = Term.objects.exclude(pk=term.pk).values_list("body", "business_context", "example")
    texts = [text for row in others for text in row]
    texts += FAQ.objects.exclude(term=term).values_list("answer", flat=True)
    texts += Lesson.objects.values_list("body", flat=True)
    return any(f"[[{address}" in text for address in addresses for text in texts)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
def test_any_sequence_of_edits_restores_byte_for_byte(tmp_path_factory, edits):
    empty_database()
    call_command(
        "import_content",
        str(write_sample_folder(tmp_path_factory.mktemp("sample"))),
        stdout=StringIO(),
    )
    for step, (kind, a, b) in enumerate(edits):
        apply_edit(kind, a, b, step)
    assert_round_trip(tmp_path_factory.mktemp("round-trip"))
