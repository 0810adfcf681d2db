from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

from caching import content_version


class CachingConfig(AppConfig):
    """The page cache, the content version and the resilient Redis cache. Imports no app of
    ours: which apps hold content is a setting (CONTENT_APPS)."""

    name = "caching"
    verbose_name = "Caching"

    def ready(self) -> None:
        # In every process, web or not (a management command, a shell): a save of content
        # anywhere must move the content version, or cached pages would outlive the edit.
        post_save.connect(content_version.content_saved, dispatch_uid="content-version-save")
        post_delete.connect(content_version.content_saved, dispatch_uid="content-version-delete")
        m2m_changed.connect(content_version.content_m2m_changed, dispatch_uid="content-version-m2m")
