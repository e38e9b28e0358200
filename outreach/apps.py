from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """RT volunteers' socialisation sessions and groups (filled in by the outreach issue)."""

    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self):
        from . import retention  # noqa: F401 - registers its erasers (core.retention)
