"""Search against a plain reading of its ranking rules (search/ranking.py), on both engines.

For seeded random glossaries of made-up words (terms with aliases and FAQs, guides with
lessons; some terms, guides and lessons drafts), each answer of `site_search` is checked
against a reference that reads every document in Python. The two steps the engines take
through an index of candidates are checked as bounds; what follows is checked given their
outcome:

- **exact** hits are the rules' own, with their scores;
- **near** hits are names within SIMILAR of the query, with the rules' scores (so in their
  order). Both engines look for them through trigrams, which can miss a misspelling that keeps
  few three-letter pieces of a short name ("paanma" for "panama"): so every near name a trigram
  index can see (half the pieces in common) is found, and no other hit is marked near;
- a **correction** happens only when no document has every word, and changes only words no
  document has (drafts count), of CORRECT_FROM letters or more, each to a word a document has
  within SIMILAR of it, shown only if a published document has it or (the last word) begins
  with it. Which word each engine picks (SQLite among words of the same first letter,
  PostgreSQL among the words of the documents nearest by pg_trgm) is not compared;
- the **text** tier holds only documents with every word of the query (as corrected; the last
  word also as a prefix) or, `relaxed` exactly when the rules say so, any of them; and it holds
  every document whose names hold every word. Tiers come in order, and in the text tier names
  that hold every word come before names that hold none;
- no draft shows: a draft term, an FAQ of one, a lesson of a draft guide, a draft lesson.

Why the text tier is bounded, not compared as a set: matches ranked below KEEP_SHARE of the
best are dropped, and bm25 (SQLite) and ts_rank (PostgreSQL) rank a passing mention very
differently. Names that hold every word survive any reasonable rank: they weigh ten times the
body in bm25, whose term frequency saturates (nothing outranks them threefold), and weigh A in
ts_rank, whose AND rank is at most 1 and near 1 for words a few places apart in a name. Not
so when ts_rank adds up the lexemes a prefix matches: for a one-word query whose word begins
two words of one document, only ⊆ is asserted. The order within the tier is not compared.

The made-up words are consonant-vowel syllables of b d k m n p r z and a i o: without "s",
"e", "y", "t", "l", "c", "g" or "u", neither porter (SQLite) nor Snowball (PostgreSQL) changes
them or their misspellings, and none is a stop word. Glossaries stay under the engines' limits
(TEXT_LIMIT documents, NAME_LIMIT names); SHOWN is raised so that every hit is compared, and
the cache is emptied before each query, so that each answer is the engine's own.
"""

from __future__ import annotations

import difflib
import math
import random
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from factories import make_alias, make_faq, make_guide, make_lesson, make_term

from calculators.definitions import CALCULATORS
from glossary.models import Status
from glossary.slugs import make_slug
from search import selectors
from search.query import PREFIX_FROM, STOP_WORDS, Words, normalise
from search.ranking import CORRECT_FROM, EXACT, KIND_WEIGHT, NEAR, SIMILAR
from search.selectors import site_search

pytestmark = pytest.mark.django_db

CONSONANTS, VOWELS = "bdkmnprz", "aio"
SYLLABLES = [c + v for c in CONSONANTS for v in VOWELS]
SEEDS = 30

Key = tuple[str, str]  # (kind, title): titles are unique within a kind here


@dataclass(frozen=True)
class Document:
    kind: str  # term, faq, lesson
    title: str
    names: tuple[str, ...]  # a term's name and aliases, an FAQ's question, a lesson's title
    text: str  # every word a reader sees, names included
    published: bool
    slug: str = ""
    tokens: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", frozenset(normalise(self.text).split()))

    @property
    def key(self) -> Key:
        return (self.kind, self.title)


# The glossary -------------------------------------------------------------------------------


class Vocabulary:
    """Made-up words: a few common ones, shared by many documents, and fresh ones."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.common = [self.fresh() for _ in range(30)]

    def fresh(self, syllables: int = 0) -> str:
        while True:
            count = syllables or self.rng.choice([1, 2, 2, 3, 3, 3])
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(count))
            if word not in self.taken and word not in STOP_WORDS:
                self.taken.add(word)
                return word

    def word(self) -> str:
        return self.rng.choice(self.common) if self.rng.random() < 0.75 else self.fresh()

    def words(self, fewest: int, most: int) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(fewest, most)))

    def sentence(self, fewest: int, most: int) -> str:
        return self.words(fewest, most).capitalize() + "."

    def unique(self, taken: set[str], fewest: int, most: int) -> str:
        while True:
            name = self.words(fewest, most)
            if self.rng.random() < 0.5:
                name = name.capitalize()
            if name.lower() not in taken:
                taken.add(name.lower())
                return name

    def body(self) -> str:
        return (
            f"## {self.words(1, 3).capitalize()}\n\n{self.sentence(6, 20)} "
            f"{self.sentence(3, 10)}\n\n{self.sentence(4, 15)}"
        )


def build_glossary(rng: random.Random, vocabulary: Vocabulary) -> list[Document]:
    """Saves a random glossary through the factories; returns what a reader could read of it."""
    documents = []
    names: set[str] = set()  # terms' names and aliases, one namespace
    questions: set[str] = set()
    titles: set[str] = set()
    for _ in range(rng.randint(8, 20)):
        published = rng.random() > 0.2
        name = vocabulary.unique(names, 1, 2)
        aliases = [vocabulary.unique(names, 1, 2) for _ in range(rng.choice([0, 0, 1, 2]))]
        fields = {
            "short_definition": vocabulary.sentence(4, 10),
            "body": vocabulary.body(),
            "business_context": vocabulary.sentence(3, 8),
            "example": vocabulary.sentence(3, 8),
        }
        term = make_term(
            name=name,
            slug=make_slug(name),
            status=Status.PUBLISHED if published else Status.DRAFT,
            **fields,
        )
        for alias in aliases:
            make_alias(term, alias)
        documents.append(
            Document(
                "term",
                name,
                (name, *aliases),
                " ".join([name, *aliases, *fields.values()]),
                published,
                slug=term.slug,
            )
        )
        for order in range(rng.randint(0, 3)):
            question = vocabulary.unique(questions, 2, 5).capitalize() + "?"
            answer = vocabulary.sentence(4, 20)
            make_faq(term, question=question, answer=answer, order=order)
            documents.append(
                Document("faq", question, (question,), f"{question} {answer}", published)
            )
    for _ in range(rng.randint(1, 2)):
        guide_published = rng.random() > 0.25
        guide = make_guide(status=Status.PUBLISHED if guide_published else Status.DRAFT)
        for _ in range(rng.randint(2, 4)):
            published = rng.random() > 0.2
            title = vocabulary.unique(titles, 1, 3).capitalize()
            summary, body = vocabulary.sentence(3, 8), vocabulary.body()
            make_lesson(
                guide,
                title=title,
                summary=summary,
                body=body,
                status=Status.PUBLISHED if published else Status.DRAFT,
            )
            documents.append(
                Document(
                    "lesson",
                    title,
                    (title,),
                    f"{title} {summary} {body}",
                    published and guide_published,
                )
            )
    return documents


def typo(rng: random.Random, word: str) -> str:
    """One letter dropped, swapped with the next or changed for another vowel or consonant."""
    if len(word) < 2:
        return word
    at = rng.randrange(len(word))
    how = rng.choice(["drop", "swap", "change"])
    if how == "drop":
        return word[:at] + word[at + 1 :]
    if how == "swap" and at < len(word) - 1:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    letters = VOWELS if word[at] in VOWELS else CONSONANTS
    return word[:at] + rng.choice(letters.replace(word[at], "")) + word[at + 1 :]


def queries(rng: random.Random, documents: list[Document], vocabulary: Vocabulary) -> list[str]:
    shown = [d for d in documents if d.published]
    named = [d for d in documents if d.kind in ("term", "lesson")]
    seen = set().union(*(d.tokens for d in shown))
    drafts_only = sorted(set().union(*(d.tokens for d in documents)) - seen)
    found: list[str] = []
    for document in rng.sample(named, min(8, len(named))):
        name = rng.choice(document.names)
        words = name.split()
        at = rng.randrange(len(words))
        words[at] = typo(rng, words[at])
        found += [name, name.lower(), name.upper(), name.replace(" ", "-"), " ".join(words)]
    for document in rng.sample(documents, min(12, len(documents))):
        words = normalise(document.text).split()
        one = rng.choice(words)
        at = rng.randrange(len(words))
        found += [one, typo(rng, one), " ".join(words[at : at + 2])]
        if len(one) > 3:
            found.append(one[: rng.randint(3, len(one) - 1)])  # a prefix
        found.append(f"{rng.choice(words)} {typo(rng, rng.choice(words))}")
    for _ in range(5):
        first, second = rng.sample(sorted(seen), 2)
        found += [f"{first} {second}", f"{first} {vocabulary.fresh(3)}"]
    found += [vocabulary.fresh(3) for _ in range(3)]
    for word in rng.sample(drafts_only, min(4, len(drafts_only))):
        found += [word, f"{word} {rng.choice(sorted(seen))}", typo(rng, word)]
    return list(dict.fromkeys(q for q in found if normalise(q)))


# The reference: the rules, read plainly -----------------------------------------------------


def has_words(tokens: frozenset[str] | list[str], words: Words, *, every: bool) -> bool:
    """Every (or any) word among the tokens, the last one also as the start of a token."""
    last = len(words.words) - 1

    def has(at: int, word: str) -> bool:
        if at == last and words.prefix_last:
            return any(token.startswith(word) for token in tokens)
        return word in tokens

    found = [has(at, word) for at, word in enumerate(words.words)]
    return all(found) if every else any(found)


def same_word(a: str, b: str) -> bool:
    """One word, or one the plural of the other ("i" and "is" too: calculators' summaries are
    English)."""
    return a == b or b in (a + "s", a + "es") or a in (b + "s", b + "es")


def names_hold(words: Words, names: tuple[str, ...]) -> float:
    """1 when every word is a word of the names, ½ when the last only begins one."""
    tokens = normalise(" ".join(names)).split()
    *whole, last = words.words
    if not all(any(same_word(word, token) for token in tokens) for word in whole):
        return 0.0
    if any(same_word(last, token) for token in tokens):
        return 1.0
    return 0.5 if words.prefix_last and any(t.startswith(last) for t in tokens) else 0.0


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def padded_pieces(text: str) -> set[str]:
    """Three-letter pieces as pg_trgm cuts them: each word with two spaces before, one after."""
    return {f"  {w} "[i : i + 3] for w in text.split() for i in range(len(w) + 1)}


def trigram_visible(query: str, name: str) -> bool:
    """Whether a trigram index can see that `name` is near the query: at least half of their
    pieces in common (so pg_trgm's word similarity is at least ½), one of them a piece of the
    text itself (so an FTS5 trigram query shares one)."""
    a, b = padded_pieces(query), padded_pieces(name)
    inner = {query[i : i + 3] for i in range(len(query) - 2)}
    return len(a & b) >= len(a | b) / 2 and any(piece in name for piece in inner)


def published(documents: list[Document]) -> list[Document]:
    return [d for d in documents if d.published]


def vocabulary_of(documents: list[Document]) -> set[str]:
    return set().union(*(d.tokens for d in documents))


def having(words: Words, documents: list[Document], *, every: bool) -> set[Key]:
    return {d.key for d in published(documents) if has_words(d.tokens, words, every=every)}


def exact_matches(raw: str, documents: list[Document]) -> dict[Key, float]:
    """Rule 1: the query as typed, or its words alone (no hyphens), is a term's name or alias
    (or its address), a lesson's title, or a calculator's title, whatever the case and the
    plural."""
    typed = " ".join(raw.split())
    forms = {
        form.lower()
        for name in (typed, normalise(raw))
        for form in (name, name + "s", name.removesuffix("s"))
        if form
    }
    found = {}
    for d in published(documents):
        if d.kind == "term" and (
            d.slug == make_slug(typed) or any(n.lower() in forms for n in d.names)
        ):
            found[d.key] = EXACT + KIND_WEIGHT["term"]
        elif d.kind == "lesson" and d.title.lower() in forms:
            found[d.key] = EXACT + KIND_WEIGHT["lesson"]
    text = normalise(raw)
    for calculator in CALCULATORS.values():
        if normalise(calculator.title).removesuffix("s") == text.removesuffix("s"):
            found[("calculator", calculator.title)] = EXACT + KIND_WEIGHT["calculator"]
    return found


def near_matches(raw: str, documents: list[Document]) -> tuple[dict[Key, float], set[Key]]:
    """Rule 2, when nothing is exact: names within SIMILAR of the query (names that hold the
    query's words are text matches instead), with their scores; and those of them a trigram
    index can see."""
    words = Words.parse(raw)
    exact = exact_matches(raw, documents)
    if exact:  # a name typed right is no misspelling of another
        return {}, set()
    named = [(d.key, d.names) for d in published(documents) if d.kind in ("term", "lesson")]
    named += [(("calculator", c.title), (c.title,)) for c in CALCULATORS.values()]
    near, visible = {}, set()
    for key, names in named:
        if key in exact or names_hold(words, names):
            continue
        ratios = {normalise(name): ratio(words.text, normalise(name)) for name in names}
        best = max(ratios.values())
        if best >= SIMILAR:
            near[key] = NEAR + 100 * best + KIND_WEIGHT[key[0]]
            if any(r >= SIMILAR and trigram_visible(words.text, n) for n, r in ratios.items()):
                visible.add(key)
    return near, visible


def calculator_matches(raw: str) -> dict[Key, float]:
    """Rule 3 for calculators: every word of the query (as typed) in the title or summary;
    how much of it the title holds."""
    words = Words.parse(raw)
    return {
        ("calculator", c.title): names_hold(words, (c.title,))
        for c in CALCULATORS.values()
        if names_hold(words, (c.title, c.summary))
    }


def correction_problems(raw: str, corrected: str, documents: list[Document]) -> list[str]:
    """Rule 5, as far as both engines keep it (see the module's docstring): only when no
    document has every word; each changed word one that no document has (drafts count), of
    CORRECT_FROM letters or more, replaced by a word a document has, at least SIMILAR to it,
    and shown only if a published document has it (or, the last word, begins with it)."""
    if not corrected:
        return []
    words, problems = Words.parse(raw), []
    if having(words, documents, every=True):
        problems.append("corrected although a document has every word")
    every, shown = vocabulary_of(documents), vocabulary_of(published(documents))
    pairs = list(zip(words.words, corrected.split(), strict=True))
    for at, (typed, fixed) in enumerate(pairs):
        if typed == fixed:
            continue
        if len(typed) < CORRECT_FROM or typed in every:
            problems.append(f"{typed!r} corrected although short or known")
        if fixed not in every or ratio(typed, fixed) < SIMILAR:
            problems.append(f"{typed!r} corrected to {fixed!r}, not a near word of a document")
        prefix = at == len(pairs) - 1 and len(fixed) >= PREFIX_FROM
        if fixed not in shown and not (prefix and any(t.startswith(fixed) for t in shown)):
            problems.append(f"{fixed!r}: a correction only drafts have")
    return problems


@dataclass
class TextTier:
    allowed: set[Key]  # what the rules let into the text tier
    kept: set[Key]  # what every reasonable rank keeps of it
    named: dict[Key, float]  # 1, ½ or 0: how much of the query its names hold
    relaxed: bool


def text_tier(raw: str, documents: list[Document], *, near: set[Key], corrected: str) -> TextTier:
    """Rules 3 and 4, given what the engine found near and how it corrected the query (both
    checked against the rules on their own): the documents with every word of the query (as
    corrected), or, when nothing else is found, with any word of it."""
    words = Words.parse(raw)
    used = Words.parse(corrected, prefix=False) if corrected else words
    calculators = calculator_matches(raw)
    found = having(used, documents, every=True)
    exact = exact_matches(raw, documents)
    relaxed = False
    if not (exact or near or calculators or found) and len(words.words) > 1:
        found = having(words, documents, every=False)
        relaxed = bool(found)
    names = {d.key: d.names for d in documents}
    named = {key: names_hold(used, names[key]) for key in found} | calculators
    allowed = (found | set(calculators)) - set(exact) - near
    kept = set(calculators) - set(exact) - near
    if not relaxed and ranks_are_comparable(used, documents):
        kept |= {key for key in allowed if named[key] == 1.0}
    return TextTier(allowed, kept, named, relaxed)


def ranks_are_comparable(words: Words, documents: list[Document]) -> bool:
    """False for a one-word prefix query whose word begins two words or more of one document:
    ts_rank adds up each lexeme the prefix matches (see the module's docstring)."""
    if len(words.words) > 1 or not words.prefix_last:
        return True
    word = words.words[0]
    return all(sum(t.startswith(word) for t in d.tokens) < 2 for d in published(documents))


# The test -----------------------------------------------------------------------------------


def problems(raw: str, documents: list[Document]) -> list[str]:
    """How the engine's answer to `raw` departs from the rules (nothing, when it keeps them)."""
    cache.clear()  # each query answered afresh, whatever was asked before it
    results = site_search(raw)
    hits = results.hits
    found = [(hit.kind, hit.title) for hit in hits]
    exact = {key: hit.score for key, hit in zip(found, hits, strict=True) if hit.score >= EXACT}
    near = {key: hit.score for key, hit in zip(found, hits, strict=True) if hit.near}
    text = set(found) - set(exact) - set(near)
    wrong = []
    if results.count != len(hits) or len(set(found)) != len(found):
        wrong.append("hits missing or repeated")
    if drafts := {d.key for d in documents if not d.published} & set(found):
        wrong.append(f"drafts found: {drafts}")
    if exact != exact_matches(raw, documents):
        wrong.append(f"exact {exact}, the rules say {exact_matches(raw, documents)}")
    rules_near, visible = near_matches(raw, documents)
    if any(not math.isclose(score, rules_near.get(key, 0)) for key, score in near.items()):
        wrong.append(f"near {near}, the rules say {rules_near}")
    if missed := visible - set(near):
        wrong.append(f"near names missed: {missed}")
    wrong += correction_problems(raw, results.corrected, documents)
    rules = text_tier(raw, documents, near=set(near), corrected=results.corrected)
    if results.relaxed != rules.relaxed:
        wrong.append(f"relaxed is {results.relaxed}")
    if extra := text - rules.allowed:
        wrong.append(f"text matches the rules do not allow: {extra}")
    if missed := rules.kept - text:
        wrong.append(f"text matches whose names hold every word, missed: {missed}")
    tiers = [0 if key in exact else 1 if key in near else 2 for key in found]
    named = [rules.named.get(key) for key in found if key in text]
    if tiers != sorted(tiers) or any(a == 0 and 1 in named[i:] for i, a in enumerate(named)):
        wrong.append("out of order")
    if hits and results.suggestion:
        wrong.append("a suggestion beside results")
    return [f"{raw!r}: {problem}" for problem in wrong]


@pytest.mark.parametrize("seed", range(SEEDS))
def test_search_answers_as_reading_every_document_does(seed, monkeypatch):
    monkeypatch.setattr(selectors, "SHOWN", 1000)  # every hit, to compare with the rules
    rng = random.Random(seed)
    vocabulary = Vocabulary(rng)
    documents = build_glossary(rng, vocabulary)
    asked = queries(rng, documents, vocabulary)
    wrong = [problem for raw in asked for problem in problems(raw, documents)]
    assert not wrong, "\n".join(wrong)
