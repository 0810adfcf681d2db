from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself: settings, root URLs, site-wide views and management commands."""

    name = "config"
    verbose_name = "Site"
