from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThreadRead(models.Model):
    """How far one staff member has read a report's message thread: every reporter message
    with an id above `read_up_to` is unread for them (triage.threads). One row per person and
    report, moved forward only; an id rather than a foreign key, since only the order matters."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    read_up_to = models.BigIntegerField(_("read up to message"))
    read_at = models.DateTimeField(_("read"))

    class Meta:
        verbose_name = _("thread read")
        verbose_name_plural = _("threads read")
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="thread_read_once_per_person")]

    def __str__(self):
        return f"{self.user_id}:{self.report_id}:{self.read_up_to}"
