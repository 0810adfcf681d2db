"""Term, alias, FAQ and relation rules: validation messages, renames, stored HTML."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from factories import make_alias, make_faq, make_relation, make_term

from glossary import services
from glossary.models import Relation, SlugRedirect, Status, Term

pytestmark = pytest.mark.django_db


def test_markdown_is_rendered_and_stored_on_save():
    term = make_term(body="## Heading\n\nSome **bold** text.")
    stored = Term.objects.get(pk=term.pk)
    assert "<strong>bold</strong>" in stored.body_html
    assert 'id="heading"' in stored.body_html


def test_a_name_that_clashes_with_another_term_is_refused():
    make_term(name="Weights", slug="weights")
    clash = Term(name="weights", slug="weights-2", short_definition="x")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "already the name of the term “Weights”" in str(error.value.message_dict["name"])


def test_a_name_that_clashes_with_another_terms_alias_is_refused():
    llm = make_term(name="Large language model", slug="large-language-model")
    make_alias(llm, "LLM")
    clash = Term(name="llm", slug="llm-thing", short_definition="x")
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "already an alias of the term “Large language model”" in str(error.value)


def test_an_alias_that_clashes_with_another_term_is_refused():
    make_term(name="Weights", slug="weights")
    other = make_term(name="Parameters", slug="parameters")
    with pytest.raises(ValidationError) as error:
        make_alias(other, "WEIGHTS")
    assert "already the name of the term “Weights”" in str(error.value)


def test_an_alias_cannot_repeat_its_own_terms_name():
    term = make_term(name="Tokens", slug="tokens")
    with pytest.raises(ValidationError, match="repeat the term"):
        make_alias(term, "tokens")


def test_a_short_definition_over_the_limit_is_refused():
    term = Term(name="Long", slug="long", short_definition="x" * 201)
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "at most 200 characters" in str(error.value.message_dict["short_definition"])


def test_a_link_to_a_missing_term_is_refused_with_its_name():
    term = Term(name="Linker", slug="linker", short_definition="x", body="See [[no-such-term]].")
    with pytest.raises(ValidationError) as error:
        term.full_clean()
    assert "[[no-such-term]] links to a term that does not exist" in str(
        error.value.message_dict["body"]
    )


def test_a_link_in_an_faq_answer_is_checked_too():
    term = make_term()
    faq = make_faq(term)
    faq.answer = "See [[nowhere]]."
    with pytest.raises(ValidationError, match="nowhere"):
        faq.full_clean()


def test_a_relation_of_a_term_to_itself_is_refused():
    term = make_term()
    relation = Relation(source=term, target=term)
    with pytest.raises(ValidationError, match="cannot be related to itself"):
        relation.full_clean()
    with pytest.raises(IntegrityError):
        Relation.objects.create(source=term, target=term)


def test_a_relation_entered_on_the_other_term_is_not_entered_twice():
    a, b = make_term(), make_term()
    make_relation(a, b)
    with pytest.raises(ValidationError, match="already related"):
        Relation(source=b, target=a, kind=Relation.Kind.CONTRAST).full_clean()


def test_renaming_a_slug_keeps_the_old_address():
    term = make_term(slug="old-name")
    term.slug = "new-name"
    services.term_save(term=term, previous=term.loaded)
    assert SlugRedirect.objects.get(old_slug="old-name").term == term


def test_a_term_taking_a_former_slug_removes_that_redirect():
    term = make_term(slug="first")
    term.slug = "second"
    services.term_save(term=term, previous=term.loaded)
    newcomer = make_term(slug="first")
    assert not SlugRedirect.objects.filter(old_slug="first").exists()
    assert newcomer.get_absolute_url() == "/glossary/first/"


def test_a_changed_short_definition_refreshes_the_previews_that_link_to_it():
    target = make_term(slug="weights", short_definition="Old words.")
    linker = make_term(body="See [[weights]].")
    assert 'data-preview="Old words."' in Term.objects.get(pk=linker.pk).body_html
    target.short_definition = "New words."
    services.term_save(term=target, previous=target.loaded)
    assert 'data-preview="New words."' in Term.objects.get(pk=linker.pk).body_html


def test_publishing_stamps_the_publication_time_once():
    term = make_term(status=Status.DRAFT)
    assert term.published_at is None
    term.status = Status.PUBLISHED
    term.save()
    first = term.published_at
    assert first is not None
    term.save()
    assert term.published_at == first


def test_the_search_document_includes_aliases():
    term = make_term(name="Large language model", slug="large-language-model")
    make_alias(term, "LLM")
    stored = Term.objects.get(pk=term.pk)
    assert "LLM" in stored.search_names
    assert "LLM" in stored.search_document


def test_faq_anchors_come_from_the_question():
    term = make_term()
    faq = make_faq(term, question="How much GPU memory does a 70B model need?")
    assert faq.anchor == "faq-how-much-gpu-memory-does-a-70b-model-need"
    assert faq.get_absolute_url().endswith("#faq-how-much-gpu-memory-does-a-70b-model-need")


def test_a_terms_address_follows_the_mount_point():
    from django.urls import reverse, set_script_prefix

    term = make_term(slug="kv-cache")
    try:
        set_script_prefix("/site/")
        assert term.get_absolute_url() == "/site/glossary/kv-cache/"
        assert term.get_absolute_url() == reverse("glossary:term", kwargs={"slug": "kv-cache"})
    finally:
        set_script_prefix("/")
    assert term.get_absolute_url() == "/glossary/kv-cache/"
