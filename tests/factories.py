"""Small factories for test data, built in code (fixtures/ is for the shipped content only)."""

from __future__ import annotations

import itertools
from typing import Any

from glossary import services
from glossary.models import FAQ, Alias, Relation, Resource, Status, Term, Topic

_counter = itertools.count(1)


def make_topic(**fields: Any) -> Topic:
    n = next(_counter)
    defaults: dict[str, Any] = {"name": f"Topic {n}", "slug": f"topic-{n}", "order": n}
    defaults.update(fields)
    return Topic.objects.create(**defaults)


def make_term(**fields: Any) -> Term:
    n = next(_counter)
    defaults: dict[str, Any] = {
        "name": f"Term {n}",
        "slug": f"term-{n}",
        "short_definition": f"The short definition of term {n}.",
        "body": f"## How it works\n\nTerm {n} explained.\n\n## Numbers\n\n7 × 2 = 14.",
        "business_context": "It costs money.",
        "example": "A team uses it.",
        "status": Status.PUBLISHED,
    }
    topics = fields.pop("topics", [])
    defaults.update(fields)
    term = Term(**defaults)
    services.term_save(term=term, previous=None)
    if topics:
        term.topics.set(topics)
    return term


def make_alias(term: Term, name: str, kind: str = Alias.Kind.VARIANT) -> Alias:
    alias = Alias(term=term, name=name, kind=kind)
    alias.full_clean()
    services.alias_save(alias=alias)
    return alias


def make_faq(
    term: Term, question: str = "What is it?", answer: str = "It is a thing.", order: int = 0
) -> FAQ:
    faq = FAQ(term=term, question=question, answer=answer, order=order)
    faq.save()
    services.term_record_links(term=term)  # as the admin and the importer do after FAQs
    return faq


def make_relation(source: Term, target: Term, kind: str = Relation.Kind.RELATED) -> Relation:
    return Relation.objects.create(source=source, target=target, kind=kind)


def make_resource(
    term: Term,
    title: str = "A paper",
    url: str = "https://arxiv.org/abs/1706.03762",
    kind: str = Resource.Kind.PAPER,
) -> Resource:
    return Resource.objects.create(term=term, title=title, url=url, kind=kind)


def make_guide(**fields: Any) -> Any:
    from learning.models import Guide

    n = next(_counter)
    defaults: dict[str, Any] = {
        "title": f"Guide {n}",
        "slug": f"guide-{n}",
        "summary": f"Guide {n} summary.",
        "status": Status.PUBLISHED,
        "order": n,
        "outcomes": "Count parameters.\nSize memory.",
    }
    defaults.update(fields)
    return Guide.objects.create(**defaults)


def make_lesson(guide: Any, **fields: Any) -> Any:
    from learning.models import Lesson
    from learning.services import lesson_save

    n = next(_counter)
    defaults: dict[str, Any] = {
        "title": f"Lesson {n}",
        "slug": f"lesson-{n}",
        "order": n,
        "summary": "A lesson.",
        "body": "## First idea\n\nSome words.\n\n## Second idea\n\nMore words.",
        "status": Status.PUBLISHED,
    }
    defaults.update(fields)
    lesson = Lesson(guide=guide, **defaults)
    lesson_save(lesson=lesson)
    return lesson


def make_question(
    lesson: Any,
    prompt: str = "Which is right?",
    correct: int = 0,
    choices: tuple[str, ...] = ("A", "B", "C"),
) -> Any:
    from learning.models import Choice, Question

    question = Question.objects.create(lesson=lesson, prompt=prompt)
    for index, text in enumerate(choices):
        Choice.objects.create(
            question=question,
            text=text,
            is_correct=index == correct,
            explanation=f"Because {text}.",
            order=index,
        )
    return question
