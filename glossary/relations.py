"""Typed relations between terms: entered once, shown on both terms' pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class Relation(models.Model):
    """A typed link between two terms, entered once and shown on both pages."""

    class Kind(models.TextChoices):
        RELATED = "related", "Related to"
        BROADER = "broader", "Is a kind or part of (broader term)"
        PREREQUISITE = "prerequisite", "Needs first (prerequisite)"
        CONTRAST = "contrast", "Not to be confused with"

    # How each kind reads from the source's page and from the target's page.
    LABELS: dict[str, tuple[str, str]] = {
        Kind.RELATED: ("Related terms", "Related terms"),
        Kind.BROADER: ("Broader terms", "Narrower terms"),
        Kind.PREREQUISITE: ("Understand these first", "Builds on this"),
        Kind.CONTRAST: ("Not to be confused with", "Not to be confused with"),
    }
    SYMMETRIC = {Kind.RELATED, Kind.CONTRAST}

    source = models.ForeignKey(
        "glossary.Term", on_delete=models.CASCADE, related_name="relations_out"
    )
    target = models.ForeignKey(
        "glossary.Term", on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RELATED)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="relation_unique_pair"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="relation_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.get_kind_display().lower()} → {self.target}"

    def clean(self) -> None:
        if self.source_id and self.target_id and self.source_id == self.target_id:
            raise ValidationError({"target": "A term cannot be related to itself."})
        if (
            self.source_id
            and self.target_id
            and Relation.objects.filter(source_id=self.target_id, target_id=self.source_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"target": "These two terms are already related (entered on the other term)."}
            )
