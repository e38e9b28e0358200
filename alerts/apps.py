from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alerts to staff when a report arrives, escalations, and case reminders (Celery)."""

    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self):
        from core.health import register_degradation_check

        from .health import alerts_readiness

        register_degradation_check("alerts", alerts_readiness)
