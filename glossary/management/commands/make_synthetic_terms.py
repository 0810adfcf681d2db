"""Fill the glossary with N made-up terms, to measure the site at a size it has not reached yet.

Every synthetic term is published and has the parts a real one has: a definition, three
Markdown sections, two aliases, three FAQs, topics and four relations to other synthetic
terms. Their text is made-up filler with the field's words mixed in at a low rate, so
full-text search finds a few per cent of them for a field word, as in a real glossary. Their
slugs start with "synthetic-", and `--delete` removes them all again; nothing else is touched.

    manage.py make_synthetic_terms 10000 [--seed 1] [--delete]

Rows are written in batches with bulk_create, the Markdown rendered by the same pipeline a
saved term goes through; one ordinary save at the end tells the page cache.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from content.rendering import plain_text, render_markdown
from glossary.models import FAQ, Alias, Relation, Status, Term, Topic

PREFIX = "synthetic-"
BATCH = 500
# Field words, each a small share of the text, as in a real glossary where a query such as
# "quantisation" is in a few per cent of the terms, not all of them.
_FIELD_WORDS = """
    parameters weights biases activations gradients optimizer tokens context window layers
    attention heads embedding vocabulary precision memory bandwidth throughput latency batch
    quantization quantisation inference training compute accelerator tensor matrix cache
    sequence length model architecture transformer decoder encoder checkpoint fine-tuning
    adapter distillation sparsity mixture experts routing benchmark evaluation dataset loss
    learning rate schedule warmup regularisation dropout normalisation residual projection
"""
_ADJECTIVES = """
    adaptive blocked grouped rotary sliding sparse dense fused paged streamed sharded
    mixed stochastic gated shared local global cached tiled staged
"""
_NOUNS = """
    attention cache kernel schedule buffer projection router quantizer optimizer sampler
    tokenizer embedding adapter checkpoint pipeline scheduler allocator estimator
"""
FIELD_WORDS, ADJECTIVES, NOUNS = _FIELD_WORDS.split(), _ADJECTIVES.split(), _NOUNS.split()
FIELD_SHARE = 0.015
# The rest is filler: 3,000 made-up words used with Zipf's law's skew, like real prose.
# fmt: off
_SYLLABLES = ("ka", "to", "ri", "men", "sol", "var", "nu", "pe", "lin", "dra", "quo", "ost",
              "el", "bar", "tis", "gon", "fe", "mu", "rad", "sen")
# fmt: on
_filler_rng = random.Random(0)  # noqa: S311 - made-up text, not secrets
FILLER = sorted(
    {"".join(_filler_rng.choices(_SYLLABLES, k=_filler_rng.randint(2, 4))) for _ in range(3600)}
)[:3000]
_FILLER_WEIGHTS = list(itertools.accumulate(1 / rank for rank in range(1, len(FILLER) + 1)))


def _sentence(rng: random.Random, n: int = 14) -> str:
    words = rng.choices(FILLER, cum_weights=_FILLER_WEIGHTS, k=n)
    for position in range(n):
        if rng.random() < FIELD_SHARE:
            words[position] = rng.choice(FIELD_WORDS)
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraphs(rng: random.Random, count: int, sentences: int) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(sentences)) for _ in range(count))


def _render(text: str) -> str:
    return render_markdown(text, {}).html


class Command(BaseCommand):
    help = "Add N synthetic published terms (with FAQs, aliases, relations) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, nargs="?", default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--delete", action="store_true", help="remove every synthetic term")

    def handle(self, *args: Any, count: int, seed: int, delete: bool, **options: Any) -> None:
        if delete:
            removed, _ = Term.objects.filter(slug__startswith=PREFIX).delete()
            self.stdout.write(f"Removed {removed} synthetic rows.")
            return
        if not 1 <= count <= 100_000:
            raise CommandError("Give a count between 1 and 100000.")
        start = Term.objects.filter(slug__startswith=PREFIX).count()
        rng = random.Random(f"{seed}:{start}")  # noqa: S311 - made-up text, not secrets
        topics = list(Topic.objects.all())
        with transaction.atomic():
            for first in range(start, start + count, BATCH):
                numbers = range(first, min(first + BATCH, start + count))
                self._batch(rng, numbers, topics)
        # bulk_create sends no post_save; one real save does, so cached pages are dropped.
        Term.objects.filter(slug__startswith=PREFIX).latest("pk").save(update_fields=["updated"])
        self.stdout.write(
            self.style.SUCCESS(f"Added {count} synthetic terms ({start + count} in all).")
        )

    def _batch(self, rng: random.Random, numbers: range, topics: list[Topic]) -> None:
        now = timezone.now()
        terms = []
        for number in numbers:
            name = f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} {number + 1:05d}"
            body = "## How it works\n\n" + _paragraphs(rng, 4, 4)
            business = _paragraphs(rng, 2, 3)
            example = _paragraphs(rng, 1, 4)
            rendered = {
                key: render_markdown(text, {})
                for key, text in (("body", body), ("business", business), ("example", example))
            }
            alias_names = [f"{name} alias", f"ST{number + 1:05d}"]
            definition = _sentence(rng, 16)[:190]
            names = " | ".join([name, *alias_names])
            terms.append(
                Term(
                    name=name,
                    slug=f"{PREFIX}{number + 1:05d}",
                    short_definition=definition,
                    body=body,
                    business_context=business,
                    example=example,
                    body_html=rendered["body"].html,
                    body_toc_html=rendered["body"].toc_html,
                    business_context_html=rendered["business"].html,
                    example_html=rendered["example"].html,
                    search_names=names,
                    search_document=" ".join(
                        [names, definition, *(plain_text(r.html) for r in rendered.values())]
                    ),
                    status=Status.PUBLISHED,
                    published_at=now,
                    last_reviewed=now.date(),
                )
            )
        created = Term.objects.bulk_create(terms)
        aliases: list[Alias] = []
        faqs: list[FAQ] = []
        relations: list[Relation] = []
        # Relations join synthetic terms to each other only: the real terms' pages keep the
        # content they have, so measuring them at 10,000 terms measures the size of the
        # tables, not pages that have grown longer.
        pool = list(Term.objects.filter(slug__startswith=PREFIX).values_list("pk", flat=True))
        for term in created:
            aliases += [
                Alias(term=term, name=f"{term.name} alias", slug=f"{term.slug}-alias", order=0),
                Alias(
                    term=term,
                    name=f"ST{term.slug.removeprefix(PREFIX)}",
                    slug=f"st-{term.slug.removeprefix(PREFIX)}",
                    kind=Alias.Kind.ABBREVIATION,
                    order=1,
                ),
            ]
            for order in range(3):
                question = f"How does {term.name.lower()} affect {rng.choice(FIELD_WORDS)}?"
                answer = _paragraphs(rng, 1, 3)
                faqs.append(
                    FAQ(
                        term=term,
                        question=question,
                        slug=f"question-{order + 1}",
                        answer=answer,
                        answer_html=_render(answer),
                        search_document=f"{question} {answer}",
                        order=order,
                    )
                )
            for target in rng.sample(pool, k=min(4, len(pool))):
                if target != term.pk:
                    kind = rng.choice(list(Relation.Kind))
                    relations.append(Relation(source=term, target_id=target, kind=kind))
        Alias.objects.bulk_create(aliases)
        FAQ.objects.bulk_create(faqs)
        Relation.objects.bulk_create(relations, ignore_conflicts=True)
        if topics:
            through = Term.topics.through
            through.objects.bulk_create(
                [through(term_id=term.pk, topic_id=rng.choice(topics).pk) for term in created]
            )
