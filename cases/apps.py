from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Triage and case management (filled in by the case-management issue)."""

    name = "cases"
    verbose_name = _("Cases")
