"""The in-memory search index against a plain reading of its scoring rules.

The index finds and ranks terms through postings, trigrams, byte columns and shortcuts that
skip what cannot make the page. Here every answer is checked against a scorer that simply
reads every term: the same ranking, for made-up glossaries with clashing names, typos,
punctuation, short words and words spread across many terms, with the shortcuts' thresholds
turned down so that each way through them is taken.
"""

from __future__ import annotations

import difflib
import math
import random
import re
from collections import Counter

import pytest
from django.utils.text import slugify

from glossary import search

WORD = re.compile(r"[\w.+-]+")
SYLLABLES = ["ka", "to", "ri", "men", "par", "am", "et", "er", "qu", "an", "ti", "sa", "ion"]
PUNCTUATION = ["", "", "", ".", ",", "-", "+", "?", "#"]


def best_similar_ratio(matcher: difflib.SequenceMatcher, texts: list[str]) -> float:
    """The highest difflib ratio of the matcher's query (its second sequence) with any of texts
    when one reaches search.SIMILAR; below SIMILAR otherwise (then no ratio counts).

    ratio() is only skipped for a text when difflib's own upper bounds on it, real_quick_ratio()
    and then quick_ratio(), are already below SIMILAR: such a text's ratio is below SIMILAR too,
    so the best one that counts is the same as over every text."""
    best = 0.0
    for text in texts:
        matcher.set_seq1(text)
        if matcher.real_quick_ratio() >= search.SIMILAR and matcher.quick_ratio() >= search.SIMILAR:
            best = max(best, matcher.ratio())
    return best


def reference(query: str, rows: list[tuple], limit: int) -> list[tuple[float, int, str]]:
    """The scoring rules of glossary/search.py, applied to every term one by one."""
    entries = sorted(rows, key=lambda row: row[1].lower())
    q = query.lower()
    words = [w for w in WORD.findall(q) if len(w) > 1] or [q]
    # The query is difflib's second sequence throughout: it is indexed once, not once per text.
    matcher = difflib.SequenceMatcher(None, "", q)
    query_slug = slugify(query)
    ranked = []
    for number, (_, name, slug, _, search_names, search_document) in enumerate(entries):
        names = [" ".join(n.split()).lower() for n in search_names.split("|")]
        name_words = {w for n in names for w in n.split()} - set(names)
        document = search_document.lower()
        if q in names or query_slug == slug:
            if name.lower() == q:
                ranked.append((1000.0, number, "name"))
            else:
                ranked.append((900.0, number, "alias"))
            continue
        score, reason = 0.0, "text"
        texts = names + (sorted(name_words) if len(q) >= 4 else [])
        if any(q in n for n in names):
            score = 500.0 if any(n.startswith(q) for n in names) else 400.0
            reason = "name-prefix"
        elif (ratio := best_similar_ratio(matcher, texts)) >= search.SIMILAR:
            score, reason = 200.0 + 100 * ratio, "similar"
        matched = sum(word in document for word in words)
        if matched == len(words):
            score += 50 + min(document.count(words[0]), 20)
        elif score == 0 and matched:
            score = 10.0 * matched / len(words)
        if score > 0:
            ranked.append((score, number, reason))
    ranked.sort(key=lambda hit: (-hit[0], hit[1]))
    return ranked[:limit]


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(1, 4)))


def glossary(rng: random.Random, size: int) -> list[tuple]:
    common = [made_up_word(rng) for _ in range(40)]
    rows, seen = [], set()
    while len(rows) < size:
        name = " ".join(rng.choice(common) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2:
            name = name.capitalize() + f" {rng.randint(1, 99)}"
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        aliases = [f"{name} alias"] if rng.random() < 0.3 else []
        if rng.random() < 0.3:
            aliases.append("".join(word[0] for word in name.split()).upper() + "X")
        words = []
        for _ in range(rng.randint(5, 60)):
            word = rng.choice(common) if rng.random() < 0.7 else made_up_word(rng)
            if rng.random() < 0.1:
                word = word.upper()
            if rng.random() < 0.05:
                word = f"{word}-{rng.choice(common)}"
            words.append(word + rng.choice(PUNCTUATION))
        if rng.random() < 0.1:
            words.append(rng.choice(["c++", "e.g.", "fp16", "é", "8b", "a b", "-x-", "..."]))
        if rng.random() < 0.2:  # a word said often enough that its count is capped at 20
            words += [rng.choice(common) + rng.choice(PUNCTUATION)] * rng.randint(15, 30)
        search_names = " | ".join([name, *aliases])
        document = " ".join([search_names, *words])
        rows.append((len(rows) + 1, name, slugify(name), "", search_names, document))
    return rows


def queries(rng: random.Random, rows: list[tuple]) -> list[str]:
    found = ["a", "an", "ka ka", "x y", "c#", "c++", "e.g.", "?", "-x-", "ion.", ".ion", "é"]
    for _, name, _, _, names, document in rng.sample(rows, min(12, len(rows))):
        words = document.split()
        found += [name, name.lower()[:3], names.split(" | ")[-1], name[1:-1]]
        for _ in range(4):
            word = rng.choice(words)
            found.append(word)
            found.append(word[: rng.randint(1, max(1, len(word)))])
            if len(word) > 3:  # a typo: one letter dropped, or two swapped
                at = rng.randrange(len(word) - 1)
                found.append(word[:at] + word[at + 1 :])
                found.append(word[:at] + word[at + 1] + word[at] + word[at + 2 :])
            start = rng.randrange(len(words))
            found.append(" ".join(words[start : start + rng.randint(2, 3)]))
    return [q for q in dict.fromkeys(search.normalise_query(q) for q in found) if q]


@pytest.mark.parametrize("seed", range(12))
def test_the_index_ranks_as_reading_every_term_does(seed, monkeypatch):
    rng = random.Random(seed)
    if seed % 3 == 1:
        # Small thresholds: the dense ways through (reading the texts, looking at the rest of
        # the names one by one, counting from the texts) are taken as well.
        monkeypatch.setattr(search, "VOCABULARY_WORDS", 3)
        monkeypatch.setattr(search, "CHEAP_POSTINGS", 10)
        monkeypatch.setattr(search, "NAME_FINDS", 2)
    if seed % 3:
        # Words in three texts or more also get dense counts, so those look-ups are taken
        # beside the postings' own for the rarer words (at the defaults, only the 300-term
        # glossaries have words that common).
        monkeypatch.setattr(search, "DENSE_POSTINGS", 3)
    rows = glossary(rng, rng.choice([5, 40, 300]))
    index = search._make_index(list(rows))
    checked = 0
    for query in queries(rng, rows):
        every = reference(query, rows, 61)
        for limit in (1, 8, 21, 61):
            expected = every[:limit]
            found = search._python_hits(query, index, limit)
            assert [(round(s, 9), n, r) for s, n, r in found] == [
                (round(s, 9), n, r) for s, n, r in expected
            ], (query, limit)
            checked += bool(expected)
    assert checked > 50  # (most queries find something: the comparison is not empty)


def test_entries_are_in_alphabetical_order_so_ties_go_to_the_first_name():
    rows = [
        (1, "beta", "beta", "", "beta", "beta shared"),
        (2, "Alpha", "alpha", "", "Alpha", "Alpha shared"),
        (3, "gamma", "gamma", "", "gamma", "gamma shared"),
    ]
    index = search._make_index(list(rows))
    assert [index.rows[n][1] for _, n, _ in search._python_hits("shared", index, 3)] == [
        "Alpha",
        "beta",
        "gamma",
    ]


@pytest.mark.parametrize("dense_from", [1000, 2])
def test_counts_of_a_common_word_rank_its_texts_the_same_from_postings_or_dense_counts(
    dense_from, monkeypatch
):
    # "zeta" is in every text, from once to 25 times; "omega" in one text in five. Ranking
    # "zeta omega" looks up zeta's count for those few in its postings, or (a word that
    # common) in its dense counts: both must give the reading's order, counts capped at 20.
    monkeypatch.setattr(search, "DENSE_POSTINGS", dense_from)
    rows = []
    for number in range(40):
        words = ["zeta"] * (number * 7 % 25 + 1) + (["omega"] if number % 5 == 0 else [])
        name = f"term {number:02d}"
        rows.append((number + 1, name, slugify(name), "", name, " ".join([name, *words])))
    index = search._make_index(list(rows))
    assert bool(index.dense) == (dense_from == 2)
    for query in ("zeta omega", "omega zeta", "zeta"):
        for limit in (1, 3, 8, 41):
            expected = reference(query, rows, limit)
            assert search._python_hits(query, index, limit) == expected, (query, limit)


@pytest.mark.parametrize("seed", range(4))
def test_names_compared_are_exactly_those_sharing_enough_characters(seed):
    # Only names that share enough characters with the query (difflib's quick_ratio bound)
    # are compared with it: no fewer (a match would be lost), and no more (each comparison is
    # paid for, and counted against the work budget).
    rng = random.Random(seed)
    rows = glossary(rng, 300)
    index = search._make_index(list(rows))
    texts = index.names_near.texts
    for query in queries(rng, rows)[:60]:
        query = query.lower()
        size = len(query)
        shortest = math.ceil(size * search.SIMILAR / (2 - search.SIMILAR))
        longest = math.floor(size * (2 - search.SIMILAR) / search.SIMILAR)
        has = Counter(query)
        expected = [
            line
            for line, text in enumerate(texts)
            if shortest <= len(text) <= longest
            and sum((Counter(text) & has).values())
            >= math.ceil(search.SIMILAR * (len(text) + size) / 2)
        ]
        found = search._sharing(index.names_near, has, size, shortest, longest)
        assert found == expected, query
