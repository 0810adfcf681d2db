from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself. Its one job at start-up: in every process, web or not (a management
    command, a shell), saves of content must move the content version, or pages and search
    copies cached by the web processes would outlive an edit made outside them."""

    name = "config"
    verbose_name = "Site"

    def ready(self) -> None:
        from config import content_version

        content_version.watch_saves()
