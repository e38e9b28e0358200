"""Reads for the agency's KLA dashboard: aggregates only, counted as dashboard/definitions.py says.

Every function costs a fixed number of queries whatever the number of reports, cases or
children, and reads a fixed number of rows: counts, shares and percentiles are computed in the
database (`percentile_cont`/`percentile_disc ... WITHIN GROUP`, `?|` on the forms of violence
stored as a JSON list).

The page reads the figures through staff_cache.dashboard_cached (a minute per user, filter and
language): at a million reports one computation scans a year of reports several times.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.capabilities import Capability, roles_with
from accounts.models import User
from alerts.models import Alert
from areas.models import Kecamatan
from cases.choices import (
    OPEN_REFERRAL_STATUSES,
    OPEN_STATUSES,
    CaseStatus,
    ClosureReason,
    LegalStage,
    PerpetratorRelation,
    ProviderKind,
    ReferralStatus,
    ServiceStatus,
    ServiceType,
)
from cases.legal import police_handover_states, tpks_case
from cases.models import Case, CaseService, CaseTransfer, Child, FollowUp, LegalRecord, Perpetrator, Referral
from cases.referral_selectors import referrals_unanswered
from core.periods import Period, last_twelve_months
from outreach.access import groups_for
from outreach.selectors import Coverage, outreach_coverage
from reports.choices import Channel, Place, Priority, ViolenceType
from reports.models import Report
from reports.priority import overdue_for_acknowledgement

from .definitions import (
    AGE_BANDS,
    COUNTED_REPORT_STATUSES,
    POLICE_HANDOVER_STATES,
    SIMFONI_VIOLENCE,
    age_band,
)

SERVED_STATUSES = [ServiceStatus.IN_PROGRESS, ServiceStatus.DONE]
ESCALATION_LEVELS = (2, 3)
AGE_BAND_LABELS = [label for label, _low, _high in AGE_BANDS] + ["unknown"]
CHILD_SEXES = ("L", "P", "")


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def counted_reports(*, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[Report]:
    start, end = period.received_range()
    reports = Report.objects.filter(
        received_at__gte=start, received_at__lt=end, status__in=COUNTED_REPORT_STATUSES
    ).order_by()
    return reports.filter(kelurahan__kecamatan=kecamatan) if kecamatan is not None else reports


def cases_opened(*, period: Period, kecamatan: Kecamatan | None = None) -> QuerySet[Case]:
    start, end = period.received_range()
    cases = Case.objects.filter(opened_at__gte=start, opened_at__lt=end).order_by()
    return cases.filter(kelurahan__kecamatan=kecamatan) if kecamatan is not None else cases


def _in_kecamatan(queryset: QuerySet, kecamatan: Kecamatan | None, path: str = "kelurahan__kecamatan") -> QuerySet:
    return queryset.filter(**{path: kecamatan}) if kecamatan is not None else queryset


def _per_month(queryset: QuerySet, field_name: str) -> dict[date, int]:
    """Rows per local month of `field_name` (TruncMonth uses the current, Asia/Makassar, zone)."""
    rows = (
        queryset.annotate(month=TruncMonth(field_name, output_field=DateField()))
        .values("month")
        .annotate(count=Count("pk"))
        .values_list("month", "count")
    )
    return dict(rows)


# --- 1. per month ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRow:
    month: date
    previous_month: date
    reports: int
    reports_previous: int
    cases: int
    cases_previous: int


def monthly_counts(*, period: Period, kecamatan: Kecamatan | None = None) -> list[MonthRow]:
    """Counted reports and opened cases per month, beside the same months a year before. 2 queries."""
    previous = Period(start=year_before(period.start), end=year_before(period.end))
    start, end = period.received_range()
    before_start, before_end = previous.received_range()
    received = Q(received_at__gte=start, received_at__lt=end) | Q(
        received_at__gte=before_start, received_at__lt=before_end
    )
    report_months = _per_month(
        _in_kecamatan(Report.objects.filter(received, status__in=COUNTED_REPORT_STATUSES).order_by(), kecamatan),
        "received_at",
    )
    opened = Q(opened_at__gte=start, opened_at__lt=end) | Q(opened_at__gte=before_start, opened_at__lt=before_end)
    case_months = _per_month(_in_kecamatan(Case.objects.filter(opened).order_by(), kecamatan), "opened_at")
    rows = []
    for month in period.months():
        earlier = year_before(month)
        rows.append(
            MonthRow(
                month=month,
                previous_month=earlier,
                reports=report_months.get(month, 0),
                reports_previous=report_months.get(earlier, 0),
                cases=case_months.get(month, 0),
                cases_previous=case_months.get(earlier, 0),
            )
        )
    return rows


# --- 2. who, what, where --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: what it is (already translated or a place name) and how many."""

    label: str
    count: int
    key: str = ""  # the stored value it stands for, when there is one


@dataclass(frozen=True)
class AgeBandRow:
    band: str
    boys: int
    girls: int
    sex_unknown: int

    @property
    def total(self) -> int:
        return self.boys + self.girls + self.sex_unknown


@dataclass
class AreaRow:
    kecamatan: str
    count: int = 0
    kelurahan: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class CaseProfile:
    cases: int
    by_violence: list[Row]
    by_area: list[AreaRow]
    by_place: list[Row]
    children_by_age: list[AgeBandRow]
    by_perpetrator: list[Row]


def _labelled(rows, labels: dict, blank_label: str) -> list[Row]:
    """Grouped (value, count) rows with their label, most first; an unknown value shows as itself."""
    return sorted(
        (
            Row(label=str(labels.get(value, value)) if value else blank_label, count=count, key=value)
            for value, count in rows
        ),
        key=lambda row: (-row.count, row.label),
    )


def _grouped(queryset: QuerySet, *keys: str) -> list[tuple]:
    return list(queryset.values(*keys).annotate(count=Count("pk")).values_list(*keys, "count"))


def _cases_by_violence(cases: QuerySet[Case]) -> tuple[int, Counter]:
    """How many cases, and how many of them per form of violence in SIMFONI-PPA terms. 1 query.

    Forms of violence are a JSON list per case; a case with bullying and emotional violence counts
    once as emotional violence. PostgreSQL counts, per SIMFONI-PPA form, the cases whose list holds
    any of the forms that map to it (`?|`). A form outside SIMFONI_VIOLENCE (no write path stores
    one: they all check ViolenceType) would be counted as itself from the few lists holding one,
    in one more query.
    """
    sources: dict[str, list[str]] = {}
    for kind, simfoni in SIMFONI_VIOLENCE.items():
        sources.setdefault(simfoni, []).append(kind)
    known = Q(violence_types__contained_by=list(SIMFONI_VIOLENCE))
    figures = cases.aggregate(
        cases=Count("pk"),
        unknown=Count("pk", filter=~known),
        **{
            f"kind_{index}": Count("pk", filter=Q(violence_types__has_any_keys=kinds))
            for index, kinds in enumerate(sources.values())
        },
    )
    violence = Counter(
        {simfoni: figures[f"kind_{index}"] for index, simfoni in enumerate(sources) if figures[f"kind_{index}"]}
    )
    if figures["unknown"]:
        for types in cases.exclude(known).values_list("violence_types", flat=True):
            violence.update({kind for kind in types or [] if kind not in SIMFONI_VIOLENCE})
    return figures["cases"], violence


def case_profile(*, period: Period, kecamatan: Kecamatan | None, not_recorded: str) -> CaseProfile:
    """Cases opened in the period by form of violence, area, place; their children and perpetrators. 5 queries."""
    cases = cases_opened(period=period, kecamatan=kecamatan)
    case_ids = cases.values("pk")

    case_count, violence = _cases_by_violence(cases)
    violence_labels = dict(ViolenceType.choices)
    by_violence = sorted(
        (Row(label=str(violence_labels.get(kind, kind)), count=count, key=kind) for kind, count in violence.items()),
        key=lambda row: (-row.count, row.label),
    )

    by_area: dict[str, AreaRow] = {}
    area_rows = (
        cases.values("kelurahan__kecamatan__name", "kelurahan__name")
        .annotate(count=Count("pk"))
        .order_by("kelurahan__kecamatan__name", "kelurahan__name")
        .values_list("kelurahan__kecamatan__name", "kelurahan__name", "count")
    )
    for kecamatan_name, kelurahan_name, count in area_rows:
        area = by_area.setdefault(kecamatan_name, AreaRow(kecamatan=kecamatan_name))
        area.count += count
        area.kelurahan.append(Row(label=kelurahan_name, count=count))

    by_place = _labelled(_grouped(cases, "place"), dict(Place.choices), not_recorded)

    bands = {band: Counter() for band in AGE_BAND_LABELS}
    child_rows = (
        Child.objects.filter(case__in=case_ids)
        .order_by()
        .annotate(victim_age=Coalesce("age_at_incident", "age"))  # definitions.victim_age
        .values("victim_age", "sex")
        .annotate(count=Count("pk"))
        .values_list("victim_age", "sex", "count")
    )
    for age, sex, count in child_rows:
        bands[age_band(age)][sex if sex in CHILD_SEXES else ""] += count
    children_by_age = [
        AgeBandRow(band=band, boys=counts["L"], girls=counts["P"], sex_unknown=counts[""])
        for band, counts in bands.items()
    ]

    by_perpetrator = _labelled(
        _grouped(Perpetrator.objects.filter(case__in=case_ids).order_by(), "relation"),
        dict(PerpetratorRelation.choices),
        not_recorded,
    )
    return CaseProfile(
        cases=case_count,
        by_violence=by_violence,
        by_area=list(by_area.values()),
        by_place=by_place,
        children_by_age=children_by_age,
        by_perpetrator=by_perpetrator,
    )


# --- 3. services ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    key: str
    label: str
    total: int
    in_progress_or_done: int


@dataclass(frozen=True)
class Services:
    children: int
    children_served: int
    by_type: list[ServiceRow]

    @property
    def share_served(self) -> float | None:
        return 100 * self.children_served / self.children if self.children else None


def services_summary(*, period: Period, kecamatan: Kecamatan | None) -> Services:
    """Child victims of the period's cases and how many were served; services by type. 2 queries."""
    case_ids = cases_opened(period=period, kecamatan=kecamatan).values("pk")
    served = Exists(CaseService.objects.filter(case=OuterRef("case"), status__in=SERVED_STATUSES))
    children = (
        Child.objects.filter(case__in=case_ids)
        .order_by()
        .aggregate(total=Count("pk"), served=Count("pk", filter=served))
    )
    labels = dict(ServiceType.choices)
    rows = (
        CaseService.objects.filter(case__in=case_ids)
        .order_by()
        .values("service_type")
        .annotate(total=Count("pk"), active=Count("pk", filter=Q(status__in=SERVED_STATUSES)))
        .values_list("service_type", "total", "active")
    )
    by_type = sorted(
        (
            ServiceRow(key=kind, label=str(labels.get(kind, kind)), total=total, in_progress_or_done=active)
            for kind, total, active in rows
        ),
        key=lambda row: (-row.total, row.label),
    )
    return Services(children=children["total"], children_served=children["served"], by_type=by_type)


# --- 4. response ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    priority: str
    label: str
    acknowledged: int
    median_minutes: float | None
    p90_minutes: float | None
    in_time: int
    overdue_unacknowledged: int

    @property
    def due(self) -> int:
        """Reports whose deadline has been reached: acknowledged ones, and those still waiting past it."""
        return self.acknowledged + self.overdue_unacknowledged

    @property
    def share_in_time(self) -> float | None:
        return 100 * self.in_time / self.due if self.due else None


@dataclass(frozen=True)
class Response:
    by_priority: list[ResponseRow]
    escalations: dict[int, int]


class _Minutes(Func):
    """`acknowledged_at - received_at` in minutes, as Python counts them: float seconds / 60."""

    template = "(EXTRACT(EPOCH FROM (%(expressions)s))::double precision / 60)"
    arg_joiner = " - "
    output_field = FloatField()


class _Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregates over one expression (NULLs are left out)."""

    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, share: float, **extra):
        super().__init__(expression, share=float(share), **extra)


class Median(_Percentile):
    """The median as statistics.median counts it: the mean of the two middle values of an even count."""

    function = "percentile_cont"
    name = "Median"

    def __init__(self, expression, **extra):
        super().__init__(expression, share=0.5, **extra)


class NearestRank(_Percentile):
    """Nearest-rank percentile: the smallest value with at least `share` of all values at or below it."""

    function = "percentile_disc"
    name = "NearestRank"


def response_times(*, period: Period, kecamatan: Kecamatan | None, now) -> Response:
    """Acknowledgement time per priority and escalations per level. 2 queries.

    Grouped per priority in the database (a handful of rows, whatever the number of reports):
    the median and the nearest-rank 90th percentile of the minutes from receipt to
    acknowledgement, how many were acknowledged in time, how many still wait past their deadline.
    """
    reports = counted_reports(period=period, kecamatan=kecamatan)
    acknowledged = Q(acknowledged_at__isnull=False)
    minutes = _Minutes(F("acknowledged_at"), F("received_at"))
    figures = {
        row.pop("priority"): row
        for row in reports.values("priority").annotate(
            acknowledged=Count("pk", filter=acknowledged),
            median=Median(minutes, filter=acknowledged),
            p90=NearestRank(minutes, share=0.9, filter=acknowledged),
            in_time=Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due_at"))),
            waiting_late=Count("pk", filter=overdue_for_acknowledgement(now)),
        )
    }
    labels = dict(Priority.choices)
    nothing = {"acknowledged": 0, "median": None, "p90": None, "in_time": 0, "waiting_late": 0}
    priorities = list(Priority.values) + sorted(set(figures) - set(Priority.values))
    by_priority = []
    for priority in priorities:
        row = figures.get(priority, nothing)
        by_priority.append(
            ResponseRow(
                priority=priority,
                label=str(labels.get(priority, priority)),
                acknowledged=row["acknowledged"],
                median_minutes=row["median"],
                p90_minutes=row["p90"],
                in_time=row["in_time"],
                overdue_unacknowledged=row["waiting_late"],
            )
        )

    start, end = period.received_range()
    alerts = Alert.objects.filter(level__in=ESCALATION_LEVELS, created_at__gte=start, created_at__lt=end).order_by()
    if kecamatan is not None:
        alerts = alerts.filter(Q(report__kelurahan__kecamatan=kecamatan) | Q(case__kelurahan__kecamatan=kecamatan))
    per_level = dict(_grouped(alerts, "level"))
    return Response(
        by_priority=by_priority, escalations={level: per_level.get(level, 0) for level in ESCALATION_LEVELS}
    )


# --- 5. workload ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    caseload: list[Row]
    open_by_status: list[Row]
    open_cases: int
    overdue_services: int
    overdue_follow_ups: int
    closures: list[Row]
    closed: int


def workload(*, period: Period, kecamatan: Kecamatan | None, today: date) -> Workload:
    """Open cases now (per officer, per step), what is overdue today, and closures in the period. 5 queries."""
    open_cases = _in_kecamatan(Case.objects.open().order_by(), kecamatan)

    in_area = Q(assigned_cases__status__in=OPEN_STATUSES)
    if kecamatan is not None:
        in_area &= Q(assigned_cases__kelurahan__kecamatan=kecamatan)
    officers = (
        User.objects.filter(Q(role__in=roles_with(Capability.TAKE_CASES), is_active=True) | Q(in_area))
        .annotate(open_cases=Count("assigned_cases", filter=in_area, distinct=True))
        .order_by("-open_cases", "first_name", "last_name", "username")
        .distinct()
    )
    caseload = [
        Row(label=officer.get_full_name() or officer.username, count=officer.open_cases)
        for officer in officers.only("first_name", "last_name", "username")
    ]

    status_labels = dict(CaseStatus.choices)
    status_counts = dict(_grouped(open_cases, "status"))
    open_by_status = [
        Row(label=str(status_labels[status]), count=status_counts.get(status, 0), key=status)
        for status in OPEN_STATUSES
    ]

    # As the alerts and the case pages count them (cases.models).
    overdue_services = _in_kecamatan(
        CaseService.objects.overdue(today), kecamatan, "case__kelurahan__kecamatan"
    ).count()
    overdue_follow_ups = open_cases.follow_up_overdue(today).count()

    start, end = period.received_range()
    closed = _in_kecamatan(
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end), kecamatan
    )
    closures = _labelled(_grouped(closed.order_by(), "closure_reason"), dict(ClosureReason.choices), "")
    return Workload(
        caseload=caseload,
        open_by_status=open_by_status,
        open_cases=sum(status_counts.values()),
        overdue_services=overdue_services,
        overdue_follow_ups=overdue_follow_ups,
        closures=closures,
        closed=sum(row.count for row in closures),
    )


# --- 6. outreach ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachRow:
    kecamatan: str
    rts_known: int
    rts_reached: int
    share_reached: float | None
    active_groups: int
    reports: int


@dataclass(frozen=True)
class Outreach:
    coverage: Coverage
    rows: list[OutreachRow]
    active_groups: int
    reports: int


def outreach_summary(*, user: User, period: Period, kecamatan: Kecamatan | None, today: date) -> Outreach:
    """RTs reached in the last twelve months and active groups beside the period's reports, per kecamatan.

    outreach_coverage (4 queries) plus 2."""
    coverage = outreach_coverage(user=user, period=last_twelve_months(today=today), kecamatan=kecamatan)
    groups = dict(
        _grouped(
            _in_kecamatan(
                groups_for(user).select_related(None).filter(active=True).order_by(),
                kecamatan,
                "rt__kelurahan__kecamatan",
            ),
            "rt__kelurahan__kecamatan__name",
        )
    )
    reports = dict(_grouped(counted_reports(period=period, kecamatan=kecamatan), "kelurahan__kecamatan__name"))
    rows = [
        OutreachRow(
            kecamatan=area.name,
            rts_known=area.rts_known,
            rts_reached=area.rts_reached,
            share_reached=area.share_reached,
            active_groups=groups.get(area.name, 0),
            reports=reports.get(area.name, 0),
        )
        for area in coverage.kecamatan
    ]
    return Outreach(
        coverage=coverage,
        rows=rows,
        active_groups=sum(groups.values()),
        reports=sum(reports.values()),
    )


# --- 2b. doors ----------------------------------------------------------------------------------------


def reports_by_channel(*, period: Period, kecamatan: Kecamatan | None) -> list[Row]:
    """Counted reports per channel, most first (definitions: reports by channel). 1 query."""
    rows = _grouped(counted_reports(period=period, kecamatan=kecamatan), "channel")
    return _labelled(rows, dict(Channel.choices), blank_label="–")


# --- 7. from case to justice ----------------------------------------------------------------------


@dataclass(frozen=True)
class PoliceHandover:
    """TPKS Pasal 41 cases of the period by state (definitions: TPKS Pasal 41 cases)."""

    cases: int
    in_time: int
    late: int
    waived: int
    pending: int
    overdue: int  # of the pending ones

    @property
    def due(self) -> int:
        return self.in_time + self.late + self.overdue

    @property
    def share_in_time(self) -> float | None:
        return 100 * self.in_time / self.due if self.due else None


@dataclass(frozen=True)
class ReferralKindRow:
    key: str
    label: str
    total: int
    open: int
    unanswered: int


@dataclass(frozen=True)
class Referrals:
    total: int
    open: int
    unanswered: int
    answer_days: int
    by_status: list[Row]
    by_kind: list[ReferralKindRow]


@dataclass(frozen=True)
class PerpetratorAgeRow:
    """Perpetrators of one age group (child in conflict with the law, adult, not known) by sex."""

    key: str
    male: int
    female: int
    sex_unknown: int

    @property
    def total(self) -> int:
        return self.male + self.female + self.sex_unknown


@dataclass(frozen=True)
class Justice:
    legal_cases: int
    by_stage: list[Row]
    police: PoliceHandover
    referrals: Referrals
    perpetrators: list[PerpetratorAgeRow]
    transfers_out: int

    @property
    def child_perpetrators(self) -> int:
        return next(row.total for row in self.perpetrators if row.key == "child")


PERPETRATOR_AGE_GROUPS = {True: "child", False: "adult", None: "unknown"}


def _legal_stages(case_ids: QuerySet) -> tuple[int, list[Row]]:
    """The period's cases with a legal record, by stage in the order of the process. 1 query."""
    counts = dict(_grouped(LegalRecord.objects.filter(case__in=case_ids).order_by(), "stage"))
    labels = dict(LegalStage.choices)
    stages = list(LegalStage.values) + sorted(set(counts) - set(LegalStage.values))
    rows = [Row(label=str(labels.get(stage, stage)), count=counts.get(stage, 0), key=stage) for stage in stages]
    return sum(counts.values()), rows


def _police_handover(cases: QuerySet[Case], now) -> PoliceHandover:
    """TPKS Pasal 41 cases by state, one aggregate. 1 query."""
    states = police_handover_states(now=now)
    figures = cases.filter(tpks_case()).aggregate(
        cases=Count("pk"), **{state: Count("pk", filter=states[state]) for state in POLICE_HANDOVER_STATES}
    )
    return PoliceHandover(**figures)


def _referrals(*, period: Period, kecamatan: Kecamatan | None, today: date) -> Referrals:
    """Referrals sent in the period by status and provider kind; open and unanswered ones. 1 query."""
    referrals = _in_kecamatan(
        Referral.objects.filter(sent_on__gte=period.start, sent_on__lte=period.end).order_by(),
        kecamatan,
        "case__kelurahan__kecamatan",
    )
    rows = list(
        referrals.values("status", "provider__kind")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_REFERRAL_STATUSES)),
            unanswered=Count("pk", filter=Q(pk__in=referrals_unanswered(today).values("pk"))),
        )
        .values_list("status", "provider__kind", "total", "open", "unanswered")
    )
    per_status, per_kind = Counter(), {}
    for status, kind, total, open_count, unanswered in rows:
        per_status[status] += total
        kind_counts = per_kind.setdefault(kind, Counter())
        kind_counts.update(total=total, open=open_count, unanswered=unanswered)
    status_labels, kind_labels = dict(ReferralStatus.choices), dict(ProviderKind.choices)
    statuses = list(ReferralStatus.values) + sorted(set(per_status) - set(ReferralStatus.values))
    by_kind = sorted(
        (
            ReferralKindRow(
                key=kind,
                label=str(kind_labels.get(kind, kind)),
                total=counts["total"],
                open=counts["open"],
                unanswered=counts["unanswered"],
            )
            for kind, counts in per_kind.items()
        ),
        key=lambda row: (-row.total, row.label),
    )
    return Referrals(
        total=sum(per_status.values()),
        open=sum(row.open for row in by_kind),
        unanswered=sum(row.unanswered for row in by_kind),
        answer_days=settings.REFERRAL_ANSWER_DAYS,
        by_status=[
            Row(label=str(status_labels.get(status, status)), count=per_status[status], key=status)
            for status in statuses
        ],
        by_kind=by_kind,
    )


def _perpetrators_by_age_group(case_ids: QuerySet) -> list[PerpetratorAgeRow]:
    """The period's perpetrators: children (ABH), adults, age not known; each by sex. 1 query."""
    groups = {group: Counter() for group in PERPETRATOR_AGE_GROUPS.values()}
    rows = _grouped(Perpetrator.objects.filter(case__in=case_ids).order_by(), "is_child", "sex")
    for is_child, sex, count in rows:
        groups[PERPETRATOR_AGE_GROUPS[is_child]][sex if sex in ("L", "P") else ""] += count
    return [
        PerpetratorAgeRow(key=group, male=counts["L"], female=counts["P"], sex_unknown=counts[""])
        for group, counts in groups.items()
    ]


def justice_summary(*, period: Period, kecamatan: Kecamatan | None, now) -> Justice:
    """Legal stages, TPKS Pasal 41, referrals, child perpetrators (ABH) and transfers out. 5 queries.

    Counts only: nothing here reads an identifying (encrypted) column."""
    cases = cases_opened(period=period, kecamatan=kecamatan)
    case_ids = cases.values("pk")
    legal_cases, by_stage = _legal_stages(case_ids)
    transfers = _in_kecamatan(
        CaseTransfer.objects.filter(transferred_on__gte=period.start, transferred_on__lte=period.end).order_by(),
        kecamatan,
        "case__kelurahan__kecamatan",
    )
    return Justice(
        legal_cases=legal_cases,
        by_stage=by_stage,
        police=_police_handover(cases, now),
        referrals=_referrals(period=period, kecamatan=kecamatan, today=timezone.localdate(now)),
        perpetrators=_perpetrators_by_age_group(case_ids),
        transfers_out=transfers.count(),
    )


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    period: Period
    kecamatan: Kecamatan | None
    months: list[MonthRow]
    profile: CaseProfile
    by_channel: list[Row]
    services: Services
    response: Response
    workload: Workload
    outreach: Outreach
    justice: Justice


def dashboard(*, user: User, period: Period, kecamatan: Kecamatan | None = None, not_recorded: str = "–") -> Dashboard:
    """Every figure of the dashboard page, in a fixed number of queries (see test_dashboard_staff)."""
    now = timezone.now()
    today = timezone.localdate(now)
    return Dashboard(
        period=period,
        kecamatan=kecamatan,
        months=monthly_counts(period=period, kecamatan=kecamatan),
        profile=case_profile(period=period, kecamatan=kecamatan, not_recorded=not_recorded),
        by_channel=reports_by_channel(period=period, kecamatan=kecamatan),
        services=services_summary(period=period, kecamatan=kecamatan),
        response=response_times(period=period, kecamatan=kecamatan, now=now),
        workload=workload(period=period, kecamatan=kecamatan, today=today),
        outreach=outreach_summary(user=user, period=period, kecamatan=kecamatan, today=today),
        justice=justice_summary(period=period, kecamatan=kecamatan, now=now),
    )


# --- 8. KLA evidence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KlaCaseRecords:
    """What the KLA evidence adds to the dashboard's figures about the period's cases (definitions:
    SIMFONI-PPA recording, post-service monitoring); their number is the dashboard's `profile.cases`."""

    simfoni_numbered: int
    simfoni_exported: int
    followed_up: int


def kla_case_records(*, period: Period, kecamatan: Kecamatan | None = None) -> KlaCaseRecords:
    """The period's cases with a SIMFONI-PPA number, in a SIMFONI-PPA export, with a follow-up visit. 1 query."""
    figures = cases_opened(period=period, kecamatan=kecamatan).aggregate(
        numbered=Count("pk", filter=~Q(simfoni_number="")),
        exported=Count("pk", filter=Q(simfoni_exported_at__isnull=False)),
        followed_up=Count("pk", filter=Exists(FollowUp.objects.filter(case=OuterRef("pk")))),
    )
    return KlaCaseRecords(
        simfoni_numbered=figures["numbered"],
        simfoni_exported=figures["exported"],
        followed_up=figures["followed_up"],
    )
