from django.apps import AppConfig


class ContentConfig(AppConfig):
    """The pipeline shared by terms and lessons: Markdown to safe HTML, [[links]], widget
    shortcodes, diagrams, and the YAML files content is shipped in. It has no models."""

    name = "content"
    verbose_name = "Content pipeline"
