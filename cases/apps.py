from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Case management: cases opened from reports accepted in triage, and their steps."""

    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from . import retention  # noqa: F401 - registers its erasers (core.retention)
