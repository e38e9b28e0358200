"""The retention schedule's rules for reports that never became a case (core.retention).

- Rejected reports (whatever the reason: spam, no violence, about an adult...) go
  `RETENTION_SPAM_AND_REJECTED_DAYS` (90) after their last activity;
- reports marked a duplicate of another report (`duplicate_of`) go `RETENTION_DUPLICATE_YEARS` (1)
  after theirs.

"Last activity" is the later of the report's receipt and the newest message of its thread: the
decision itself is not dated on the row, it comes within days of receipt, and a reporter still
writing keeps the report for the whole period after the last word. A report linked to a case
(`CaseReport`: accepted into it, or a duplicate of it) is never erased here: the case's rule
(cases.retention) de-identifies it with the case.

Erasing blanks every encrypted value of the report and of its rows (messages, attachments),
deletes its files and shreds its data key (core.datakeys.erase_owned), and sets `erased_at`: the
receipt code then finds it only to say it was erased (reports.views.report_status).
"""

from datetime import timedelta

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.datakeys import erase_owned
from core.retention import Due, Eraser, add_years, register
from privacy.policy import retention_policy

from .audit import ReportAction
from .choices import Status
from .models import Report


def _candidates():
    """Reports not erased and in no case, with `last_activity`."""
    return (
        Report.objects.filter(erased_at__isnull=True, case_link__isnull=True)
        .annotate(last_activity=Greatest("received_at", Coalesce(Max("messages__created_at"), F("received_at"))))
        .order_by("received_at", "pk")
    )


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


class _ReportEraser(Eraser):
    action = ReportAction.ERASED

    def cutoff(self, now):
        raise NotImplementedError

    def rule(self) -> Q:
        raise NotImplementedError

    def why(self, report) -> str:
        raise NotImplementedError

    def queryset(self, now):
        cutoff = self.cutoff(now)
        # received_at first: the index narrows it before the messages are looked at.
        return _candidates().filter(self.rule(), received_at__lte=cutoff).filter(last_activity__lte=cutoff)

    def due(self, now):
        reports = self.queryset(now).only("pk", "received_at", "status", "rejection_reason", "duplicate_of")
        return [Due(report, report.reference, self.why(report)) for report in reports]

    def erase(self, records, now):
        pks = [record.pk for record in records]
        # Locked, and checked again: a report accepted into a case or given a new message since
        # the list was made stays.
        locked = list(Report.objects.filter(pk__in=pks).select_for_update().only("pk", "data_key"))
        still_due = set(self.queryset(now).filter(pk__in=pks).values_list("pk", flat=True))
        reports = [report for report in locked if report.pk in still_due]
        if not reports:
            return {}
        erase_owned(reports, now=now)
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(erased_at=now)
        return {report.pk: {} for report in reports}


class RejectedReports(_ReportEraser):
    name = "reports.rejected"
    description = _(
        "Rejected reports (spam, no violence, not about a child, no answer, about an adult) are erased "
        "%(days)d days after their last activity (receipt or last message)."
    )

    @property
    def days(self) -> int:
        return retention_policy().spam_and_rejected_days

    def describe(self) -> str:
        return gettext(self.description) % {"days": self.days}

    def cutoff(self, now):
        return now - timedelta(days=self.days)

    def rule(self) -> Q:
        return Q(status=Status.REJECTED)

    def why(self, report) -> str:
        return gettext("rejected (%(reason)s), last activity %(day)s: more than %(days)d days ago") % {
            "reason": report.get_rejection_reason_display(),
            "day": _day(report.last_activity),
            "days": self.days,
        }


class DuplicateReports(_ReportEraser):
    name = "reports.duplicate"
    description = _(
        "Reports marked a duplicate of another report are erased %(years)d year(s) after their last "
        "activity (receipt or last message)."
    )

    @property
    def years(self) -> int:
        return retention_policy().duplicate_years

    def describe(self) -> str:
        return gettext(self.description) % {"years": self.years}

    def cutoff(self, now):
        return add_years(now, -self.years)

    def rule(self) -> Q:
        return Q(status=Status.DUPLICATE, duplicate_of__isnull=False)

    def why(self, report) -> str:
        return gettext("duplicate of another report, last activity %(day)s: more than %(years)d year(s) ago") % {
            "day": _day(report.last_activity),
            "years": self.years,
        }


register(RejectedReports())
register(DuplicateReports())
