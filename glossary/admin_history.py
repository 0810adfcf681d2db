"""History (revert) and Recover deleted for the admins whose revisions can hold terms: the
glossary's and the guides' (an import is one revision holding every topic, term and lesson)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from reversion.models import Revision

from calculators.admin_history import ContentVersionAdmin
from glossary import services
from glossary.models import LinkFace, Term


class GlossaryVersionAdmin(ContentVersionAdmin):
    """reversion writes a revision's terms back raw: their stored HTML as it was then, no
    redirect from an address they leave, and the pages linking to them unchanged though their
    name, definition or status may have moved. services.terms_restored mends all three."""

    def before_restore(
        self, request: HttpRequest, revision: Revision
    ) -> dict[int, LinkFace | None]:
        content_type = ContentType.objects.get_for_model(Term)
        ids = revision.version_set.filter(content_type=content_type).values_list(
            "object_id", flat=True
        )
        return services.term_faces(pks=[int(pk) for pk in ids if pk.isdigit()])

    def after_restore(self, request: HttpRequest, revision: Revision, before: Any) -> None:
        services.terms_restored(before=before)
