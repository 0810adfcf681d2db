"""The admin's History (revert) and Recover deleted, held to the permissions an edit needs.

django-reversion's views write a whole revision back to the database before the form is
shown, with no check of its own beyond the admin's add and change permissions for the model
whose URL was used. Two holes follow, closed here for every content admin (this module sits in
the lowest app with an admin, so that the catalog, the glossary and the guides all use it):

- the version in the URL must be of this admin's model: otherwise another model's version
  (a deleted term, say) is written back through any admin the user may use (the topics');
- a revision may hold several objects (an import is one revision holding every topic, term,
  lesson and catalog model), and writing it back may publish or unpublish any of them. A model
  whose Meta.permissions has `publish_<model name>` and which has a `status` field (the
  glossary's Term) is published or unpublished only by users holding that permission: a
  revert or recovery that would change such a status for a user without it is refused, with a
  message, before anything is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Revision, Version

STATUS_FIELD = "status"


def _status_field(model: type[Model]) -> Field[Any, Any] | None:
    return next((f for f in model._meta.concrete_fields if f.name == STATUS_FIELD), None)


def publish_permission(model: type[Model]) -> str | None:
    """`app_label.publish_<model>` when the model's status needs that permission to change."""
    codename = f"publish_{model._meta.model_name}"
    declared = {name for name, _ in model._meta.permissions}
    if codename in declared and _status_field(model) is not None:
        return f"{model._meta.app_label}.{codename}"
    return None


def refused_status_changes(request: HttpRequest, version: Version) -> list[str]:
    """What writing `version`'s revision back would publish or unpublish without the user's
    permission, one message each (empty: nothing refused)."""
    wanted: dict[type[Model], dict[str, tuple[Any, str]]] = defaultdict(dict)
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model_class()
        permission = publish_permission(model) if model is not None else None
        if model is None or permission is None or request.user.has_perm(permission):
            continue
        try:
            status = other.field_dict[STATUS_FIELD]
        except (RevertError, KeyError):
            continue  # reversion refuses a version it cannot read, with its own message
        wanted[model][other.object_id] = (status, other.object_repr)
    refused = []
    for model, statuses in wanted.items():
        field = _status_field(model)
        labels = dict(field.flatchoices) if field is not None else {}
        rows = model._default_manager.filter(pk__in=list(statuses)).values_list("pk", STATUS_FIELD)
        now = {str(pk): status for pk, status in rows}
        for object_id, (status, name) in statuses.items():
            # A deleted object comes back as a new one would be made: with the default status.
            before = now.get(object_id, field.get_default() if field is not None else None)
            if status != before:
                refused.append(
                    f"You may not publish or unpublish {model._meta.verbose_name_plural}: "
                    f"restoring this version would change “{name}” "
                    f"from {labels.get(before, before)} to {labels.get(status, status)}."
                )
    return refused


class ContentVersionAdmin(VersionAdmin):
    """VersionAdmin whose History and Recover deleted check what they would write back, with
    a hook for what must change with the objects they rewrite."""

    def before_restore(self, request: HttpRequest, revision: Revision) -> Any:
        """Called before a revision is written back by a POST (History's revert, Recover
        deleted); what it returns is passed to after_restore. Nothing here."""
        return None

    def after_restore(self, request: HttpRequest, revision: Revision, before: Any) -> None:
        """Called once the revision was written back. reversion writes its objects raw (no
        save(), no service), so an admin whose objects other rows depend on brings those up to
        date here. Nothing here."""

    def _restore(
        self, request: HttpRequest, version: Version, view: Callable[[], HttpResponse]
    ) -> HttpResponse:
        if request.method != "POST":
            return view()  # (shown, then rolled back by reversion)
        before = self.before_restore(request, version.revision)
        response = view()
        if response.status_code == 302:  # (saved; also reversion's own refusals, harmless)
            self.after_restore(request, version.revision, before)
        return response

    def _own_version(self, version_id: str, object_id: str | None = None) -> Version:
        content_type = ContentType.objects.get_for_model(self.model)
        lookup: dict[str, Any] = {"pk": version_id, "content_type": content_type}
        if object_id is not None:
            lookup["object_id"] = object_id
        return get_object_or_404(Version, **lookup)

    def _refuse(self, request: HttpRequest, problems: list[str], to: str) -> HttpResponse:
        for problem in problems:
            messages.error(request, problem)
        return redirect(to)

    def revision_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        version = self._own_version(version_id, unquote(object_id))
        problems = refused_status_changes(request, version)
        if problems:
            opts = self.model._meta
            history = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history"
            return self._refuse(
                request, problems, reverse(history, args=[quote(version.object_id)])
            )
        return self._restore(
            request,
            version,
            lambda: super(ContentVersionAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )

    def recover_view(
        self, request: HttpRequest, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = self._own_version(version_id)
        problems = refused_status_changes(request, version)
        if problems:
            opts = self.model._meta
            listing = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_recoverlist"
            return self._refuse(request, problems, reverse(listing))
        return self._restore(
            request,
            version,
            lambda: super(ContentVersionAdmin, self).recover_view(
                request, version_id, extra_context
            ),
        )
