from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    """What staff do with a report before (or instead of) it becomes a case: the inbox, the
    decisions on a report (acknowledge, prioritise, mark duplicate, reject, accept into a case),
    their pages and their API. No models: reports and cases own the rows."""

    name = "triage"
    verbose_name = _("Report inbox")
