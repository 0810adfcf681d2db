from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from calculators.forms import first_error
from learning.forms import KnowledgeCheckForm
from learning.grading import grade, score
from learning.models import Question
from learning.selectors import LessonPlace, guide_for_page, guides_for_index, lesson_for_page
from learning.structured_data import guide_graph, lesson_graph


@require_safe
def guide_list(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/guide_list.html", {"guides": guides_for_index()})


@require_safe
def guide_detail(request: HttpRequest, guide: str) -> HttpResponse:
    found = guide_for_page(guide)
    if found is None:
        raise Http404("No such guide.")
    lessons = list(found.lessons.all())
    return render(
        request,
        "learning/guide_detail.html",
        {"guide": found, "structured_data": guide_graph(found, lessons)},
    )


@dataclass(frozen=True)
class AskedQuestion:
    """A question as the form shows it again: the answer picked (as sent) and its error."""

    question: Question
    picked: str
    error: str


def _lesson_context(request: HttpRequest, place: LessonPlace) -> dict[str, object]:
    return {
        "place": place,
        "lesson": place.lesson,
        "guide": place.lesson.guide,
        "structured_data": lesson_graph(place.lesson, place.number),
    }


def _refused(
    request: HttpRequest, place: LessonPlace, questions: list[Question], form: KnowledgeCheckForm
) -> HttpResponse:
    """The lesson with its check asked again: the answers kept, each problem beside its
    question, nothing revealed."""
    unanswered = sum(
        1
        for question in questions
        if any(
            error.code == "required" for error in form.errors.as_data().get(question.field_name, [])
        )
    )
    context = _lesson_context(request, place)
    context["asked"] = [
        AskedQuestion(
            question=question,
            picked=str(form.data.get(question.field_name, "")),
            error=str(form.errors[question.field_name][0])
            if question.field_name in form.errors
            else "",
        )
        for question in questions
    ]
    context["check_error"] = (
        f"Answer every question before checking: {unanswered} of {len(questions)} "
        f"{'is' if unanswered == 1 else 'are'} not answered yet."
        if unanswered
        else first_error(form)
    )
    return render(request, "learning/lesson_detail.html", context, status=400)


# Grading changes nothing on the server and reads no cookie, so a CSRF token (which would make
# every lesson page uncacheable) protects nothing here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_detail(request: HttpRequest, guide: str, lesson: str) -> HttpResponse:
    """The lesson. A knowledge check is POSTed here and, once every question is answered,
    redirected (303) to the lesson's check page, whose address holds the answers: reloading
    or sharing it shows the same result, and Back never resubmits."""
    place = lesson_for_page(guide, lesson)
    if place is None:
        raise Http404("No such lesson.")
    if request.method == "POST":
        questions = list(place.lesson.questions.all())
        form = KnowledgeCheckForm(questions, request.POST)
        if not form.is_valid():
            return _refused(request, place, questions, form)
        answers = {name: choice.pk for name, choice in form.cleaned_data.items()}
        url = reverse("learning:lesson_check", args=[place.lesson.guide.slug, place.lesson.slug])
        return HttpResponseRedirect(f"{url}?{urlencode(answers)}#check", status=303)
    return render(request, "learning/lesson_detail.html", _lesson_context(request, place))


@never_cache
@require_safe
def lesson_check(request: HttpRequest, guide: str, lesson: str) -> HttpResponse:
    """A graded knowledge check: the answers come in the query string (from the redirect
    above). Not cached, by the page cache or anyone else: each set of answers is its own page."""
    place = lesson_for_page(guide, lesson)
    if place is None:
        raise Http404("No such lesson.")
    questions = list(place.lesson.questions.all())
    if not questions:
        raise Http404("This lesson has no questions.")
    form = KnowledgeCheckForm(questions, request.GET)
    if not form.is_valid():
        return _refused(request, place, questions, form)
    graded = grade(questions, form.cleaned_data)
    right, total = score(graded)
    context = _lesson_context(request, place)
    context.update(graded=graded, right=right, total=total)
    return render(request, "learning/lesson_detail.html", context)
