from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from calculators.plain_text import refuse_control_characters
from content import limits
from content.rendering import (
    MARKDOWN_HELP,
    LinkTarget,
    Rendered,
    linked_slugs,
    plain_text,
    render_markdown,
)
from glossary.relations import Relation
from glossary.slugs import SHORT_DEFINITION_MAX, make_slug, slug_validator, term_url


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=80, unique=True, validators=[slug_validator, refuse_control_characters]
    )
    description = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("glossary:topic", kwargs={"slug": self.slug})


class TermQuerySet(models.QuerySet["Term"]):
    def published(self) -> TermQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def with_page_parts(self) -> TermQuerySet:
        """Everything a term page shows, in a fixed number of queries."""
        return self.prefetch_related(
            "aliases",
            "faqs",
            "resources",
            "topics",
            models.Prefetch(
                "relations_out",
                queryset=Relation.objects.select_related("target").filter(
                    target__status=Status.PUBLISHED
                ),
            ),
            models.Prefetch(
                "relations_in",
                queryset=Relation.objects.select_related("source").filter(
                    source__status=Status.PUBLISHED
                ),
            ),
        )


class LinkFace(NamedTuple):
    """What another page's link to a term shows: its address and its preview, or (for a term
    that is not published) nothing but the link's words."""

    slug: str | None
    name: str | None
    short_definition: str | None
    status: str | None


class Term(models.Model):
    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=120,
        unique=True,
        validators=[slug_validator, refuse_control_characters],
        help_text="The term’s address, /glossary/<slug>/. Changing it keeps the old address "
        "working: it redirects here.",
    )
    short_definition = models.CharField(
        max_length=SHORT_DEFINITION_MAX,
        validators=[refuse_control_characters],
        help_text="Plain text, one or two sentences, under 200 characters. Shown in previews, "
        "search results and link previews.",
    )
    # Markdown's limits are validators, not max_length: a textarea's maxlength would cut a
    # pasted text short without a word, where a validator says what is too long.
    body = models.TextField(
        "in depth",
        blank=True,
        validators=[refuse_control_characters, limits.MarkdownLimits(limits.LONG_MARKDOWN_MAX)],
        help_text=MARKDOWN_HELP,
    )
    business_context = models.TextField(
        blank=True,
        validators=[
            refuse_control_characters,
            limits.MarkdownLimits(limits.SECTION_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
        ],
        help_text=MARKDOWN_HELP,
    )
    example = models.TextField(
        "example use case",
        blank=True,
        validators=[
            refuse_control_characters,
            limits.MarkdownLimits(limits.SECTION_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
        ],
        help_text=MARKDOWN_HELP,
    )
    body_html = models.TextField(blank=True, editable=False)
    body_toc_html = models.TextField(blank=True, editable=False)
    business_context_html = models.TextField(blank=True, editable=False)
    example_html = models.TextField(blank=True, editable=False)
    search_names = models.TextField(blank=True, editable=False)  # name and aliases
    search_document = models.TextField(blank=True, editable=False)  # every word a reader sees
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    checks = models.JSONField(
        default=list,
        blank=True,
        help_text="Worked numbers in the text and the calculator queries that must reproduce "
        "them (see fixtures/README.md, “Worked numbers”); `manage.py check_content` runs them.",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="terms")
    # The terms whose [[links]] this term's page shows (in its text or its FAQ answers), drafts
    # included: when one of them is published, unpublished, renamed or reworded, or deleted,
    # this is how the pages showing it are found (services.pages_rerender_linking_to). Kept by
    # services.term_save and services.term_record_links, never by hand.
    links_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, editable=False, related_name="linked_from"
    )
    last_reviewed = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        permissions = [("publish_term", "Can publish terms")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="term_name_unique_ci"),
        ]

    MARKDOWN_FIELDS = ("body", "business_context", "example")

    # What was loaded from the database (None for a term not yet saved): what other pages'
    # stored HTML showed of this term, so services.term_save can tell a rename or a changed
    # preview from an ordinary edit.
    loaded: LinkFace | None = None

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saves this row alone, its Markdown rendered: pages print the stored HTML. Redirects
        for a new slug and the pages linking here are services.term_save's work. A text the
        pipeline will not render is refused first, as an error on its field: services save
        without full_clean."""
        limits.refuse_fields({name: getattr(self, name) for name in self.MARKDOWN_FIELDS})
        for field_name, rendered in self.render().items():
            setattr(self, f"{field_name}_html", rendered.html)
            if field_name == "body":
                self.body_toc_html = rendered.toc_html
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        self.search_names, self.search_document = self.build_search_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return term_url(self.slug)

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Term:
        term = super().from_db(db, field_names, values)
        term.loaded = term.face()
        return term

    def face(self) -> LinkFace | None:
        """What links to this term show of it, as far as it is loaded (None if the slug is
        not: a deferred field is never fetched here, as that would cost a query)."""
        if "slug" not in self.__dict__:
            return None
        return LinkFace(
            self.__dict__.get("slug"),
            self.__dict__.get("name"),
            self.__dict__.get("short_definition"),
            self.__dict__.get("status"),
        )

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def letter(self) -> str:
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"

    def render(self, *, fresh: bool = False) -> dict[str, Rendered]:
        # clean() and save() both need the rendering; do it once per version of the text
        # (`fresh`: again, because a term it links to has changed).
        key = tuple(getattr(self, name) for name in self.MARKDOWN_FIELDS)
        cached = getattr(self, "_rendered", None)
        if fresh or cached is None or cached[0] != key:
            links = link_targets(linked_slugs(*key))
            rendered = {
                name: render_markdown(
                    getattr(self, name),
                    links,
                    with_toc=name == "body",
                    id_prefix="" if name == "body" else f"{name.replace('_', '-')}-",
                )
                for name in self.MARKDOWN_FIELDS
            }
            self._rendered = (key, rendered)
        return self._rendered[1]

    def rerender(self) -> None:
        """Render the stored HTML again because a term it links to changed, leaving `updated`
        alone: the term itself was not edited. Its own row only, like save()."""
        rendered = self.render(fresh=True)
        Term.objects.filter(pk=self.pk).update(
            body_html=rendered["body"].html,
            body_toc_html=rendered["body"].toc_html,
            business_context_html=rendered["business_context"].html,
            example_html=rendered["example"].html,
        )

    def linked_texts(self) -> list[str]:
        """Every Markdown text this term's page shows, its FAQ answers included (one query)."""
        texts = [getattr(self, name) for name in self.MARKDOWN_FIELDS]
        return texts + list(FAQ.objects.filter(term=self).values_list("answer", flat=True))

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.short_definition = " ".join((self.short_definition or "").split())
        if "[[" in self.short_definition or "<" in self.short_definition:
            errors.setdefault("short_definition", []).append(
                "The short definition is plain text: no [[links]] or HTML."
            )
        if self.name:
            clash = term_name_clash(self.name, exclude_term=self.pk)
            if clash:
                errors.setdefault("name", []).append(clash)
        # A text the pipeline refuses is not rendered: its field's validator has said why.
        if limits.renderable(*(getattr(self, name) for name in self.MARKDOWN_FIELDS)):
            for field_name, rendered in self.render().items():
                errors_here = link_errors(rendered)
                if errors_here:
                    errors.setdefault(field_name, []).extend(errors_here)
        if errors:
            raise ValidationError(errors)

    def build_search_fields(self) -> tuple[str, str]:
        aliases = " | ".join(a.name for a in self.aliases.all()) if self.pk else ""
        names = f"{self.name} | {aliases}" if aliases else self.name
        words = (
            names,
            self.short_definition,
            plain_text(self.body_html),
            plain_text(self.business_context_html),
            plain_text(self.example_html),
        )
        return names, " ".join(part for part in words if part)


class Alias(models.Model):
    class Kind(models.TextChoices):
        ABBREVIATION = "abbreviation", "Abbreviation"
        SPELLING = "spelling", "Other spelling"
        VARIANT = "variant", "Variant"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120, validators=[refuse_control_characters])
    slug = models.SlugField(max_length=120, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VARIANT)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="alias_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The term's search fields name its aliases: services.alias_save keeps them current.
        self.slug = make_slug(self.name, 120)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = " ".join((self.name or "").split())
        if not self.name:
            return
        self.slug = make_slug(self.name, 120)
        if not self.slug:
            raise ValidationError({"name": "An alias needs at least one letter or digit."})
        term_id = self.term_id if self.term_id else None
        clash = term_name_clash(self.name, exclude_term=term_id, exclude_alias=self.pk)
        if clash:
            raise ValidationError({"name": clash})
        if self.term_id is None and getattr(self, "term", None) is not None:
            same_as_own = self.term.name and self.term.name.lower() == self.name.lower()
        else:
            same_as_own = bool(
                term_id and Term.objects.filter(pk=term_id, name__iexact=self.name).exists()
            )
        if same_as_own:
            raise ValidationError({"name": "An alias cannot repeat the term’s own name."})
        other_terms = Term.objects.all() if term_id is None else Term.objects.exclude(pk=term_id)
        slug_owner = (
            other_terms.filter(slug=self.slug).first()
            or other_terms.filter(aliases__slug=self.slug).exclude(aliases__pk=self.pk).first()
        )
        if slug_owner:
            raise ValidationError(
                {"name": f"Its address /glossary/{self.slug}/ already belongs to “{slug_owner}”."}
            )


# The most FAQs the admin saves with a term (shipped content: 6): each answer is rendered in
# the request that saves them all, so their number bounds that request's work.
FAQS_PER_TERM_MAX = 20


class FAQ(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300, validators=[refuse_control_characters])
    slug = models.SlugField(
        max_length=80,
        blank=True,
        validators=[slug_validator, refuse_control_characters],
        help_text="The answer’s #anchor on the term page; made from the question when blank.",
    )
    answer = models.TextField(
        validators=[
            refuse_control_characters,
            limits.MarkdownLimits(limits.ANSWER_MARKDOWN_MAX, limits.SECTION_MAX_WIDGETS),
        ],
        help_text=MARKDOWN_HELP,
    )
    answer_html = models.TextField(blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)  # the answer, plain
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        constraints = [
            models.UniqueConstraint(fields=["term", "slug"], name="faq_slug_unique_per_term")
        ]

    def __str__(self) -> str:
        return self.question

    def save(self, *args: Any, **kwargs: Any) -> None:
        limits.refuse_fields({"answer": self.answer})  # (as Term.save does)
        if not self.slug:
            self.slug = make_slug(self.question) or "question"
        self.answer_html = self.render().html
        self.search_document = plain_text(self.answer_html)  # (the question is indexed apart)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.term.get_absolute_url()}#{self.anchor}"

    def render(self) -> Rendered:
        return render_linked(self.answer, id_prefix=f"{self.anchor}-")

    def rerender(self) -> None:
        """Render the stored answer again because a term it links to changed (its own row)."""
        FAQ.objects.filter(pk=self.pk).update(answer_html=self.render().html)

    @property
    def anchor(self) -> str:
        return faq_anchor(self.slug)

    def clean(self) -> None:
        if not self.slug and self.question:
            # As save() makes it, so that the uniqueness check sees the anchor that is saved.
            self.slug = make_slug(self.question) or "question"
        if not limits.renderable(self.answer):
            return  # the answer's validator has said why
        errors = link_errors(render_linked(self.answer))
        if errors:
            raise ValidationError({"answer": errors})


def faq_anchor(slug: str) -> str:
    """The id of an FAQ's answer on its term's page."""
    return f"faq-{slug}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        DOCS = "docs", "Official documentation"
        MODEL_CARD = "model-card", "Model card"
        BOOK = "book", "Book"
        COURSE = "course", "Course"
        ARTICLE = "article", "Article"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=250, validators=[refuse_control_characters])
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"]), refuse_control_characters],
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    note = models.CharField(max_length=250, blank=True, validators=[refuse_control_characters])
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class SlugRedirect(models.Model):
    """An address a term used to have: /glossary/<old_slug>/ answers 301 to the term.

    Deleting the term keeps the row, pointing nowhere (`term` null) and remembering whose it
    was (`deleted_term`), so that recovering the term from the History gives it back its old
    addresses (services.terms_restored); until then the address is simply not found."""

    old_slug = models.SlugField(max_length=120, unique=True, validators=[refuse_control_characters])
    term = models.ForeignKey(Term, on_delete=models.SET_NULL, null=True, related_name="old_slugs")
    deleted_term = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        target = self.term.slug if self.term else "(a deleted term)"
        return f"/glossary/{self.old_slug}/ → {target}"


# --- Name rules and link resolution, shared by the models above and the importer. ---


def term_name_clash(
    name: str, *, exclude_term: int | None = None, exclude_alias: int | None = None
) -> str | None:
    """Why `name` cannot be used as a term name or alias, or None when it is free."""
    wanted = name.strip()
    terms = Term.objects.filter(name__iexact=wanted)
    aliases = Alias.objects.filter(name__iexact=wanted)
    if exclude_term is not None:
        terms = terms.exclude(pk=exclude_term)
        aliases = aliases.exclude(term_id=exclude_term)
    if exclude_alias is not None:
        aliases = aliases.exclude(pk=exclude_alias)
    other_term = terms.first()
    if other_term:
        return f"“{wanted}” is already the name of the term “{other_term}”."
    other_alias = aliases.select_related("term").first()
    if other_alias:
        return f"“{wanted}” is already an alias of the term “{other_alias.term}”."
    return None


def linked_terms(slugs: Iterable[str]) -> dict[str, Term]:
    """The term each `[[slug]]` points at: a term by its slug, else by an old slug, else by an
    alias's slug. At most three queries, however many links."""
    wanted = {slug for slug in slugs if slug}
    found: dict[str, Term] = {}
    if wanted:
        found.update((t.slug, t) for t in Term.objects.filter(slug__in=wanted))
    if wanted - set(found):
        old = SlugRedirect.objects.filter(
            old_slug__in=wanted - set(found), term__isnull=False
        ).select_related("term")
        found.update((r.old_slug, r.term) for r in old if r.term is not None)
    if wanted - set(found):
        aliases = Alias.objects.filter(slug__in=wanted - set(found)).select_related("term")
        found.update((a.slug, a.term) for a in aliases)
    return found


def link_targets(slugs: Iterable[str]) -> dict[str, LinkTarget]:
    """What each `[[slug]]` points at, as the renderer needs it (see linked_terms)."""
    return {
        slug: LinkTarget(
            slug=term.slug,
            name=term.name,
            url=term.get_absolute_url(),
            short_definition=term.short_definition,
            published=term.is_published,
        )
        for slug, term in linked_terms(slugs).items()
    }


def render_linked(text: str, *, with_toc: bool = False, id_prefix: str = "") -> Rendered:
    """Markdown with its `[[links]]` to terms resolved: for FAQs, lessons and the like."""
    return render_markdown(
        text, link_targets(linked_slugs(text)), with_toc=with_toc, id_prefix=id_prefix
    )


def link_errors(rendered: Rendered) -> list[str]:
    messages = [
        f"[[{target}]] links to a term that does not exist." for target in rendered.missing_links
    ]
    return messages + rendered.shortcode_errors


CORRECTION_PAGE_PATTERN = r"^(terms/[a-z0-9-]+|guides/[a-z0-9-]+/[a-z0-9-]+)$"


class Correction(models.Model):
    """One corrected figure or claim in the published content, for the public corrections log
    (/corrections/ and its Atom feed): what a page said, what it says now, and the source."""

    date = models.DateField(help_text="When the corrected text was published.")
    page = models.CharField(
        max_length=200,
        validators=[
            refuse_control_characters,
            RegexValidator(
                CORRECTION_PAGE_PATTERN,
                "Name the page as terms/<slug> or guides/<guide>/<lesson>.",
            ),
        ],
        help_text="terms/<slug> or guides/<guide>/<lesson>.",
    )
    old = models.TextField(
        "what it said",
        max_length=1000,
        validators=[refuse_control_characters],
        help_text="The wrong figure or claim, as it read (plain text).",
    )
    new = models.TextField(
        "what it says now",
        max_length=1000,
        validators=[refuse_control_characters],
        help_text="The corrected figure or claim (plain text).",
    )
    source = models.URLField(
        max_length=500,
        validators=[refuse_control_characters],
        help_text="The primary source the correction rests on.",
    )

    class Meta:
        ordering = ["-date", "page", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["date", "page", "old"], name="correction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.page}"

    def clean(self) -> None:
        self.old = " ".join((self.old or "").split())
        self.new = " ".join((self.new or "").split())
        if self.old and self.old == self.new:
            raise ValidationError({"new": "The correction says the same as the old text."})

    @property
    def page_url(self) -> str:
        """The corrected page's address (the page may since have moved: its old slug
        redirects to the new one)."""
        kind, _, rest = self.page.partition("/")
        if kind == "terms":
            return term_url(rest)
        guide, _, lesson = rest.partition("/")
        return reverse("learning:lesson", kwargs={"guide": guide, "lesson": lesson})
