"""Reads about referrals and transfers: the words the alerts use, the case page's section, the
referral letter and the hand-over packet. Identifying (encrypted) fields are loaded only for a
reader who sees identities; the letter and the packet are only ever built for one."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from core.fields import identifying_fields
from reports.choices import Channel
from reports.models import Report

from .access import CaseAccess
from .choices import OPEN_REFERRAL_STATUSES, OPEN_STATUSES, ClosureReason, ConsentItem, ReferralStatus, ServiceType
from .models import Case, CaseService, CaseTransfer, Child, LegalRecord, Perpetrator, Referral


def referrals_unanswered(today: date) -> QuerySet[Referral]:
    """Referrals of open cases still waiting for the provider's answer REFERRAL_ANSWER_DAYS after
    they were sent: each reminds the case's officers once (alerts.services.reminder_sweep)."""
    return Referral.objects.filter(
        status=ReferralStatus.SENT,
        sent_on__lte=today - timedelta(days=settings.REFERRAL_ANSWER_DAYS),
        case__status__in=OPEN_STATUSES,
    )


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    unanswered: bool  # still sent, past REFERRAL_ANSWER_DAYS

    @property
    def consent_labels(self) -> list[str]:
        return [str(ConsentItem(item).label) for item in self.referral.consent_items]


@dataclass(frozen=True)
class ReferralSection:
    """The case page's "Referrals and transfer" section."""

    outgoing: list[ReferralRow]
    incoming: list[Report]  # the case's reports that came by referral from another agency
    transfer: CaseTransfer | None


def _referrals(case: Case, identities: bool) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(case=case).select_related("provider", "created_by")
    return referrals if identities else referrals.defer(*identifying_fields(Referral))


def referral_section(*, access: CaseAccess, today: date, with_incoming: bool = True) -> ReferralSection:
    """One query whatever the number of referrals, one more for the reports that came by referral
    (unless the caller knows there are none: `with_incoming`), one more for a transferred case."""
    case, identities = access.case, access.identities
    late = today - timedelta(days=settings.REFERRAL_ANSWER_DAYS)
    outgoing = [
        ReferralRow(referral=referral, unanswered=referral.status == ReferralStatus.SENT and referral.sent_on <= late)
        for referral in _referrals(case, identities)
    ]
    incoming = []
    if with_incoming:
        reports = Report.objects.filter(case_link__case=case, channel=Channel.REFERRAL).order_by("received_at", "pk")
        shown = {"source_contact_person"} if identities else set()
        incoming = list(reports.defer(*(name for name in identifying_fields(Report) if name not in shown)))
    transfer = None
    if case.closure_reason == ClosureReason.TRANSFERRED:  # only then can there be one: no query otherwise
        transfers = CaseTransfer.objects.filter(case=case).select_related("created_by")
        transfer = (transfers if identities else transfers.defer(*identifying_fields(CaseTransfer))).first()
    return ReferralSection(outgoing=outgoing, incoming=incoming, transfer=transfer)


def referral_for(case: Case, referral_uuid, *, identities: bool) -> Referral | None:
    try:
        return _referrals(case, identities).filter(uuid=referral_uuid).first()
    except ValueError:
        return None


@dataclass(frozen=True)
class ReferralLetter:
    """What a referral letter prints. Each part is None unless the consent covers it
    (cases.referrals.letter_shows): what is not covered is never even loaded."""

    case: Case
    referral: Referral
    shows: frozenset[str]
    children: list[Child] | None
    perpetrators: list[Perpetrator] | None
    reports: list[Report] | None  # the chronology and the address come from the reports
    services: list[CaseService] | None  # health services and their outcome
    legal: LegalRecord | None  # with "health": the visum's dates


def referral_letter(*, case: Case, referral: Referral, shows: frozenset[str]) -> ReferralLetter:
    needs_reports = bool(shows & {"chronology", "address"})
    reports = None
    if needs_reports:
        shown = {"narrative"} if "chronology" in shows else set()
        shown |= {"address_detail"} if "address" in shows else set()
        reports = list(
            Report.objects.filter(case_link__case=case)
            .select_related("kelurahan", "rt")
            .defer(*(name for name in identifying_fields(Report) if name not in shown))
            .order_by("received_at", "pk")
        )
    children = None
    if shows & {"child", "guardian_contact"}:
        children = list(Child.objects.filter(case=case))
    return ReferralLetter(
        case=case,
        referral=referral,
        shows=shows,
        children=children,
        perpetrators=list(Perpetrator.objects.filter(case=case)) if "perpetrator" in shows else None,
        reports=reports,
        services=(
            list(CaseService.objects.filter(case=case, service_type=ServiceType.KESEHATAN).select_related("provider"))
            if "health" in shows
            else None
        ),
        legal=LegalRecord.objects.filter(case=case).defer(*identifying_fields(LegalRecord)).first()
        if "health" in shows
        else None,
    )


@dataclass(frozen=True)
class TransferPacket:
    """The minimum a receiving UPTD PPA needs to go on (docs/architecture.md): the reference, the
    child's initials, sex and ages, the forms of violence, the risk, the services given, the open
    referrals, the legal stage, the contact officer. No name, address, contact, narrative, note,
    perpetrator description or service outcome: those follow by the agencies' own channels."""

    case: Case
    transfer: CaseTransfer
    children: list[Child]
    services: list[CaseService]
    open_referrals: list[Referral]
    legal: LegalRecord | None
    printed_on: date


def transfer_packet(*, case: Case) -> TransferPacket | None:
    transfer = CaseTransfer.objects.filter(case=case).first()
    if transfer is None:
        return None
    return TransferPacket(
        case=case,
        transfer=transfer,
        children=list(Child.objects.filter(case=case).only("case_id", "name", "age", "age_at_incident", "sex")),
        services=list(
            CaseService.objects.filter(case=case).select_related("provider").defer(*identifying_fields(CaseService))
        ),
        open_referrals=list(
            Referral.objects.filter(case=case, status__in=OPEN_REFERRAL_STATUSES)
            .select_related("provider")
            .defer(*identifying_fields(Referral))
        ),
        legal=LegalRecord.objects.filter(case=case).defer(*identifying_fields(LegalRecord)).first(),
        printed_on=timezone.localdate(),
    )
