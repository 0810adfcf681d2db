"""The ranking rules, written once for both engines.

A result's score, highest first (ties by title):

1. **exact**: the query is a term's name or alias, a lesson's or a calculator's title (or
   its plural, or its singular): EXACT, plus the kind's weight;
2. **near**, only when nothing is exact: a name or title is a likely misspelling of the query
   (difflib's ratio of the two at least SIMILAR, and the name lacks some word of the query):
   NEAR + 100 × that ratio, plus the kind's weight; shown as the closest match;
3. **text**: the document has every word of the query (stemmed; the last word also as a
   prefix): TEXT + 50 × its engine rank over the best rank in this answer, + NAMED when every
   word is a word of its names (a term's name and aliases, an FAQ's question, a title; plurals
   count as the word), half that when the last word only begins one, plus the kind's weight;
4. when no document has every word, each word of at least CORRECT_FROM letters that no
   document has is replaced by a near word one has (ratio at least SIMILAR, among the words
   the engine offers: the same first letter on SQLite, the words of the first documents
   pg_trgm finds on PostgreSQL), and 3 is tried with those words (the last one not as a
   prefix); the page says it searched that instead;
5. only when nothing above is found: the same as 3 for documents with **any** of the words,
   and the page says the search was relaxed.

A document found more than one way keeps its best score.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from search.query import Words, normalise

EXACT, NEAR, TEXT, NAMED = 1000, 500, 100, 100
SIMILAR = 0.75  # difflib ratio from which a name counts as a likely misspelling of the query
SUGGEST = 0.6  # the least ratio for a "did you mean"
CORRECT_FROM = 4  # shorter words are left as typed: too many words are near a short one
KIND_WEIGHT = {"term": 30, "calculator": 20, "faq": 10, "lesson": 10}


@dataclass(frozen=True)
class Scored:
    kind: str
    pk: int | str  # a row's id, or a calculator's slug
    score: float
    near: bool = False  # found as the closest match to a misspelt query


def name_ratio(query: str, names: str) -> float:
    """How close the query is to the nearest of a document's names ("Name | Alias | …")."""
    best = 0.0
    for name in names.split(" | "):
        matcher = difflib.SequenceMatcher(None, query, normalise(name))
        if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def _same_word(a: str, b: str) -> bool:
    """One word, whatever its plural: "token" and "tokens", "patch" and "patches"."""
    return a == b or a.removesuffix("s") == b.removesuffix("s") or a.removesuffix("es") == b


def same_name(a: str, b: str) -> bool:
    return a == b or a.removesuffix("s") == b.removesuffix("s")


def name_match(words: Words, names: str) -> float:
    """1 when every word of the query is a word of the names, ½ when the last is only the
    start of one ("quant" of "quantization"), 0 otherwise."""
    tokens = normalise(names).split()
    *whole, last = words.words or ("",)
    if not all(any(_same_word(word, token) for token in tokens) for word in whole):
        return 0.0
    if any(_same_word(last, token) for token in tokens):
        return 1.0
    return 0.5 if words.prefix_last and any(t.startswith(last) for t in tokens) else 0.0


def nearest_word(word: str, vocabulary: Iterable[str]) -> str:
    """The vocabulary's word nearest `word`, if one is near enough to be a misspelling."""
    best, found = SIMILAR, ""
    # The typed word is difflib's second sequence: it is indexed once, not once per candidate.
    matcher = difflib.SequenceMatcher(None, "", word)
    for candidate in vocabulary:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= best and matcher.quick_ratio() >= best:
            ratio = matcher.ratio()
            if ratio > best or (ratio == best and not found):
                best, found = ratio, candidate
    return found


def exact(kind: str, pk: int | str) -> Scored:
    return Scored(kind, pk, EXACT + KIND_WEIGHT[kind])


def near(kind: str, pk: int | str, ratio: float) -> Scored:
    return Scored(kind, pk, NEAR + 100 * ratio + KIND_WEIGHT[kind], near=True)


def text(kind: str, pk: int | str, rank: float, best: float, *, named: float) -> Scored:
    share = rank / best if best > 0 else 1.0
    return Scored(kind, pk, TEXT + 50 * share + NAMED * named + KIND_WEIGHT[kind])


def best_of(found: Iterable[Scored]) -> list[Scored]:
    """One entry per document, its best score; the order of the results page (before ties
    are broken by title, which the caller knows)."""
    kept: dict[tuple[str, int | str], Scored] = {}
    for item in found:
        key = (item.kind, item.pk)
        if key not in kept or item.score > kept[key].score:
            kept[key] = item
    return sorted(kept.values(), key=lambda item: -item.score)
