"""Case exports: the rows (de-identified unless asked otherwise) and the CSV/XLSX files.

Counting follows dashboard.definitions: a case belongs to the local day of `opened_at`, a
child victim is a `cases.Child` row, forms of violence map to SIMFONI-PPA with SIMFONI_VIOLENCE.
The SIMFONI-PPA export writes the national labels of dashboard.simfoni, never the product's codes.
"""

import csv
import io
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.capabilities import Capability, user_can
from accounts.models import User
from cases.access import cases_for
from cases.choices import (
    OPEN_REFERRAL_STATUSES,
    CaseStatus,
    ClosureReason,
    LegalStage,
    PerpetratorRelation,
    RiskLevel,
    ServiceType,
)
from cases.models import Case, CaseReport, CaseService, Child, Perpetrator, Referral
from core.fields import identifying_fields
from core.periods import Period
from core.spreadsheets import neutralise
from reports.choices import Channel, Place, ViolenceType

from . import simfoni
from .definitions import age_band, police_handover_answer, victim_age
from .staff_selectors import SERVED_STATUSES

CHUNK_SIZE = 1000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _joined(values: Iterable) -> str:
    return "; ".join(str(value) for value in values)


def _distinct(values: Iterable) -> list:
    return list(dict.fromkeys(values))


def _label(choices, value: str) -> str:
    """The label of a known code; an unknown (or retired) code as it is stored."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


# --- selectors --------------------------------------------------------------------------------------


def cases_for_export(*, user: User, period: Period, identities: bool) -> QuerySet[Case]:
    """The cases opened in the period, with what a row needs fetched in a fixed number of queries.

    Only for holders of Capability.EXPORT, and with identities only for those of
    EXPORT_IDENTITIES (PermissionDenied otherwise). Encrypted fields an export does not show are
    never loaded (so never decrypted): the legal record gives only its stage, the police report
    date and whether the report went to the police in time (`police_handover`, as of now)."""
    if not user_can(user, Capability.EXPORT) or (identities and not user_can(user, Capability.EXPORT_IDENTITIES)):
        raise PermissionDenied
    start, end = period.received_range()
    children = Child.objects.all()
    if not identities:
        children = children.only("pk", "case_id", "age", "age_at_incident", "sex", "education", "disability")
    return (
        cases_for(user)
        .filter(opened_at__gte=start, opened_at__lt=end)
        .defer(*identifying_fields(Case))
        .annotate(
            legal_stage=F("legal__stage"),
            police_reported_on=F("legal__police_reported_on"),
            police_handover=police_handover_answer(now=timezone.now()),
        )
        .prefetch_related(
            Prefetch("children", queryset=children),
            Prefetch(
                "perpetrators",
                queryset=Perpetrator.objects.only(
                    "pk", "case_id", "relation", "sex", "age", "is_child", "lives_with_child"
                ),
            ),
            Prefetch("referrals", queryset=Referral.objects.only("pk", "case_id", "status")),
            Prefetch(
                "services", queryset=CaseService.objects.only("pk", "case_id", "service_type", "status", "planned_on")
            ),
            Prefetch(
                "case_reports",
                queryset=CaseReport.objects.select_related("report")
                .only("case_id", "report__channel", "report__received_at")
                .order_by("report__received_at", "report_id"),
            ),
        )
        .order_by("opened_at", "pk")
    )


def children_count(cases: QuerySet[Case]) -> int:
    return Child.objects.filter(case__in=cases.values("pk")).count()


def perpetrators_count(cases: QuerySet[Case]) -> int:
    return Perpetrator.objects.filter(case__in=cases.values("pk")).count()


# --- the cases export ---------------------------------------------------------------------------------


def case_header(*, identities: bool) -> list[str]:
    header = [
        gettext("Reference"),
        gettext("Status"),
        gettext("Opened"),
        gettext("Closed"),
        gettext("Date of the incident"),
        gettext("Kecamatan code"),
        gettext("Kecamatan"),
        gettext("Kelurahan code"),
        gettext("Kelurahan"),
        gettext("RT"),
        gettext("Place"),
        gettext("Forms of violence"),
        gettext("Risk"),
        gettext("Number of children"),
        gettext("Age bands"),
        gettext("Sexes"),
        gettext("Perpetrator relationships"),
        gettext("Services"),
        gettext("Closure reason"),
        gettext("Channels"),
        gettext("Legal stage"),
        gettext("Police report date"),
        gettext("Passed to the police within 3×24 hours"),
        gettext("Referrals"),
        gettext("Open referrals"),
        gettext("Perpetrator sexes"),
        gettext("Perpetrator ages"),
        gettext("Child perpetrators (ABH)"),
        gettext("Ages at the incident"),
    ]
    if identities:
        header += [gettext("Children's names"), gettext("Dates of birth"), gettext("Guardian contacts")]
    return header


def case_channels(case: Case) -> list[str]:
    """The channels its reports came in by, first report first (dashboard/definitions.py)."""
    return _distinct(link.report.channel for link in case.case_reports.all())


def _victim_band(child: Child) -> str:
    return age_band(victim_age(age_at_incident=child.age_at_incident, age=child.age))


def _justice(case: Case) -> tuple[list[Perpetrator], int, int]:
    """The case's perpetrators, its number of referrals and of open ones (prefetched)."""
    statuses = [referral.status for referral in case.referrals.all()]
    return list(case.perpetrators.all()), len(statuses), sum(status in OPEN_REFERRAL_STATUSES for status in statuses)


def case_rows(cases: QuerySet[Case], *, identities: bool) -> Iterator[list]:
    unknown = gettext("unknown")
    handover = {"yes": gettext("yes"), "no": gettext("no"), "waived": gettext("waived")}
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        children = list(case.children.all())
        perpetrators, referrals, open_referrals = _justice(case)
        row = [
            case.reference,
            _label(CaseStatus, case.status),
            _local_date(case.opened_at),
            _local_date(case.closed_at) or "",
            case.occurred_on or "",
            case.kelurahan.kecamatan.code,
            case.kelurahan.kecamatan.name,
            case.kelurahan.code,
            case.kelurahan.name,
            case.rt.label if case.rt else "",
            _label(Place, case.place) if case.place else "",
            _joined(_label(ViolenceType, code) for code in case.violence_types),
            _label(RiskLevel, case.risk_level) if case.risk_level else "",
            len(children),
            _joined(unknown if _victim_band(child) == "unknown" else _victim_band(child) for child in children),
            _joined(child.sex or unknown for child in children),
            _joined(_distinct(_label(PerpetratorRelation, p.relation) for p in case.perpetrators.all())),
            _joined(_distinct(_label(ServiceType, s.service_type) for s in case.services.all())),
            _label(ClosureReason, case.closure_reason) if case.closure_reason else "",
            _joined(_label(Channel, channel) for channel in case_channels(case)),
            _label(LegalStage, case.legal_stage) if case.legal_stage else "",
            case.police_reported_on or "",
            handover.get(case.police_handover, simfoni.NOT_APPLICABLE),
            referrals,
            open_referrals,
            _joined(p.sex or unknown for p in perpetrators),
            _joined(unknown if p.age is None else p.age for p in perpetrators),
            sum(p.is_child is True for p in perpetrators),
            _joined(unknown if child.age_at_incident is None else child.age_at_incident for child in children),
        ]
        if identities:
            row += [
                _joined(child.name for child in children),
                _joined(child.birth_date or unknown for child in children),
                _joined(child.guardian_contact or unknown for child in children),
            ]
        yield row


# --- the SIMFONI-PPA export ---------------------------------------------------------------------------


def registered_on(case: Case) -> date:
    """The local day the complaint was registered: the first report's arrival, else the case's opening
    (a case is opened only from a report, so the fallback is for a case whose reports were removed)."""
    links = list(case.case_reports.all())
    return _local_date(links[0].report.received_at if links else case.opened_at)


def _given_services(case: Case) -> list[str]:
    """The services given: in progress or done (definitions: a child is "served"), first planned first."""
    return _distinct(s.service_type for s in case.services.all() if s.status in SERVED_STATUSES)


def _yes_no(value: bool | None) -> str:
    return simfoni.DISABILITY[value]


def simfoni_rows(cases: QuerySet[Case], *, new_cases: Collection[int] = frozenset()) -> Iterator[list]:
    """The "Korban" sheet: one row per child victim, in the national labels (dashboard.simfoni).
    `new_cases` are the ids of the cases this download is the first to hold. Never identities."""
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        perpetrators, referrals, open_referrals = _justice(case)
        kelurahan = case.kelurahan
        shared = [
            simfoni.label(simfoni.PLACE, case.place),
            simfoni.label(simfoni.PLACE_DETAIL, case.place),
            _joined(_distinct(simfoni.violence_label(code) for code in case.violence_types)),
            _joined(_distinct(simfoni.label(simfoni.PERPETRATOR_RELATION, p.relation) for p in perpetrators)),
            _joined(simfoni.label(simfoni.SERVICE, code) for code in _given_services(case)),
            _joined(simfoni.label(simfoni.CHANNEL, channel) for channel in case_channels(case)),
            _joined(simfoni.label(simfoni.PERPETRATOR_SEX, p.sex) or simfoni.UNKNOWN for p in perpetrators),
            _joined(simfoni.UNKNOWN if p.age is None else p.age for p in perpetrators),
            sum(p.is_child is True for p in perpetrators),
            simfoni.label(simfoni.LEGAL_STAGE, case.legal_stage),
            case.police_reported_on or "",
            simfoni.POLICE_HANDOVER.get(case.police_handover, simfoni.NOT_APPLICABLE),
            referrals,
            open_referrals,
        ]
        head = [
            case.reference,
            case.simfoni_number,
            simfoni.YES if case.pk in new_cases else simfoni.NO,
            registered_on(case),
            case.occurred_on or "",
        ]
        for child in case.children.all():
            band = _victim_band(child)
            yield [
                *head,
                simfoni.UNKNOWN if child.age_at_incident is None else child.age_at_incident,
                simfoni.UNKNOWN if band == "unknown" else band,
                simfoni.label(simfoni.SEX, child.sex) or simfoni.UNKNOWN,
                simfoni.label(simfoni.EDUCATION, child.education),
                _yes_no(child.disability),
                kelurahan.kecamatan.code,
                kelurahan.kecamatan.name,
                kelurahan.code,
                kelurahan.name,
                *shared,
            ]


def simfoni_perpetrator_rows(cases: QuerySet[Case]) -> Iterator[list]:
    """The "Pelaku" sheet: one row per perpetrator, in the national labels. Never identities (no
    description: it is not even loaded)."""
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        kelurahan = case.kelurahan
        for perpetrator in case.perpetrators.all():
            yield [
                case.reference,
                case.simfoni_number,
                simfoni.label(simfoni.PERPETRATOR_SEX, perpetrator.sex) or simfoni.UNKNOWN,
                simfoni.UNKNOWN if perpetrator.age is None else perpetrator.age,
                simfoni.CHILD_PERPETRATOR[perpetrator.is_child],
                simfoni.label(simfoni.PERPETRATOR_RELATION, perpetrator.relation),
                simfoni.LIVES_WITH_CHILD[perpetrator.lives_with_child],
                kelurahan.kecamatan.code,
                kelurahan.code,
                case.occurred_on or "",
            ]


# --- files --------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    """UTF-8 with a BOM (so Excel reads it), streamed row by row."""
    writer = csv.writer(_Echo())
    language = translation.get_language()

    def lines() -> Iterator[str]:
        # Streamed after the view has returned: keep the request's language for the labels.
        with translation.override(language):
            yield "\ufeff" + writer.writerow(header)
            for row in rows:
                yield writer.writerow([neutralise(value) for value in row])

    return _attachment(StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"), filename)


def _xlsx_value(value):
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_response(filename: str, sheets: Iterable[tuple[str, list[str], Iterable[list]]]) -> HttpResponse:
    """One workbook with a sheet per (title, header, rows)."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([_xlsx_value(value) for value in header])
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)
