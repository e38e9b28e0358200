import hmac
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, OuterRef, Subquery

from areas.models import RT, Kelurahan
from core.prepared import PreparedQuery

from .models import Report, ReportAttachment, ReportMessage
from .receipt import normalise_receipt_code, receipt_hash, submission_key_hash


def report_by_receipt_code(raw_code: str) -> Report | None:
    """The report a receipt code belongs to, or None: the whole report, for acting on it
    (a reply from the reporter).

    Every code, well-formed or not, costs one HMAC and one indexed lookup, so the answer
    takes the same time whatever the reason a code is wrong."""
    digest = receipt_hash(normalise_receipt_code(raw_code))
    # receipt_hash is unique: no ORDER BY (the default ordering, or first()) to plan and sort.
    report = Report.objects.select_related("kelurahan").filter(receipt_hash=digest).order_by()[:1]
    report = next(iter(report), None)
    if report is None or not hmac.compare_digest(report.receipt_hash, digest):
        return None
    return report


# What a reporter is shown of their report; none of these is an encrypted column.
STATUS_FIELDS = ("id", "receipt_hash", "status", "rejection_reason", "received_at", "erased_at")


@dataclass(frozen=True)
class ReporterView:
    """What a reporter is shown of their report (status page and API): only STATUS_FIELDS of
    the report, and its messages oldest first, each with its `attachment_count`."""

    report: Report
    thread: list[ReportMessage]


_status_columns = PreparedQuery(
    # With the status of the case it is in (None: none), which the reporter is told of.
    lambda digest: (
        Report.objects.only(*STATUS_FIELDS)
        .annotate(case_status=F("case_link__case__status"))
        .filter(receipt_hash=digest)
        .order_by()[:1]
    )
)
_thread = PreparedQuery(
    lambda report_id: ReportMessage.objects.filter(report_id=report_id).annotate(
        # COUNT as a plain function: no GROUP BY, so a message without files counts 0, not NULL.
        attachment_count=Subquery(
            ReportAttachment.objects.filter(message=OuterRef("pk"))
            .order_by()
            .values(count=Func("pk", function="COUNT", output_field=IntegerField()))
        )
    )
)


def report_status_by_receipt_code(raw_code: str) -> ReporterView | None:
    """report_by_receipt_code for showing the reporter their report and its thread: nothing
    identifying is loaded or decrypted, and the two queries are prepared once (about a third of
    the cost; issue 9)."""
    digest = receipt_hash(normalise_receipt_code(raw_code))
    report = next(iter(_status_columns(digest)), None)
    if report is None or not hmac.compare_digest(report.receipt_hash, digest):
        return None
    return ReporterView(report=report, thread=list(_thread(report.pk)))


def kelurahan_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Kelurahan grouped by kecamatan, for a select with optgroups."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for kelurahan in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name"):
        groups.setdefault(kelurahan.kecamatan.name, []).append((kelurahan.pk, kelurahan.name))
    return list(groups.items())


def kelurahan_by_id_or_name(value) -> Kelurahan | None:
    text = str(value).strip()
    queryset = Kelurahan.objects.select_related("kecamatan")
    if text.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        return queryset.filter(pk=int(text)).first()
    return queryset.filter(name__iexact=" ".join(text.split())).first()


def rt_in_kelurahan(kelurahan: Kelurahan, number: int) -> RT | None:
    return RT.objects.filter(kelurahan=kelurahan, number=number).first()


def report_by_submission_key(key: str, *, door: str) -> Report | None:
    """The report a form's one-time token (or an API Idempotency-Key) already filed, or None:
    only the status columns, as the reporter is shown nothing else of it."""
    if not key:
        return None
    return Report.objects.only(*STATUS_FIELDS).filter(submission_key_hash=submission_key_hash(key, door=door)).first()
