from django.apps import AppConfig


class CachingConfig(AppConfig):
    """The page cache, the content version and the resilient Redis cache. Imports no app of
    ours: which apps hold content is a setting (CONTENT_APPS)."""

    name = "caching"
    verbose_name = "Caching"
