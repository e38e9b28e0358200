from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark-only pieces (bench/settings.py): the baseline endpoint, a query counter and
    timing hooks. The normal settings never load this app."""

    name = "bench"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
