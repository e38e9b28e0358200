from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alerts to staff when a report arrives, escalations, and case reminders (Celery)."""

    name = "alerts"
    verbose_name = _("Alerts")
