"""Reads for the agency's outreach pages and exports.

Every function costs a fixed number of queries whatever the number of sessions, RTs or
reports: aggregates are grouped in the database, never counted in a loop.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import User
from areas.models import RT, Kecamatan, Kelurahan
from core.periods import Period
from reports.choices import Status

from .access import groups_for, sessions_for
from .models import ChildCareGroup, OutreachSession

CHILDREN = F("boys") + F("girls")
ADULTS = F("men") + F("women")
# A report marked as a duplicate is the same event told twice: it is not counted again.
COUNTED_REPORT_STATUSES = [status for status in Status.values if status != Status.DUPLICATE]


@dataclass
class AreaCoverage:
    name: str
    sessions: int = 0
    children: int = 0
    adults: int = 0
    rts_known: int = 0
    rts_reached: int = 0
    rts_with_group: int = 0

    @property
    def people(self) -> int:
        return self.children + self.adults

    @property
    def share_reached(self) -> float | None:
        """Percent of known RTs reached; None when no RT is known (nothing to divide by)."""
        return 100 * self.rts_reached / self.rts_known if self.rts_known else None

    def add(self, other: "AreaCoverage") -> None:
        for name in ("sessions", "children", "adults", "rts_known", "rts_reached", "rts_with_group"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class KecamatanCoverage(AreaCoverage):
    kelurahan: list[AreaCoverage] = field(default_factory=list)


@dataclass(frozen=True)
class MonthTotals:
    month: date
    sessions: int = 0
    people: int = 0


@dataclass
class Coverage:
    period: Period
    total: AreaCoverage
    kecamatan: list[KecamatanCoverage]
    months: list[MonthTotals]


def _sessions_in(user: User, period: Period, kecamatan: Kecamatan | None) -> QuerySet[OutreachSession]:
    sessions = sessions_for(user).select_related(None).filter(held_on__gte=period.start, held_on__lte=period.end)
    if kecamatan is not None:
        sessions = sessions.filter(rt__kelurahan__kecamatan=kecamatan)
    return sessions


def _rts_in(kecamatan: Kecamatan | None) -> QuerySet[RT]:
    rts = RT.objects.all()
    return rts.filter(kelurahan__kecamatan=kecamatan) if kecamatan is not None else rts


def _reached(user: User, period: Period) -> Exists:
    """True for an RT (the outer row) with at least one session in the period."""
    return Exists(_sessions_in(user, period, None).filter(rt=OuterRef("pk")))


def _keyed(key: str, rows) -> dict:
    """Grouped rows by their group key, each row without that key."""
    return {row.pop(key): row for row in rows}


def outreach_coverage(*, user: User, period: Period, kecamatan: Kecamatan | None = None) -> Coverage:
    """Sessions, people and RTs reached per kecamatan and kelurahan, and totals per month. 4 queries."""
    kelurahan_list = Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    if kecamatan is not None:
        kelurahan_list = kelurahan_list.filter(kecamatan=kecamatan)

    active_group = Exists(groups_for(user).select_related(None).filter(rt=OuterRef("pk"), active=True))
    rt_counts = _keyed(
        "kelurahan_id",
        _rts_in(kecamatan)
        .order_by()
        .values("kelurahan_id")
        .annotate(
            rts_known=Count("pk"),
            rts_reached=Count("pk", filter=_reached(user, period)),
            rts_with_group=Count("pk", filter=active_group),
        ),
    )
    sessions = _sessions_in(user, period, kecamatan).order_by()
    session_counts = _keyed(
        "rt__kelurahan_id",
        sessions.values("rt__kelurahan_id").annotate(sessions=Count("pk"), children=Sum(CHILDREN), adults=Sum(ADULTS)),
    )
    per_month = _keyed(
        "month",
        sessions.annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(sessions=Count("pk"), people=Sum(CHILDREN + ADULTS)),
    )

    total = AreaCoverage(name="")
    by_kecamatan: dict[int, KecamatanCoverage] = {}
    for kelurahan in kelurahan_list:
        row = AreaCoverage(
            name=kelurahan.name, **rt_counts.get(kelurahan.pk, {}), **session_counts.get(kelurahan.pk, {})
        )
        parent = by_kecamatan.setdefault(kelurahan.kecamatan_id, KecamatanCoverage(name=kelurahan.kecamatan.name))
        parent.kelurahan.append(row)
        parent.add(row)
        total.add(row)
    months = [MonthTotals(month=month, **per_month.get(month, {})) for month in period.months()]
    return Coverage(period=period, total=total, kecamatan=list(by_kecamatan.values()), months=months)


def rts_never_reached(*, user: User, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[RT]:
    """RTs without a session in the period, in one query (lazy: paginate it)."""
    return (
        _rts_in(kecamatan)
        .filter(~_reached(user, period))
        .select_related("kelurahan__kecamatan")
        .order_by("kelurahan__kecamatan__name", "kelurahan__name", "number")
    )


def _with_reports_in(queryset: QuerySet, period: Period) -> QuerySet:
    """Rows with reports received in the period, annotated with how many (one join, filtered in WHERE)."""
    start, end = period.received_range()
    return queryset.filter(
        reports__received_at__gte=start, reports__received_at__lt=end, reports__status__in=COUNTED_REPORT_STATUSES
    ).annotate(report_count=Count("reports"))


def rts_to_target(*, user: User, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[RT]:
    """RTs with reports but no session in the period, most reports first. One query, counts only."""
    return (
        _with_reports_in(_rts_in(kecamatan), period)
        .filter(~_reached(user, period))
        .select_related("kelurahan__kecamatan")
        .order_by("-report_count", "kelurahan__name", "number")
    )


def kelurahan_to_target(*, user: User, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[Kelurahan]:
    """Kelurahan with reports but no session in any of their RTs in the period. One query, counts only."""
    kelurahan = Kelurahan.objects.all() if kecamatan is None else Kelurahan.objects.filter(kecamatan=kecamatan)
    any_session = Exists(_sessions_in(user, period, None).filter(rt__kelurahan=OuterRef("pk")))
    return (
        _with_reports_in(kelurahan, period)
        .filter(~any_session)
        .select_related("kecamatan")
        .order_by("-report_count", "name")
    )


def sessions_for_export(*, user: User, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[OutreachSession]:
    return (
        _sessions_in(user, period, kecamatan)
        .select_related("rt__kelurahan__kecamatan")
        .defer("notes")  # not exported: never loaded, never decrypted
        .order_by("held_on", "start_time", "pk")
    )


def groups_for_export(*, user: User) -> QuerySet[ChildCareGroup]:
    """Every group, with whether it has a contact person but not the contact: its ciphertext is not even loaded."""
    return (
        groups_for(user)
        .defer("contact_person")
        .annotate(has_contact=ExpressionWrapper(~Q(contact_person=""), output_field=BooleanField()))
        .order_by("rt__kelurahan__kecamatan__name", "rt__kelurahan__name", "rt__number", "name")
    )
