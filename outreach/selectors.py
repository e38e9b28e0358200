"""Reads for the agency's outreach pages and exports.

Every function costs a fixed number of queries whatever the number of sessions, RTs or
reports: aggregates are grouped in the database, never counted in a loop.

Forum Anak activities happen at four levels (outreach.choices.ForumLevel) and are counted by
where they happened:
- an RT's coverage counts only RT-level activities of that RT (a kelurahan's forum did not
  happen in each of its RTs);
- a kelurahan "has a Forum Anak activity" when its own Forum Anak Kelurahan met or one of its
  RTs' did: activities at or below its level;
- a kecamatan likewise: its Forum Anak Kecamatan, or one of its kelurahan's or RTs';
- the city's Forum Anak Kota Balikpapan counts for the city only, never for a kecamatan.
Where the evaluation asks whether the forum *of* a level exists, `*_forums_active` counts the
activities at exactly that level.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import User
from areas.models import RT, Kecamatan, Kelurahan
from core.periods import Period
from reports.choices import Status

from .access import groups_for, sessions_for
from .choices import ForumLevel, PartnerKind
from .models import ChildCareGroup, ForumAnakActivity, OutreachSession, PartnerActivity, PartnerOrganisation

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


def partner_activities(*, partner: PartnerOrganisation) -> QuerySet[PartnerActivity]:
    """A partner's activities, newest first (lazy: paginate it)."""
    return partner.activities.select_related("kecamatan").order_by("-held_on", "-pk")


# --- KLA evidence --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForumLevelFigures:
    level: str  # a ForumLevel value
    activities: int = 0
    children: int = 0  # children taking part, summed over the activities

    @property
    def label(self) -> str:
        return ForumLevel(self.level).label


@dataclass(frozen=True)
class PartnerKindFigures:
    kind: str  # a PartnerKind value
    partners_active: int = 0  # active now and registered by the end of the period
    partners_with_activity: int = 0  # with at least one activity in the period, active or not
    activities: int = 0
    children_reached: int = 0

    @property
    def label(self) -> str:
        return PartnerKind(self.kind).label


@dataclass(frozen=True)
class KlaParticipation:
    """The outreach figures of the KLA evaluation (cluster V: Forum Anak participation, partnerships
    with business and media) for one period. Agency-internal: no small-cell suppression."""

    period: Period
    forum_by_level: list[ForumLevelFigures]  # every level, city first, zeros included
    city_forum_active: bool  # Forum Anak Kota Balikpapan had an activity in the period
    kecamatan_total: int
    kecamatan_with_forum_activity: int  # at or below the kecamatan (module docstring)
    kecamatan_forums_active: int  # a Forum Anak Kecamatan itself had an activity
    kelurahan_total: int
    kelurahan_with_forum_activity: int  # at or below the kelurahan
    kelurahan_forums_active: int  # a Forum Anak Kelurahan itself had an activity
    partners_by_kind: list[PartnerKindFigures]  # every kind, in PartnerKind order, zeros included

    @property
    def forum_activities(self) -> int:
        return sum(row.activities for row in self.forum_by_level)

    @property
    def forum_children(self) -> int:
        return sum(row.children for row in self.forum_by_level)

    @property
    def partners_active(self) -> int:
        return sum(row.partners_active for row in self.partners_by_kind)

    @property
    def partner_activities(self) -> int:
        return sum(row.activities for row in self.partners_by_kind)

    @property
    def partner_children_reached(self) -> int:
        return sum(row.children_reached for row in self.partners_by_kind)

    def partners_of(self, kind: str) -> PartnerKindFigures:
        return next(row for row in self.partners_by_kind if row.kind == kind)

    def forum_at(self, level: str) -> ForumLevelFigures:
        return next(row for row in self.forum_by_level if row.level == level)


def kla_participation(period: Period) -> KlaParticipation:
    """Forum Anak participation and partnerships in `period` (both ends included), for the KLA
    evidence. Every record counts: the caller checks that the reader may see agency figures.
    Five queries, whatever the data size."""
    forum = ForumAnakActivity.objects.filter(held_on__gte=period.start, held_on__lte=period.end).order_by()
    per_level = _keyed("level", forum.values("level").annotate(activities=Count("pk"), children=Sum("children")))
    places = forum.aggregate(
        kecamatan_with_forum_activity=Count(
            Coalesce("kecamatan_id", "kelurahan__kecamatan_id", "rt__kelurahan__kecamatan_id"), distinct=True
        ),
        kecamatan_forums_active=Count("kecamatan_id", distinct=True),
        kelurahan_with_forum_activity=Count(Coalesce("kelurahan_id", "rt__kelurahan_id"), distinct=True),
        kelurahan_forums_active=Count("kelurahan_id", distinct=True),
    )
    totals = Kecamatan.objects.aggregate(
        kecamatan_total=Count("pk", distinct=True), kelurahan_total=Count("kelurahan", distinct=True)
    )

    registered_by_end = Q(registered_at__lt=period.received_range()[1])
    in_period = Q(activities__held_on__gte=period.start, activities__held_on__lte=period.end)
    partners = _keyed(
        "kind",
        PartnerOrganisation.objects.order_by()
        .values("kind")
        .annotate(
            partners_active=Count("pk", filter=Q(active=True) & registered_by_end, distinct=True),
            partners_with_activity=Count("pk", filter=in_period, distinct=True),
        ),
    )
    partner_work = _keyed(
        "partner__kind",
        PartnerActivity.objects.filter(held_on__gte=period.start, held_on__lte=period.end)
        .order_by()
        .values("partner__kind")
        .annotate(activities=Count("pk"), children_reached=Sum("children_reached")),
    )
    return KlaParticipation(
        period=period,
        forum_by_level=[ForumLevelFigures(level=level, **per_level.get(level, {})) for level in ForumLevel.values],
        city_forum_active=ForumLevel.KOTA in per_level,
        **places,
        **totals,
        partners_by_kind=[
            PartnerKindFigures(kind=kind, **partners.get(kind, {}), **partner_work.get(kind, {}))
            for kind in PartnerKind.values
        ],
    )
