from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Anonymous, confidential reports from citizens (filled in by the reporting issue)."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import retention  # noqa: F401 - registers its erasers (core.retention)
