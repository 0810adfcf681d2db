from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from calculators.forms import first_error
from learning.forms import KnowledgeCheckForm
from learning.grading import grade, score
from learning.selectors import guide_for_page, guides_for_index, lesson_for_page
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


# Grading changes nothing on the server and reads no cookie, so a CSRF token (which would make
# every lesson page uncacheable) protects nothing here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_detail(request: HttpRequest, guide: str, lesson: str) -> HttpResponse:
    place = lesson_for_page(guide, lesson)
    if place is None:
        raise Http404("No such lesson.")
    context: dict[str, object] = {
        "place": place,
        "lesson": place.lesson,
        "guide": place.lesson.guide,
        "structured_data": lesson_graph(place.lesson, place.number),
    }
    status = 200
    if request.method == "POST":
        questions = list(place.lesson.questions.all())
        form = KnowledgeCheckForm(questions, request.POST)
        if not form.is_valid():
            context["check_error"] = first_error(form)
            status = 400
        else:
            graded = grade(questions, form.cleaned_data)
            right, total = score(graded)
            context.update(graded=graded, right=right, total=total)
    return render(request, "learning/lesson_detail.html", context, status=status)
