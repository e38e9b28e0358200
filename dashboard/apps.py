from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The KLA dashboard, public statistics and the SIMFONI-PPA export (read-only aggregates)."""

    name = "dashboard"
    verbose_name = _("Dashboard and statistics")
