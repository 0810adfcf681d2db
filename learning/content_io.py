"""Guides and lessons in and out of fixtures/guides/ (format in fixtures/README.md): a folder
per guide with its guide.yaml, and a file per lesson named <NN>-<lesson-slug>.yaml.

config.content_folder imports them after the glossary (lessons link to terms), in the same
transaction and revision; import_guides() loads them on their own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from content.rendering import linked_slugs
from content.yaml_io import (
    ContentError,
    Shape,
    all_or_nothing,
    at_line,
    check_shape,
    kind_of,
    line_of,
    load_yaml,
    single_line,
    validated,
    write_yaml,
)
from glossary.content_io import link_addresses
from glossary.models import Status, Term
from learning import services
from learning.models import Choice, Guide, Lesson, Level, Question, one_correct_choice_error

GUIDE_SHAPE: dict[str, Shape] = {
    "slug": str,
    "title": str,
    "level": str,
    "status": str,
    "order": int,
    "summary": str,
    "outcomes": [str],
    "prerequisites": [str],
}
CHOICE_SHAPE: dict[str, Shape] = {"text": str, "correct": bool, "explanation": str}
LESSON_SHAPE: dict[str, Shape] = {
    "slug": str,
    "title": str,
    "status": str,
    "summary": str,
    "body": str,
    "questions": [{"prompt": str, "status": str, "choices": [CHOICE_SHAPE]}],
}
LESSON_FILE = re.compile(r"(?P<order>[0-9]+)-(?P<slug>.+)\.yaml")

Guides = list[tuple[dict[str, Any], list[dict[str, Any]]]]


def read_guides(directory: Path) -> Guides:
    """Each guide's mapping with its lessons' (in file-name order), checked for shape; raises
    ContentError. Every mapping has `_file`, the name problems give; a lesson has `_order`.
    A guide's folder is named by its slug, and a lesson's file by its number and slug, as
    export_guides writes them: so no two guides, and no two lessons of a guide, share one."""
    problems: list[str] = []
    guides = []
    folders = (
        sorted(path for path in directory.iterdir() if path.is_dir()) if directory.is_dir() else []
    )
    for folder in folders:
        guide_file = folder / "guide.yaml"
        if not guide_file.exists():
            if any(folder.glob("*.yaml")):
                problems.append(f"{folder.name}/: lessons without a guide.yaml.")
            continue
        guide = _read(guide_file, f"{folder.name}/guide.yaml", GUIDE_SHAPE, problems)
        if guide is not None and guide.get("slug") != folder.name:
            problems.append(
                f"{guide['_file']}: slug {guide.get('slug')!r} does not match the folder name."
            )
        lessons = []
        for lesson_file in sorted(folder.glob("[0-9]*.yaml")):
            name = f"{folder.name}/{lesson_file.name}"
            number = LESSON_FILE.fullmatch(lesson_file.name)
            if number is None:
                problems.append(f"{name}: a lesson's file is named <NN>-<lesson-slug>.yaml.")
                continue
            lesson = _read(lesson_file, name, LESSON_SHAPE, problems)
            if lesson is None:
                continue
            if lesson.get("slug") != number["slug"]:
                problems.append(
                    f"{name}: slug {lesson.get('slug')!r} does not match the file name."
                )
                continue
            lesson["_order"] = int(number["order"])
            lessons.append(lesson)
        slugs = [lesson["slug"] for lesson in lessons]
        for slug in sorted({slug for slug in slugs if slugs.count(slug) > 1}):
            files = [lesson["_file"] for lesson in lessons if lesson["slug"] == slug]
            problems.append(f"{folder.name}/: the lesson {slug!r} is written twice: {files}.")
        if guide is not None:
            guides.append((guide, lessons))
    if problems:
        raise ContentError(problems)
    return guides


def _read(path: Path, name: str, shape: Shape, problems: list[str]) -> dict[str, Any] | None:
    unreadable = len(problems)
    data = load_yaml(path, name, problems)
    if len(problems) > unreadable:
        return None
    if not isinstance(data, dict):
        problems.append(f"{name}: expected a mapping of fields, not {kind_of(data)}.")
        return None
    check_shape(data, shape, name, problems)
    data["_file"] = name
    return data


def _given(data: dict[str, Any], key: str, default: Any) -> Any:
    """The value of `key`, or `default` when it is missing or null (a field that has one)."""
    value = data.get(key)
    return default if value is None else value


def save_guides(guides: Guides, problems: list[str]) -> tuple[int, int]:
    """Guides and lessons as read_guides gives them, into the database, inside the caller's
    all_or_nothing block. Returns how many guides and lessons there were."""
    guide_count = lesson_count = 0
    for guide_data, lessons_data in guides:
        where = guide_data["_file"]
        guide = Guide.objects.filter(slug=guide_data["slug"]).first() or Guide(
            slug=guide_data["slug"]
        )
        guide.title = guide_data.get("title") or ""
        guide.level = _given(guide_data, "level", Level.BEGINNER)
        guide.status = _given(guide_data, "status", Status.DRAFT)
        guide.order = _given(guide_data, "order", 0)
        guide.summary = single_line(guide_data.get("summary"))
        guide.outcomes = "\n".join(str(outcome) for outcome in guide_data.get("outcomes") or [])
        if not validated(guide, where, problems, data=guide_data):
            continue
        guide.save()
        wanted = guide_data.get("prerequisites") or []
        terms = list(Term.objects.filter(slug__in=wanted))
        missing = sorted(set(wanted) - {t.slug for t in terms})
        if missing:
            line = at_line(line_of(guide_data, "prerequisites"))
            problems.append(f"{where}: prerequisites: unknown terms {missing}{line}.")
        guide.prerequisites.set(terms)
        guide_count += 1
        keep = []
        for lesson_data in lessons_data:
            lesson = _import_lesson(guide, lesson_data, problems)
            if lesson is not None:
                keep.append(lesson.pk)
                lesson_count += 1
        guide.lessons.exclude(pk__in=keep).delete()
    return guide_count, lesson_count


def import_guides(directory: Path) -> tuple[int, int]:
    """The guides folder on its own (config.content_folder imports it with the rest)."""
    guides = read_guides(directory)
    with all_or_nothing(f"Imported from {directory.name}/") as problems:
        counts = save_guides(guides, problems)
    return counts


def _import_lesson(guide: Guide, data: dict[str, Any], problems: list[str]) -> Lesson | None:
    where = data["_file"]
    lesson = Lesson.objects.filter(guide=guide, slug=data["slug"]).first() or Lesson(
        guide=guide, slug=data["slug"]
    )
    lesson.title = data.get("title") or ""
    lesson.order = data["_order"]
    lesson.status = _given(data, "status", Status.DRAFT)
    lesson.summary = single_line(data.get("summary"))
    lesson.body = data.get("body") or ""
    if not validated(lesson, where, problems, data=data):
        return None
    services.lesson_save(lesson=lesson)
    lesson.questions.all().delete()
    for q_order, q_data in enumerate(data.get("questions") or []):
        here = f"{where}: questions[{q_order}]"
        question = Question(
            lesson=lesson,
            prompt=q_data.get("prompt") or "",
            order=q_order,
            status=_given(q_data, "status", Status.PUBLISHED),
        )
        if not validated(question, here, problems, data=q_data, name_the_model=False):
            continue
        choices = q_data.get("choices") or []
        if question.status == Status.PUBLISHED:
            problem = one_correct_choice_error(sum(1 for c in choices if c.get("correct")))
            if problem:
                line = at_line(line_of(q_data))
                problems.append(f"{here}: “{question.prompt[:60]}”: {problem}{line}")
                continue
        question.save()
        for c_order, c_data in enumerate(choices):
            choice = Choice(
                question=question,
                text=c_data.get("text") or "",
                is_correct=bool(c_data.get("correct")),
                explanation=c_data.get("explanation") or "",
                order=c_order,
            )
            there = f"{here}.choices[{c_order}]"
            if validated(choice, there, problems, data=c_data, name_the_model=False):
                choice.save()
    return lesson


def guides_as_data() -> Guides:
    return [guide_as_data(guide) for guide in _guides_to_export()]


def _guides_to_export() -> QuerySet[Guide]:
    return Guide.objects.prefetch_related("prerequisites", "lessons__questions__choices")


def guide_as_data(guide: Guide) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    guide_data = {
        "slug": guide.slug,
        "title": guide.title,
        "level": guide.level,
        "status": guide.status,
        "order": guide.order,
        "summary": guide.summary,
        "outcomes": guide.outcome_list,
        "prerequisites": sorted(t.slug for t in guide.prerequisites.all()),
    }
    return guide_data, [lesson_as_data(lesson) for lesson in guide.lessons.all()]


def lesson_as_data(lesson: Lesson) -> dict[str, Any]:
    return {
        "slug": lesson.slug,
        "title": lesson.title,
        "status": lesson.status,
        "summary": lesson.summary,
        "body": lesson.body,
        "questions": [
            {
                "prompt": q.prompt,
                **({"status": q.status} if q.status != Status.PUBLISHED else {}),
                "choices": [
                    {
                        "text": c.text,
                        **({"correct": True} if c.is_correct else {}),
                        "explanation": c.explanation,
                    }
                    for c in q.choices.all()
                ],
            }
            for q in lesson.questions.all()
        ],
    }


def export_guides(directory: Path) -> tuple[list[Path], list[str]]:
    """Every guide and lesson into `directory`, as read_guides reads them. Returns the files
    written, and a problem for each [[link]] in a lesson that answers to no term (as
    glossary.content_io.export_glossary does for terms)."""
    written: list[Path] = []
    problems: list[str] = []
    addresses = link_addresses()
    for guide in _guides_to_export():
        guide_data, lessons = guide_as_data(guide)
        folder = directory / guide.slug
        written.append(folder / "guide.yaml")
        write_yaml(written[-1], guide_data)
        for lesson, data in zip(guide.lessons.all(), lessons, strict=True):
            # The file's number is the lesson's order, as import_guides reads it back.
            written.append(folder / f"{lesson.order:02d}-{lesson.slug}.yaml")
            write_yaml(written[-1], data)
            if linked_slugs(lesson.body) - addresses:  # (rendered only then, as for terms)
                problems += [
                    f"guides/{guide.slug}/{written[-1].name}: body: [[{slug}]] links to a term "
                    "that does not exist."
                    for slug in lesson.render().missing_links
                ]
    return written, problems
