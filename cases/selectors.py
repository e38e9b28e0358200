"""Reads for the staff pages of reports and cases, with their related rows decided once so a
list page costs the same number of queries whatever the number of rows."""

from collections.abc import Collection

from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet

from accounts.models import User
from areas.models import Kecamatan
from reports.choices import Priority, Status
from reports.models import Report, ReportViolenceType

from .access import reports_for

# --- Report inbox (triage) ------------------------------------------------------------------

WAITING_STATUSES = (Status.NEW, Status.ACKNOWLEDGED)

# Most urgent first; an unknown priority (there is none, a constraint says so) would sort last.
# (models.Case, not Case: that name is the case model's in this module.)
PRIORITY_RANK = models.Case(
    models.When(priority=Priority.DARURAT, then=models.Value(0)),
    models.When(priority=Priority.TINGGI, then=models.Value(1)),
    models.When(priority=Priority.BIASA, then=models.Value(2)),
    default=models.Value(3),
    output_field=models.IntegerField(),
)


def report_inbox(
    *,
    user: User,
    statuses: Collection[str] = WAITING_STATUSES,
    priority: str = "",
    kecamatan: Kecamatan | None = None,
    violence_type: str = "",
) -> QuerySet[Report]:
    """The reports `user` may triage, most urgent and nearest deadline first.

    Each report comes with its kelurahan and kecamatan, its forms of violence (one prefetch
    query for the page) and `attachment_count`: a page costs the same queries for 3 or 3,000.
    An empty `statuses` means every status.
    """
    reports = reports_for(user)
    if statuses:
        reports = reports.filter(status__in=list(statuses))
    if priority:
        reports = reports.filter(priority=priority)
    if kecamatan is not None:
        reports = reports.filter(kelurahan__kecamatan=kecamatan)
    if violence_type:
        # Exists, not a join: a join would multiply the rows the attachment count runs over.
        reports = reports.filter(
            Exists(ReportViolenceType.objects.filter(report=OuterRef("pk"), violence_type=violence_type))
        )
    return (
        reports.select_related("kelurahan__kecamatan")
        .prefetch_related("violence_types")
        .annotate(attachment_count=Count("attachments", distinct=True), priority_rank=PRIORITY_RANK)
        .order_by("priority_rank", "acknowledge_due_at", "pk")
    )
