"""The legal process of a case (proses hukum) and the duties UU 12/2022 (TPKS) puts on it.

- Pasal 41: a sexual-violence report goes to the police within 3x24 hours of its receipt
  (TPKS_POLICE_REFERRAL_HOURS). `police_due_at` is the one definition of that deadline, used by
  the case page, the triage inbox and report page, and the reminder and escalation sweep
  (alerts.services.legal_sweep); `police_deadline` says how it stands in words.
- Pasal 23: no mediation of sexual violence, unless every perpetrator is a child
  (`mediation_refusal`, asked by cases.services.service_plan/service_update).

Every change is one service here: keyword-only, in a transaction, by someone who works on the
case (its officers, or a supervisor), with an audit row on the case. The legal record names the
version it started from, like a case edit; a stale edit is refused naming the last change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from core.audit import audit_log
from core.errors import DomainError, input_values, raise_first
from core.wording import duration_in_words
from reports.choices import SEXUAL_VIOLENCE_TYPES
from reports.models import Report

from .audit import CaseAction
from .choices import CaseStatus, LegalStage, RequestStatus, ServiceType
from .models import Case, CourtHearing, LegalRecord, Perpetrator

TEXT_MAX_LENGTH = 5000
# A hearing or a referral to the police is recorded within this many days of today: anything
# further is a typing error (a year 0290 or 2620).
PLAUSIBLE_DAYS = 10 * 366
NAME_MAX_LENGTH = 200
NUMBER_MAX_LENGTH = 100


# --- the Pasal 41 deadline: one definition --------------------------------------------------------


def police_due_at(received_at: datetime) -> datetime:
    """When a sexual-violence report received at `received_at` must be with the police."""
    return received_at + timedelta(hours=settings.TPKS_POLICE_REFERRAL_HOURS)


def tpks_case() -> Q:
    """A TPKS Pasal 41 case, as a condition on `Case`: sexual violence among its forms of
    violence, or a legal record that carries the deadline. `case_is_sexual_violence` for one case."""
    sexual = Q()
    for kind in sorted(SEXUAL_VIOLENCE_TYPES):
        sexual |= Q(violence_types__contains=[kind])
    return sexual | Q(legal__police_due_at__isnull=False)


def police_handover_states(*, now: datetime) -> dict[str, Q]:
    """Each state of the Pasal 41 deadline as a condition on `Case`, as `police_deadline` says it
    for one case ("pending" includes "overdue"). A case without a legal record is not passed yet
    (`isnull` on `legal__` joins it LEFT)."""
    not_passed = Q(legal__police_referred_at__isnull=True, legal__police_waived_at__isnull=True)
    return {
        "in_time": Q(legal__police_referred_at__isnull=False)
        & (Q(legal__police_due_at__isnull=True) | Q(legal__police_referred_at__lte=F("legal__police_due_at"))),
        "late": Q(legal__police_referred_at__gt=F("legal__police_due_at")),
        "waived": Q(legal__police_waived_at__isnull=False),
        "pending": not_passed,
        "overdue": not_passed & Q(legal__police_due_at__lt=now),
    }


def is_sexual_violence(violence_types: Iterable[str]) -> bool:
    return not SEXUAL_VIOLENCE_TYPES.isdisjoint(violence_types)


def report_is_sexual_violence(report: Report) -> bool:
    """From the report's forms of violence (prefetched by the inbox: no query per row)."""
    return is_sexual_violence(row.violence_type for row in report.violence_types.all())


@dataclass(frozen=True)
class PoliceDeadline:
    due_at: datetime
    state: str  # "open", "referred" or "waived"
    overdue: bool
    text: str


def police_deadline(
    *, due_at: datetime, now: datetime, referred_at: datetime | None = None, waived_at: datetime | None = None
) -> PoliceDeadline:
    """How the Pasal 41 deadline stands: passed to the police (in time or late), not passed with
    a recorded reason, or the time left / overdue."""
    if referred_at is not None:
        text = _("Passed to the police late") if referred_at > due_at else _("Passed to the police in time")
        return PoliceDeadline(due_at, "referred", overdue=False, text=text)
    if waived_at is not None:
        return PoliceDeadline(due_at, "waived", overdue=False, text=_("Not passed to the police: reason recorded"))
    if now <= due_at:
        text = _("%(duration)s left to pass it to the police") % {"duration": duration_in_words(due_at - now)}
        return PoliceDeadline(due_at, "open", overdue=False, text=text)
    text = _("%(duration)s overdue for the police (TPKS Pasal 41)") % {"duration": duration_in_words(now - due_at)}
    return PoliceDeadline(due_at, "open", overdue=True, text=text)


def record_police_deadline(record: LegalRecord | None, *, now: datetime) -> PoliceDeadline | None:
    if record is None or record.police_due_at is None:
        return None
    return police_deadline(
        due_at=record.police_due_at, now=now, referred_at=record.police_referred_at, waived_at=record.police_waived_at
    )


def report_police_deadline(
    report: Report, *, now: datetime, record: LegalRecord | None = None
) -> PoliceDeadline | None:
    """The deadline of a sexual-violence report, from its receipt; its case's record says whether
    it was met, once the report is in a case."""
    if record is not None and record.police_due_at is not None:
        return record_police_deadline(record, now=now)
    if not report_is_sexual_violence(report):
        return None
    return police_deadline(due_at=police_due_at(report.received_at), now=now)


# --- Pasal 23: no mediation of sexual violence unless the perpetrator is a child ---------------------


def case_is_sexual_violence(case: Case) -> bool:
    """`tpks_case` for one case."""
    return is_sexual_violence(case.violence_types) or Case.objects.filter(tpks_case(), pk=case.pk).exists()


def mediation_refusal(*, case: Case, service_type: str) -> DomainError | None:
    """UU TPKS Pasal 23: a sexual-violence case is not settled out of court; only where every
    recorded perpetrator is a child (and one is recorded) may mediation (diversion) be planned."""
    if service_type != ServiceType.MEDIASI or not case_is_sexual_violence(case):
        return None
    children = list(case.perpetrators.values_list("is_child", flat=True))
    if children and all(is_child is True for is_child in children):
        return None
    return DomainError(
        _(
            "UU TPKS Pasal 23: sexual violence is not settled out of court, so mediation cannot be planned, "
            "unless every perpetrator is a child (record their age first)."
        ),
        code="tpks_no_mediation",
        field="service_type",
    )


# --- helpers ----------------------------------------------------------------------------------------


def _require_editor(case: Case, user: User) -> None:
    """Its officers, or a supervisor: those who work on the case (cases.access.CaseAccess.can_edit)."""
    assigned = user is not None and user.pk in (case.assigned_officer_id, case.second_officer_id)
    if not user_can(user, Capability.WORK_ON_CASES) or not (assigned or user_can(user, Capability.SUPERVISE)):
        raise DomainError(_("Only the officers of this case and supervisors can change it."), code="not_allowed")


def _require_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("This case is closed. Reopen it first."), code="case_closed")


def _claim(case: Case, expected_version: int) -> LegalRecord:
    """The case's legal record for an edit that started from `expected_version` (1 before it
    exists), or a refusal naming the last change."""
    LegalRecord.objects.get_or_create(case=case)
    if not LegalRecord.objects.filter(case=case, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    ):
        from .services import _stale  # one wording of a stale edit for the whole case

        raise _stale(case)
    return LegalRecord.objects.select_for_update().get(case=case)


def _plausible(moment: datetime, now: datetime) -> bool:
    return abs(moment - now) <= timedelta(days=PLAUSIBLE_DAYS)


def _log(case: Case, acting_user: User | None, action: CaseAction, **data) -> None:
    audit_log(actor=acting_user, action=action, target=case, data=data)


# --- services ---------------------------------------------------------------------------------------


def legal_record_open_for_sexual_violence(
    *, case: Case, received_at: datetime, acting_user: User | None
) -> LegalRecord | None:
    """Start the Pasal 41 clock for a case that holds sexual violence: its legal record with
    `police_due_at` from the report's receipt. Called in the transaction that opens the case or
    accepts a sexual-violence report into it (cases.services); a clock already running is kept."""
    due_at = police_due_at(received_at)
    record, created = LegalRecord.objects.get_or_create(case=case, defaults={"police_due_at": due_at})
    if not created:
        if record.police_due_at is not None:
            return record
        LegalRecord.objects.filter(pk=record.pk).update(police_due_at=due_at)
        record.refresh_from_db()
    _log(case, acting_user, CaseAction.LEGAL_DEADLINE_STARTED, police_due_at=record.police_due_at.isoformat())
    return record


@dataclass
class LegalRecordInput:
    stage: str = LegalStage.NOT_REPORTED
    police_unit: str = ""
    police_report_number: str = ""
    police_reported_on: date | None = None
    visum_requested_on: date | None = None
    visum_done_on: date | None = None
    verdict_on: date | None = None
    verdict_outcome: str = ""
    restitution: str = ""
    lpsk_protection: str = ""


def legal_input_errors(data: LegalRecordInput, *, today: date) -> dict[str, list[str]]:
    """Every rule of the legal record, for the form, the API and the service."""
    errors: dict[str, list[str]] = {}
    if data.stage not in LegalStage.values:
        errors["stage"] = [_("Choose a stage from the list.")]
    for name in ("restitution", "lpsk_protection"):
        if getattr(data, name) not in RequestStatus.values:
            errors[name] = [_("Choose a status from the list.")]
    for name in ("police_reported_on", "visum_requested_on", "visum_done_on", "verdict_on"):
        value = getattr(data, name)
        if value and value > today:
            errors[name] = [_("The date cannot be in the future.")]
    if data.visum_done_on and not data.visum_requested_on:
        errors.setdefault("visum_requested_on", [_("Give the date the visum was requested.")])
    elif data.visum_done_on and data.visum_done_on < data.visum_requested_on:
        errors.setdefault("visum_done_on", [_("The visum cannot be done before it was requested.")])
    if data.stage == LegalStage.VERDICT and not data.verdict_on:
        errors.setdefault("verdict_on", [_("Give the date of the verdict.")])
    if data.verdict_outcome.strip() and not data.verdict_on:
        errors.setdefault("verdict_on", [_("Give the date of the verdict.")])
    for name, limit in (("police_unit", NAME_MAX_LENGTH), ("police_report_number", NUMBER_MAX_LENGTH)):
        if len(getattr(data, name)) > limit:
            errors[name] = [_("At most %(count)d characters.") % {"count": limit}]
    if len(data.verdict_outcome) > TEXT_MAX_LENGTH:
        errors["verdict_outcome"] = [_("At most %(count)d characters.") % {"count": TEXT_MAX_LENGTH}]
    return errors


@transaction.atomic
def legal_record_update(*, case: Case, data: LegalRecordInput, expected_version: int, acting_user: User) -> LegalRecord:
    """Record where the case stands with the police and the courts. A stage past "not reported"
    means the police have it: the Pasal 41 duty is then met (passed to the police, now)."""
    _require_editor(case, acting_user)
    _require_open(case)
    raise_first(legal_input_errors(data, today=timezone.localdate()))
    record = _claim(case, expected_version)
    values = input_values(data)
    values.update(
        police_unit=data.police_unit.strip(),
        police_report_number=data.police_report_number.strip(),
        verdict_outcome=data.verdict_outcome.strip(),
    )
    changed = sorted(name for name, value in values.items() if getattr(record, name) != value)
    for name, value in values.items():
        setattr(record, name, value)
    passed = data.stage != LegalStage.NOT_REPORTED and record.police_referred_at is None
    if passed:  # a waiver recorded before gives way, as in legal_police_refer
        record.police_referred_at, record.police_waived_at, record.police_waiver_reason = timezone.now(), None, ""
    record.save()
    # The names of what changed, never the values: the verdict and report numbers stay out of the trail.
    _log(case, acting_user, CaseAction.LEGAL_UPDATED, fields=changed, stage=record.stage, police_referred=passed)
    return record


@transaction.atomic
def legal_police_refer(
    *,
    case: Case,
    expected_version: int,
    acting_user: User,
    police_unit: str = "",
    referred_at: datetime | None = None,
) -> LegalRecord:
    """TPKS Pasal 41 done: the report was passed to the police (now, or when it was). A case not
    yet reported moves to inquiry (penyelidikan); a waiver recorded before gives way to it."""
    _require_editor(case, acting_user)
    _require_open(case)
    now = timezone.now()
    if referred_at is not None and referred_at > now:
        raise DomainError(_("The date cannot be in the future."), code="invalid", field="referred_at")
    if referred_at is not None and not _plausible(referred_at, now):
        raise DomainError(_("Give a date within ten years of today."), code="invalid", field="referred_at")
    if len(police_unit) > NAME_MAX_LENGTH:
        raise DomainError(
            _("At most %(count)d characters.") % {"count": NAME_MAX_LENGTH}, code="invalid", field="police_unit"
        )
    record = _claim(case, expected_version)
    if record.police_referred_at is not None:
        raise DomainError(_("Passing it to the police is already recorded."), code="already_recorded")
    record.police_referred_at = referred_at or now
    record.police_waived_at, record.police_waiver_reason = None, ""
    if record.stage == LegalStage.NOT_REPORTED:
        record.stage = LegalStage.INQUIRY
    if police_unit.strip():
        record.police_unit = police_unit.strip()
    record.save()
    late = record.police_due_at is not None and record.police_referred_at > record.police_due_at
    _log(case, acting_user, CaseAction.LEGAL_POLICE_REFERRED, stage=record.stage, late=late)
    return record


@transaction.atomic
def legal_police_waive(*, case: Case, reason: str, expected_version: int, acting_user: User) -> LegalRecord:
    """Not passed to the police, with the reason recorded (encrypted): the deadline stops."""
    _require_editor(case, acting_user)
    _require_open(case)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why it is not passed to the police."), code="reason_required", field="reason")
    if len(reason) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("At most %(count)d characters.") % {"count": TEXT_MAX_LENGTH}, code="invalid", field="reason"
        )
    record = _claim(case, expected_version)
    if record.police_referred_at is not None:
        raise DomainError(_("It has already been passed to the police."), code="already_referred")
    record.police_waived_at, record.police_waiver_reason = timezone.now(), reason
    record.save()
    _log(case, acting_user, CaseAction.LEGAL_POLICE_WAIVED)
    return record


@transaction.atomic
def court_hearing_add(
    *, case: Case, held_at: datetime, court: str = "", note: str = "", acting_user: User
) -> CourtHearing:
    """A hearing date: the case's officers are reminded of it (alerts.services.legal_sweep)."""
    _require_editor(case, acting_user)
    _require_open(case)
    if not _plausible(held_at, timezone.now()):
        raise DomainError(_("Give a date within ten years of today."), code="invalid", field="held_at")
    for name, value, limit in (("court", court, NAME_MAX_LENGTH), ("note", note, TEXT_MAX_LENGTH)):
        if len(value) > limit:
            raise DomainError(_("At most %(count)d characters.") % {"count": limit}, code="invalid", field=name)
    # Hearings belong to a legal process: its record exists from the first one (the case page
    # reads hearings only for a case with a record).
    LegalRecord.objects.get_or_create(case=case)
    hearing = CourtHearing.objects.create(case=case, held_at=held_at, court=court.strip(), note=note.strip())
    _log(case, acting_user, CaseAction.HEARING_ADDED, hearing=hearing.pk, held_at=held_at.isoformat())
    return hearing


# --- what the case page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalPage:
    record: LegalRecord | None
    hearings: list[CourtHearing]
    police: PoliceDeadline | None
    child_perpetrators: int  # ABH: children in conflict with the law among the perpetrators


def legal_page(*, case: Case, now: datetime, perpetrators: Iterable[Perpetrator] | None = None) -> LegalPage:
    """The legal section of the case page: one query for a case without a legal record, two with
    one (its hearings), whatever the case holds. `perpetrators`: those the page loaded already."""
    record = LegalRecord.objects.filter(case=case).first()
    if perpetrators is None:
        perpetrators = case.perpetrators.all()
    return LegalPage(
        record=record,
        hearings=list(case.hearings.all()) if record is not None else [],
        police=record_police_deadline(record, now=now),
        child_perpetrators=sum(1 for perpetrator in perpetrators if perpetrator.is_child),
    )
