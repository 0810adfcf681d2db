"""Guides and lessons in and out of fixtures/guides/ (format in fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reversion
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from glossary.models import Status, Term
from learning import services
from learning.models import Choice, Guide, Lesson, Question, one_correct_choice_error

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class GuideContentError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _load(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid YAML ({exc}).")
        return None


def read_guides(directory: Path) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    problems: list[str] = []
    guides = []
    for guide_file in sorted(directory.glob("*/guide.yaml")):
        guide = _load(guide_file, problems)
        lessons = []
        for lesson_file in sorted(guide_file.parent.glob("[0-9]*.yaml")):
            lesson = _load(lesson_file, problems)
            if isinstance(lesson, dict):
                lesson["_file"] = f"{guide_file.parent.name}/{lesson_file.name}"
                lesson["_order"] = int(lesson_file.name.split("-", 1)[0])
                lessons.append(lesson)
        if isinstance(guide, dict):
            guides.append((guide, lessons))
    if problems:
        raise GuideContentError(problems)
    return guides


def _valid(instance: Any, where: str, problems: list[str]) -> bool:
    try:
        instance.full_clean()
    except ValidationError as exc:
        problems.extend(
            f"{where}: {type(instance).__name__} {field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        )
        return False
    return True


def import_guides(directory: Path) -> tuple[int, int]:
    problems: list[str] = []
    guide_count = lesson_count = 0
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Imported from {directory.name}/")
        for guide_data, lessons_data in read_guides(directory):
            where = f"{guide_data.get('slug')}/guide.yaml"
            guide = Guide.objects.filter(slug=guide_data.get("slug")).first() or Guide(
                slug=guide_data.get("slug", "")
            )
            guide.title = guide_data.get("title", "")
            guide.level = guide_data.get("level", "beginner")
            guide.status = guide_data.get("status", Status.DRAFT)
            guide.order = guide_data.get("order", 0)
            guide.summary = " ".join(str(guide_data.get("summary", "")).split())
            guide.outcomes = "\n".join(guide_data.get("outcomes") or [])
            if not _valid(guide, where, problems):
                continue
            guide.save()
            wanted = guide_data.get("prerequisites") or []
            terms = list(Term.objects.filter(slug__in=wanted))
            missing = sorted(set(wanted) - {t.slug for t in terms})
            if missing:
                problems.append(f"{where}: unknown prerequisite terms {missing}.")
            guide.prerequisites.set(terms)
            guide_count += 1
            keep = []
            for lesson_data in lessons_data:
                lesson = _import_lesson(guide, lesson_data, problems)
                if lesson is not None:
                    keep.append(lesson.pk)
                    lesson_count += 1
            guide.lessons.exclude(pk__in=keep).delete()
        if problems:
            transaction.set_rollback(True)
            raise GuideContentError(problems)
    return guide_count, lesson_count


def _import_lesson(guide: Guide, data: dict[str, Any], problems: list[str]) -> Lesson | None:
    where = data["_file"]
    lesson = Lesson.objects.filter(guide=guide, slug=data.get("slug")).first() or Lesson(
        guide=guide, slug=data.get("slug", "")
    )
    lesson.title = data.get("title", "")
    lesson.order = data["_order"]
    lesson.status = data.get("status", Status.DRAFT)
    lesson.summary = " ".join(str(data.get("summary", "")).split())
    lesson.body = data.get("body", "")
    if not _valid(lesson, where, problems):
        return None
    services.lesson_save(lesson=lesson)
    lesson.questions.all().delete()
    for q_order, q_data in enumerate(data.get("questions") or []):
        question = Question(
            lesson=lesson,
            prompt=q_data.get("prompt", ""),
            order=q_order,
            status=q_data.get("status", Status.PUBLISHED),
        )
        if not _valid(question, where, problems):
            continue
        choices = q_data.get("choices") or []
        if question.status == Status.PUBLISHED:
            problem = one_correct_choice_error(sum(1 for c in choices if c.get("correct")))
            if problem:
                problems.append(f"{where}: “{question.prompt[:60]}”: {problem}")
                continue
        question.save()
        for c_order, c_data in enumerate(choices):
            choice = Choice(
                question=question,
                text=c_data.get("text", ""),
                is_correct=bool(c_data.get("correct")),
                explanation=c_data.get("explanation", ""),
                order=c_order,
            )
            if _valid(choice, where, problems):
                choice.save()
    return lesson


def guides_as_data() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    out = []
    for guide in Guide.objects.prefetch_related("prerequisites", "lessons__questions__choices"):
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
        lessons = [
            {
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
            for lesson in guide.lessons.all()
        ]
        out.append((guide_data, lessons))
    return out


def export_guides(directory: Path) -> int:
    from glossary.content_io import _BlockDumper  # the same block-style YAML as the terms

    count = 0
    for guide_data, lessons in guides_as_data():
        folder = directory / guide_data["slug"]
        folder.mkdir(parents=True, exist_ok=True)
        dump = {"Dumper": _BlockDumper, "sort_keys": False, "allow_unicode": True, "width": 100}
        (folder / "guide.yaml").write_text(yaml.dump(guide_data, **dump), encoding="utf-8")
        for number, lesson in enumerate(lessons, start=1):
            (folder / f"{number:02d}-{lesson['slug']}.yaml").write_text(
                yaml.dump(lesson, **dump), encoding="utf-8"
            )
            count += 1
    return count
