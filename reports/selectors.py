import hmac

from django.db.models import Prefetch

from areas.models import RT, Kelurahan

from .models import Report, ReportMessage
from .receipt import normalise_receipt_code, receipt_hash


def _messages_with_attachments() -> Prefetch:
    return Prefetch("messages", queryset=ReportMessage.objects.prefetch_related("attachments"))


def _by_receipt_code(raw_code: str, reports) -> Report | None:
    """Every code, well-formed or not, costs one HMAC and one indexed lookup, so the answer
    takes the same time whatever the reason a code is wrong."""
    digest = receipt_hash(normalise_receipt_code(raw_code))
    # receipt_hash is unique: no ORDER BY (the default ordering, or first()) to plan and sort.
    report = next(iter(reports.filter(receipt_hash=digest).order_by()[:1]), None)
    if report is None or not hmac.compare_digest(report.receipt_hash, digest):
        return None
    return report


def report_by_receipt_code(raw_code: str) -> Report | None:
    """The report a receipt code belongs to, or None: the whole report, for acting on it
    (a reply from the reporter)."""
    return _by_receipt_code(
        raw_code, Report.objects.select_related("kelurahan").prefetch_related(_messages_with_attachments())
    )


# What a reporter is shown of their report; none of these is an encrypted column.
STATUS_FIELDS = ("id", "receipt_hash", "status", "received_at")


def report_status_by_receipt_code(raw_code: str) -> Report | None:
    """report_by_receipt_code for showing the reporter their report's status and thread: only
    STATUS_FIELDS are read, so nothing identifying is loaded or decrypted (and it costs about
    half; issue 9)."""
    return _by_receipt_code(
        raw_code, Report.objects.only(*STATUS_FIELDS).prefetch_related(_messages_with_attachments())
    )


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
