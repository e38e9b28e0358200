"""The report inbox: the reports waiting for triage, with their related rows decided once so a
page costs the same number of queries whatever the number of rows. The pages and the API read it
alike."""

from collections.abc import Collection

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from areas.models import Kecamatan
from cases.access import reports_for
from reports.models import PRIORITY_RANK, WAITING_STATUSES, Report, ReportAttachment, ReportViolenceType

from .threads import unread_per_report

# Within a priority, a report whose acknowledgement clock still runs comes before one already
# acknowledged (issue 19: new ones sat below acknowledged ones with an earlier deadline).
ACKNOWLEDGED = ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField())

# WAITING_STATUSES and PRIORITY_RANK (most urgent first) live with the report model, whose
# partial index report_waiting_order_idx serves this order.


def _attachment_count():
    per_report = ReportAttachment.objects.filter(report=OuterRef("pk")).order_by().values("report")
    return Coalesce(Subquery(per_report.annotate(n=Count("pk")).values("n")), 0)


def report_inbox(
    *,
    user: User,
    statuses: Collection[str] = WAITING_STATUSES,
    priority: str = "",
    kecamatan: Kecamatan | None = None,
    violence_type: str = "",
    channel: str = "",
    or_unread: bool = False,
) -> QuerySet[Report]:
    """The reports `user` may triage: most urgent first; within a priority the unacknowledged ones
    (their clock is running) before the acknowledged, then nearest deadline first.

    Each report comes with its kelurahan and kecamatan, its forms of violence (one prefetch
    query for the page) and `attachment_count`: a page costs the same queries for 3 or 3,000.
    An empty `statuses` means every status; an empty `channel`, every door. Each report has
    `unread_messages`, the reporter's messages `user` has not read; with `or_unread`, a report in
    another status is listed too while it has any (an accepted report the child writes on again
    must not drop out of sight). Each report also brings who handles it: `acknowledged_by` and,
    once accepted, its case's `assigned_officer` (`case_link__case__assigned_officer`).
    """
    reports = reports_for(user).annotate(unread_messages=unread_per_report(user))
    if statuses:
        in_status = Q(status__in=list(statuses))
        reports = reports.filter(in_status | Q(unread_messages__gt=0) if or_unread else in_status)
    if priority:
        reports = reports.filter(priority=priority)
    if kecamatan is not None:
        reports = reports.filter(kelurahan__kecamatan=kecamatan)
    if channel:
        reports = reports.filter(channel=channel)
    if violence_type:
        # Exists, not a join: a join would multiply the rows the attachment count runs over.
        reports = reports.filter(
            Exists(ReportViolenceType.objects.filter(report=OuterRef("pk"), violence_type=violence_type))
        )
    return (
        reports.select_related("kelurahan__kecamatan", "acknowledged_by", "case_link__case__assigned_officer")
        .prefetch_related("violence_types")
        # A subquery, not a join and GROUP BY: the page is read by priority from
        # report_waiting_order_idx instead of grouping every waiting report first.
        .annotate(attachment_count=_attachment_count(), priority_rank=PRIORITY_RANK, acknowledged=ACKNOWLEDGED)
        .order_by("priority_rank", "acknowledged", "acknowledge_due_at", "pk")
    )
