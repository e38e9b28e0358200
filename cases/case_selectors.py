"""Reads for the staff case pages. Each one runs a fixed number of queries, whatever the size
of the caseload or of one case, and decrypts only what the reader may see."""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.capabilities import Capability, holders, user_can
from accounts.models import User
from areas.models import Kecamatan
from core.fields import identifying_fields
from core.models import AuditEvent
from reports.models import Report, ReportMessage
from triage.threads import unread_messages, unread_per_case

from .access import CaseAccess, cases_for, reports_for
from .audit import CaseAction
from .models import Case, CaseNote, CaseReport, CaseService, Child, FollowUp, Perpetrator

STATUS_OPEN, STATUS_ALL = "open", "all"


def _channels_per_case() -> Subquery:
    """The doors the case's reports came in by (web, walk-in, referral…), distinct and sorted, in
    the case query itself: shown on the case list."""
    channels = (
        CaseReport.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(channels=ArrayAgg("report__channel", distinct=True, order_by="report__channel"))
        .values("channels")
    )
    return Subquery(channels, output_field=ArrayField(CharField()))


def _count_per_case(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT in the case query itself: no join that multiplies rows, no query per row."""
    counted = queryset.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class CaseFilters:
    status: str = STATUS_OPEN  # "open", "all" or one CaseStatus
    officer: User | None = None
    kecamatan: Kecamatan | None = None


def case_list(*, user: User, filters: CaseFilters, today: date) -> QuerySet[Case]:
    """The cases `user` may see, for the list: no identifying field is read or decrypted.
    `unread_messages`: the reporters' messages in the case's reports `user` has not read (0 for
    those who do not read threads); the open cases come with the closed ones that have any."""
    unread = unread_per_case(user) if user_can(user, Capability.TRIAGE) else Value(0)
    cases = cases_for(user).defer(*identifying_fields(Case)).annotate(unread_messages=unread)
    if filters.status == STATUS_OPEN:
        cases = cases.open() | cases.filter(unread_messages__gt=0)
    elif filters.status != STATUS_ALL:
        cases = cases.filter(status=filters.status)
    if filters.officer is not None:
        cases = cases.filter(Q(assigned_officer=filters.officer) | Q(second_officer=filters.officer))
    if filters.kecamatan is not None:
        cases = cases.filter(kelurahan__kecamatan=filters.kecamatan)
    return cases.with_next_follow_up().annotate(
        children_count=_count_per_case(Child.objects.all()),
        overdue_services=_count_per_case(CaseService.objects.overdue(today)),
        report_channels=_channels_per_case(),
    )


def case_officers() -> QuerySet[User]:
    return holders(Capability.TAKE_CASES).order_by("first_name", "last_name", "username")


@dataclass(frozen=True)
class ChildRow:
    child: Child
    birth_date: date | None


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows besides the case itself. Identifying parts are None
    when the reader may not see identities; they are then never loaded, so never decrypted."""

    case_reports: list[CaseReport]
    children: list[ChildRow] | None
    children_count: int
    perpetrators: list[Perpetrator]
    services: list[CaseService]
    follow_ups: list[FollowUp]
    notes: list[CaseNote] | None
    timeline: list[AuditEvent]
    people: dict[int, User]  # officers named in the timeline's assignment rows


def case_events(case: Case) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=Case._meta.label_lower, target_id=str(case.pk))


def case_page(*, access: CaseAccess, today: date) -> CasePage:
    case, identities = access.case, access.identities
    # Each report's summary on the case page: date, channel, forms of violence (one prefetch), and the
    # narrative only for those who see identities (an encrypted field, never loaded otherwise).
    summary_fields = ["report__occurred_on", *(["report__narrative"] if identities else [])]
    case_reports = list(
        CaseReport.objects.filter(case=case)
        .select_related("report")
        .prefetch_related("report__violence_types")
        .only(
            "case_id",
            "linked_at",
            "report__uuid",
            "report__received_at",
            "report__status",
            "report__channel",
            "report__source_agency",
            *summary_fields,
        )
    )
    perpetrators = Perpetrator.objects.filter(case=case)
    services = CaseService.objects.filter(case=case).select_related("provider")
    follow_ups = FollowUp.objects.filter(case=case).select_related("visited_by")
    if identities:
        children = [
            ChildRow(child=child, birth_date=date.fromisoformat(child.birth_date) if child.birth_date else None)
            for child in Child.objects.filter(case=case)
        ]
        children_count = len(children)
        notes = list(CaseNote.objects.filter(case=case).select_related("author"))
    else:
        children, notes = None, None
        children_count = Child.objects.filter(case=case).count()
        perpetrators = perpetrators.defer(*identifying_fields(Perpetrator))
        services = services.defer(*identifying_fields(CaseService))
        follow_ups = follow_ups.defer(*identifying_fields(FollowUp))
    timeline = list(case_events(case).changes().select_related("actor").order_by("-at", "-pk"))
    assigned_ids = {
        pk
        for event in timeline
        if event.action == CaseAction.ASSIGNED
        for pk in (event.data.get("officer"), event.data.get("second_officer"))
        if pk
    }
    people = User.objects.in_bulk(assigned_ids) if assigned_ids else {}
    services = services.with_overdue(today)
    return CasePage(
        case_reports=case_reports,
        children=children,
        children_count=children_count,
        perpetrators=list(perpetrators),
        services=list(services),
        follow_ups=list(follow_ups),
        notes=notes,
        timeline=timeline,
        people=people,
    )


def case_views(case: Case) -> QuerySet[AuditEvent]:
    """Who opened the case's identifying data, and when (newest first)."""
    return case_events(case).filter(action=CaseAction.VIEWED).select_related("actor").order_by("-at", "-pk")


@dataclass(frozen=True)
class ReportThread:
    """A report linked to the case, for the case page: its summary and its message thread,
    each message with whether the reader had read it before this page."""

    report: Report
    messages: list[tuple[ReportMessage, bool]]

    @property
    def unread(self) -> int:
        return sum(1 for _message, unread in self.messages if unread)


def case_threads(*, access: CaseAccess, user: User) -> list[ReportThread]:
    """The linked reports `user` may read with their threads, each message flagged unread for
    them (triage.threads.unread_messages, the one rule): three queries (reports, messages, the
    unread ones) whatever the number of reports. Nobody who cannot read a report and its
    identities (the head of agency) gets any. Reads only: the page marks what it showed as read
    (threads_mark_read)."""
    if not (access.identities and user_can(user, Capability.TRIAGE)):
        return []
    reports = list(
        reports_for(user)
        .filter(case_link__case=access.case)
        .select_related("kelurahan__kecamatan")
        .order_by("received_at", "pk")
    )
    messages: dict[int, list[ReportMessage]] = {report.pk: [] for report in reports}
    for message in ReportMessage.objects.filter(report__in=reports).select_related("author"):
        messages[message.report_id].append(message)
    unread = set(unread_messages(user).filter(report__in=reports).values_list("pk", flat=True))
    threads = [
        ReportThread(report=report, messages=[(message, message.pk in unread) for message in messages[report.pk]])
        for report in reports
    ]
    return threads
