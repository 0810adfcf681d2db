"""One search over the site: terms, their FAQs, lessons and calculators.

`site_search()` asks the engine (search/engines.py) for exact names, near names and text
matches, scores them by the rules in search/ranking.py, and loads what the results page
shows. Answers are kept in the cache under the content version, so an edit retires them.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from caching import content_version
from calculators.definitions import CALCULATORS
from glossary.models import faq_anchor
from glossary.slugs import make_slug, term_url
from search import ranking
from search.engines import MARK, TEXT_LIMIT, UNMARK, Document, TextMatch, engine
from search.query import Words, normalise

PAGE_SIZE = 20
PAGES = 3  # past the 60th result, a narrower query serves a reader better
SHOWN = PAGE_SIZE * PAGES
KIND_LABELS = {"term": "Term", "faq": "FAQ", "lesson": "Lesson", "calculator": "Calculator"}


@dataclass(frozen=True)
class Hit:
    kind: str
    pk: int | str  # a row's id, or a calculator's slug
    title: str
    url: str
    snippet_html: SafeString | None  # escaped, the words in <mark>; None: not looked up yet
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
    searched: str = ""  # the words the snippets mark (the corrected ones, if corrected)
    kind: str = ""  # the one kind searched, if one was
    more: bool = False  # as many documents had the words as a search ranks: maybe more do
    total: int | None = None  # with `more`: every result, once result_count() counted them
    key: str = ""  # where the cache keeps these results ("" when it keeps none)


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
        # As typed (spaces aside): the exact check reads "dibi-pozi" and "dibi pozi" apart.
        typed = " ".join(raw.split()).lower()
        digest = hashlib.sha256(f"{typed}\n{kind}".encode()).hexdigest()
        key = f"search:{version}:{digest}"
        found = cache.get(key)
        if isinstance(found, Results):
            return found
    results = _search(raw, words, kind)
    if key is not None:
        results = replace(results, key=key)
        cache.set(key, results, settings.SEARCH_CACHE_SECONDS)
    return results


def page_hits(results: Results, first: int, last: int) -> list[Hit]:
    """hits[first:last], each with its snippet: a page's snippets are looked up when the page
    is first shown (one query), and kept with the results from then on."""
    hits = results.hits[first:last]
    missing = [(hit.kind, int(hit.pk)) for hit in hits if hit.snippet_html is None]
    if not missing:
        return hits
    searched = Words.parse(results.searched, prefix=not results.corrected)
    snippets = engine().snippets(searched, missing)
    for index in range(first, min(last, len(results.hits))):
        hit = results.hits[index]
        if hit.snippet_html is None:
            found = snippets.get((hit.kind, int(hit.pk)))
            results.hits[index] = replace(
                hit, snippet_html=marked(found) if found else marked(hit.summary)
            )
    if results.key:
        cache.set(results.key, results, settings.SEARCH_CACHE_SECONDS)
    return results.hits[first:last]


def _search(raw: str, words: Words, kind: str) -> Results:
    searcher = engine()
    scored = _exact(searcher, raw, words)
    # A name typed right is no misspelling of another: near names only without an exact one.
    names = [] if scored else searcher.name_candidates(words)
    text = [] if words.stop_words_only else searcher.text_matches(words, every=True, kind=kind)
    # Which of them a reader may see, and what the page shows of each: one query.
    documents = searcher.documents(
        [(item.kind, item.pk) for item in scored if isinstance(item.pk, int)]
        + [(kind_, pk) for kind_, pk, _ in names]
        + [(match.kind, match.pk) for match in text]
    )
    names = [name for name in names if name[:2] in documents]  # drafts' names never show
    scored += _near(words, names)
    scored += _calculators(words)
    text = _visible(searcher, text, documents)
    used, corrected = words, ""
    if not text and not words.stop_words_only:
        fixed = _corrected(searcher, words)
        if fixed is not None:
            text = _visible(
                searcher, searcher.text_matches(fixed, every=True, kind=kind), documents
            )
            if text:
                used, corrected = fixed, fixed.text
    relaxed = False
    if not scored and not text and len(words.words) > 1 and not words.stop_words_only:
        text = _visible(searcher, searcher.text_matches(words, every=False, kind=kind), documents)
        relaxed = bool(text)
    scored += _text(text, used)
    ranked = [item for item in ranking.best_of(scored) if not kind or item.kind == kind]
    hits = _load(ranked, used, documents)
    return Results(
        query=words.text,
        hits=hits[:SHOWN],
        count=len(hits),
        more=len(text) == TEXT_LIMIT,
        relaxed=relaxed,
        corrected=corrected,
        suggestion="" if hits else _suggestion(words, names),
        searched=used.text,
        kind=kind,
    )


def _visible(searcher, matches: list[TextMatch], documents: dict) -> list[TextMatch]:
    """The matches a reader may see (the first TEXT_LIMIT), `documents` filled with them."""
    documents.update(
        searcher.documents([(m.kind, m.pk) for m in matches if (m.kind, m.pk) not in documents])
    )
    return [m for m in matches if (m.kind, m.pk) in documents][:TEXT_LIMIT]


def result_count(results: Results) -> int:
    """How many results there are: those ranked, and when TEXT_LIMIT documents had the words,
    every published one that does (counted once, when first asked, and kept)."""
    if not results.more:
        return results.count
    if results.total is not None:
        return results.total
    words = Words.parse(results.searched, prefix=not results.corrected)
    matching = engine().text_count(words, every=not results.relaxed, kind=results.kind)
    total = results.count - TEXT_LIMIT + matching
    if results.key:
        cache.set(results.key, replace(results, total=total), settings.SEARCH_CACHE_SECONDS)
    return total


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
    # Not as a prefix: "bono" must not stand for the "bonoka" a document has, when only a
    # draft has "bono".
    return None if fixed == list(words.words) else Words.parse(" ".join(fixed), prefix=False)


def _exact(searcher, raw: str, words: Words) -> list[ranking.Scored]:
    typed = " ".join(raw.split()).lower()
    forms = sorted(
        {
            form
            for name in (typed, words.text)
            for form in (name, f"{name}s", name.removesuffix("s"))
        }
        - {""}
    )
    found = [ranking.exact(kind, pk) for kind, pk in searcher.exact(forms, make_slug(typed))]
    found += [
        ranking.exact("calculator", calculator.slug)
        for calculator in CALCULATORS.values()
        if ranking.same_name(normalise(calculator.title), words.text)
    ]
    return found


def _near(words: Words, candidates: list[tuple[str, int, str]]) -> list[ranking.Scored]:
    found = []
    calculators: list[tuple[str, int | str, str]] = [
        ("calculator", c.slug, c.title) for c in CALCULATORS.values()
    ]
    for kind, pk, names in [*candidates, *calculators]:
        if ranking.name_match(words, names):
            continue  # its names have the query's words: a text match, not a misspelling
        ratio = ranking.name_ratio(words.text, names)
        if ratio >= ranking.SIMILAR:
            found.append(ranking.near(kind, pk, ratio))
    return found


def _calculators(words: Words) -> list[ranking.Scored]:
    found = []
    for calculator in CALCULATORS.values():
        text = f"{calculator.title} {calculator.summary}"
        if ranking.name_match(words, text):
            named = ranking.name_match(words, calculator.title)
            found.append(ranking.text("calculator", calculator.slug, 1.0, 1.0, named=named))
    return found


def _text(matches: list[TextMatch], words: Words) -> list[ranking.Scored]:
    if not matches:
        return []
    best = max(match.rank for match in matches)
    return [
        ranking.text(
            match.kind,
            match.pk,
            match.rank,
            best,
            named=ranking.name_match(words, match.names),
        )
        for match in matches
    ]


def _load(ranked: list[ranking.Scored], words: Words, documents: dict) -> list[Hit]:
    """The hits as the page shows them, in order; documents that vanished are left out."""
    shown = [item for item in ranked if item.pk in CALCULATORS or (item.kind, item.pk) in documents]
    hits = [_hit(item, documents.get((item.kind, item.pk)), words) for item in shown]
    hits.sort(key=lambda hit: (-hit.score, hit.title.lower()))
    return hits


def _hit(item: ranking.Scored, document: Document | None, words: Words) -> Hit:
    """A hit as the page shows it; a document's snippet is looked up with its page's."""
    if document is None:  # a calculator
        calculator = CALCULATORS[str(item.pk)]
        url = reverse("calculators:detail", kwargs={"slug": calculator.slug})
        summary = calculator.summary
        return Hit(
            "calculator", calculator.slug, calculator.title, url, mark_words(summary, words),
            item.score, item.near, summary=summary,
        )  # fmt: skip
    if item.kind == "term":
        url = term_url(document.slug)
        return Hit("term", item.pk, document.title, url, None, item.score, item.near,
                   slug=document.slug, summary=document.summary)  # fmt: skip
    if item.kind == "faq":
        url = f"{term_url(document.parent)}#{faq_anchor(document.slug)}"
        return Hit("faq", item.pk, document.title, url, None, item.score, item.near)
    url = reverse("learning:lesson", kwargs={"guide": document.parent, "lesson": document.slug})
    return Hit("lesson", item.pk, document.title, url, None, item.score, item.near,
               summary=document.summary)  # fmt: skip


def _suggestion(words: Words, names: list[tuple[str, int, str]]) -> str:
    """The published name nearest the query, for a "did you mean" when nothing matched."""
    best, name = 0.0, ""
    for _, _, found in names:
        for part in found.split(" | "):
            ratio = ranking.name_ratio(words.text, part)
            if ratio > best:
                best, name = ratio, part
    return name if best >= ranking.SUGGEST else ""
