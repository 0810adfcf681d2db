"""One search over the site: terms, their FAQs, lessons and calculators.

`site_search()` asks the engine (search/engines.py) for exact names, near names and text
matches, scores them by the rules in search/ranking.py, and loads what the results page
shows. Answers are kept in the cache under the content version, so an edit retires them.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from caching import content_version
from calculators.definitions import CALCULATORS
from glossary.models import FAQ, Status, Term
from glossary.slugs import make_slug
from learning.models import Lesson
from search import ranking
from search.engines import MARK, UNMARK, engine
from search.query import Words, normalise

PAGE_SIZE = 20
PAGES = 3  # past the 60th result, a narrower query serves a reader better
SHOWN = PAGE_SIZE * PAGES
KIND_LABELS = {"term": "Term", "faq": "FAQ", "lesson": "Lesson", "calculator": "Calculator"}


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    snippet_html: SafeString  # escaped text, the query's words in <mark>
    score: float
    near: bool  # the closest match to a misspelt query
    slug: str = ""  # a term's, for the type-ahead
    summary: str = ""  # a term's short definition, a calculator's summary

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Results:
    query: str  # normalised
    hits: list[Hit] = field(default_factory=list)  # the first SHOWN, best first
    count: int = 0  # every result found (hits holds at most SHOWN of them)
    relaxed: bool = False  # no document had every word: these have some
    corrected: str = ""  # nothing matched the query as typed: these match this spelling
    suggestion: str = ""  # when nothing matched: the nearest name, if any is near enough


def marked(text: str) -> SafeString:
    """Text with MARK/UNMARK around matched words, as escaped HTML with <mark>: every part of
    the text is escaped, the marks are the only markup."""
    parts = re.split(f"[{MARK}{UNMARK}]", text)
    return mark_safe(  # noqa: S308 - every part is escaped; <mark> is ours
        "".join(
            f"<mark>{html.escape(part)}</mark>" if i % 2 else html.escape(part)
            for i, part in enumerate(parts)
            if part
        )
    )


def mark_words(title: str, words: Words) -> SafeString:
    """The title with the letters the query's words match marked (word starts only)."""
    if not words.words:
        return marked(title)
    pattern = re.compile(
        r"(?<![^\W_])("
        + "|".join(re.escape(w) for w in sorted(words.words, key=len, reverse=True))
        + ")",
        re.IGNORECASE,
    )
    return marked(pattern.sub(lambda m: f"{MARK}{m.group(1)}{UNMARK}", title))


def site_search(raw: str, *, kind: str = "") -> Results:
    """Every result for the query (of one kind, if given), best first."""
    words = Words.parse(raw)
    if not words.text:
        return Results(query="")
    version = content_version.current()
    key = None
    if version is not None and settings.SEARCH_CACHE_SECONDS > 0:
        digest = hashlib.sha256(f"{words.text}\n{kind}".encode()).hexdigest()
        key = f"search:{version}:{digest}"
        found = cache.get(key)
        if isinstance(found, Results):
            return found
    results = _search(raw, words, kind)
    if key is not None:
        cache.set(key, results, settings.SEARCH_CACHE_SECONDS)
    return results


def _search(raw: str, words: Words, kind: str) -> Results:
    searcher = engine()
    scored = _exact(raw, words)
    if not scored:  # a name typed right is no misspelling of another
        scored = _near(searcher, words)
    scored += _calculators(words)
    text = searcher.text_matches(words, every=True)
    used, corrected = words, ""
    if not text:
        fixed = _corrected(searcher, words)
        if fixed is not None:
            text = searcher.text_matches(fixed, every=True)
            if text:
                used, corrected = fixed, fixed.text
    relaxed = False
    if not scored and not text and len(words.words) > 1:
        text = searcher.text_matches(words, every=False)
        relaxed = bool(text)
    scored += _text(text, used)
    ranked = [item for item in ranking.best_of(scored) if not kind or item.kind == kind]
    hits = _load(ranked, used, searcher)
    return Results(
        query=words.text,
        hits=hits[:SHOWN],
        count=len(hits),
        relaxed=relaxed,
        corrected=corrected,
        suggestion="" if hits else _suggestion(searcher, words),
    )


def _corrected(searcher, words: Words) -> Words | None:
    """The query with each word no document has replaced by the nearest word one has
    (difflib's ratio at least SIMILAR); None when no word changes. Only what the changed
    query finds is shown, so a word that only a draft has never comes to light."""
    fixed = []
    for word in words.words:
        if len(word) < ranking.CORRECT_FROM or searcher.known_word(word):
            fixed.append(word)
        else:
            fixed.append(ranking.nearest_word(word, searcher.words_like(word)) or word)
    return None if fixed == list(words.words) else Words.parse(" ".join(fixed))


def _exact(raw: str, words: Words) -> list[ranking.Scored]:
    typed = " ".join(raw.split())
    names = Q(slug=make_slug(typed))
    for form in {typed, f"{typed}s", typed.removesuffix("s")} - {""}:
        names |= Q(name__iexact=form) | Q(aliases__name__iexact=form)
    terms = Term.objects.published().filter(names).values_list("pk", flat=True).distinct()
    lessons = Lesson.objects.published().filter(guide__status=Status.PUBLISHED, title__iexact=typed)
    found = [ranking.exact("term", pk) for pk in terms]
    found += [ranking.exact("lesson", pk) for pk in lessons.values_list("pk", flat=True)]
    found += [
        ranking.exact("calculator", calculator.slug)
        for calculator in CALCULATORS.values()
        if ranking.same_name(normalise(calculator.title), words.text)
    ]
    return found


def _near(searcher, words: Words) -> list[ranking.Scored]:
    found = []
    for kind, pk, names in searcher.name_candidates(words):
        if ranking.name_match(words, names):
            continue  # its names have the query's words: a text match, not a misspelling
        ratio = ranking.name_ratio(words.text, names)
        if ratio >= ranking.SIMILAR:
            found.append(ranking.near(kind, pk, ratio))
    for calculator in CALCULATORS.values():
        ratio = ranking.name_ratio(words.text, calculator.title)
        if ratio >= ranking.SIMILAR:
            found.append(ranking.near("calculator", calculator.slug, ratio))
    return found


def _calculators(words: Words) -> list[ranking.Scored]:
    found = []
    for calculator in CALCULATORS.values():
        text = f"{calculator.title} {calculator.summary}"
        if ranking.name_match(words, text):
            named = ranking.name_match(words, calculator.title)
            found.append(ranking.text("calculator", calculator.slug, 1.0, 1.0, named=named))
    return found


def _text(matches, words: Words) -> list[ranking.Scored]:
    if not matches:
        return []
    best = max(match.rank for match in matches)
    names = _names_of(matches)
    return [
        ranking.text(
            match.kind,
            match.pk,
            match.rank,
            best,
            named=ranking.name_match(words, names.get((match.kind, match.pk), "")),
        )
        for match in matches
    ]


def _names_of(matches) -> dict[tuple[str, int], str]:
    """What counts as each matched document's names: a term's name and aliases, an FAQ's
    question, a lesson's title."""
    by_kind: dict[str, list[int]] = {}
    for match in matches:
        by_kind.setdefault(match.kind, []).append(match.pk)
    names: dict[tuple[str, int], str] = {}
    if "term" in by_kind:
        for pk, value in Term.objects.filter(pk__in=by_kind["term"]).values_list(
            "pk", "search_names"
        ):
            names[("term", pk)] = value
    if "faq" in by_kind:
        for pk, value in FAQ.objects.filter(pk__in=by_kind["faq"]).values_list("pk", "question"):
            names[("faq", pk)] = value
    if "lesson" in by_kind:
        for pk, value in Lesson.objects.filter(pk__in=by_kind["lesson"]).values_list("pk", "title"):
            names[("lesson", pk)] = value
    return names


def _load(ranked: list[ranking.Scored], words: Words, searcher) -> list[Hit]:
    """The hits as the page shows them, in order; documents that vanished are left out."""
    by_kind: dict[str, list] = {}
    for item in ranked:
        by_kind.setdefault(item.kind, []).append(item.pk)
    terms = {
        t.pk: t
        for t in Term.objects.published()
        .filter(pk__in=by_kind.get("term", []))
        .only("pk", "name", "slug", "short_definition")
    }
    faqs = {
        f.pk: f
        for f in FAQ.objects.filter(pk__in=by_kind.get("faq", []), term__status=Status.PUBLISHED)
        .select_related("term")
        .only("pk", "question", "slug", "term__slug", "term__name")
    }
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.published()
        .filter(pk__in=by_kind.get("lesson", []), guide__status=Status.PUBLISHED)
        .select_related("guide")
        .only("pk", "title", "slug", "summary", "guide__slug", "guide__title")
    }
    shown = [item for item in ranked if _exists(item, terms, faqs, lessons)]
    snippets = searcher.snippets(
        words, [(item.kind, item.pk) for item in shown[:SHOWN] if item.kind != "calculator"]
    )
    hits = []
    for item in shown:
        snippet = marked(snippets.get((item.kind, item.pk), ""))
        hits.append(_hit(item, terms, faqs, lessons, snippet, words))
    hits.sort(key=lambda hit: (-hit.score, hit.title.lower()))
    return hits


def _exists(item, terms, faqs, lessons) -> bool:
    source = {"term": terms, "faq": faqs, "lesson": lessons}.get(item.kind)
    return item.pk in CALCULATORS if source is None else item.pk in source


def _hit(item, terms, faqs, lessons, snippet: str, words: Words) -> Hit:
    if item.kind == "term":
        term = terms[item.pk]
        return Hit(
            "term",
            term.name,
            term.get_absolute_url(),
            snippet or marked(term.short_definition),
            item.score,
            item.near,
            slug=term.slug,
            summary=term.short_definition,
        )
    if item.kind == "faq":
        faq = faqs[item.pk]
        return Hit("faq", faq.question, faq.get_absolute_url(), snippet, item.score, item.near)
    if item.kind == "lesson":
        lesson = lessons[item.pk]
        summary = lesson.summary
        return Hit(
            "lesson",
            lesson.title,
            lesson.get_absolute_url(),
            snippet or marked(summary),
            item.score,
            item.near,
            summary=summary,
        )
    calculator = CALCULATORS[item.pk]
    url = reverse("calculators:detail", kwargs={"slug": calculator.slug})
    summary = calculator.summary
    return Hit(
        "calculator",
        calculator.title,
        url,
        mark_words(summary, words),
        item.score,
        item.near,
        summary=summary,
    )


def _suggestion(searcher, words: Words) -> str:
    best, name = 0.0, ""
    for _, _, names in searcher.name_candidates(words):
        for part in names.split(" | "):
            ratio = ranking.name_ratio(words.text, part)
            if ratio > best:
                best, name = ratio, part
    return name if best >= ranking.SUGGEST else ""
