"""Outgoing referrals and the transfer of a case to another UPTD PPA (issue 18).

- A referral goes to a provider of the managed list with what is asked and what the family
  consented to share (`ConsentItem`): without any consent it is refused (and the database refuses
  an empty list too). Its letter prints only what the consent covers (`letter_shows`).
- The provider's answer moves it sent → accepted or refused, accepted → done (`NEXT_STATUSES`),
  each dated; the answer names the referral's version it started from, a stale one is refused.
- A referral still `sent` REFERRAL_ANSWER_DAYS after it went out reminds the case's officers
  (cases.referral_selectors.referrals_unanswered, raised by alerts.services.reminder_sweep once per referral).
- A transfer (the family moved to another city) is decided by whoever may change the case: its
  officers or a supervisor (cases.access: WORK_ON_CASES on one's own case, SUPERVISE on any).
  It records the receiving agency, letter, date and reason and closes the case at once as
  `ClosureReason.TRANSFERRED`; the closed case stays a read-only record (never reopened:
  cases.services.case_reopen) and its hand-over packet prints the minimum data (`transfer_packet`).

Every change is one audit row on the case; nothing here is done on a closed case.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from core.audit import audit_log
from core.errors import DomainError, input_values, raise_first

from .audit import CaseAction
from .choices import CaseStatus, ClosureReason, ConsentItem, ReferralStatus
from .models import Case, CaseTransfer, Provider, Referral
from .services import _claim, _require_case_worker, _require_open, _stale

SHORT_TEXT = 200
LETTER_NUMBER_MAX = 100
LONG_TEXT = 5000

# The answers a referral can be given from each status; the same status again corrects its dates
# or the provider's feedback.
NEXT_STATUSES = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.REFUSED},
    ReferralStatus.ACCEPTED: {ReferralStatus.DONE, ReferralStatus.REFUSED},
    ReferralStatus.REFUSED: set(),
    ReferralStatus.DONE: set(),
}


def _not_in_future(value: date | None) -> bool:
    return value is None or value <= timezone.localdate()


# --- outgoing referrals -------------------------------------------------------------------------------


@dataclass
class ReferralInput:
    provider: Provider
    request: str
    consent_items: list[str]
    consent_given_by: str
    letter_number: str
    sent_on: date


def referral_input_errors(data: ReferralInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.provider is None or not data.provider.active:
        errors["provider"] = [_("Choose a provider from the list.")]
    if not data.request.strip():
        errors["request"] = [_("Say what is asked of the provider.")]
    elif len(data.request.strip()) > LONG_TEXT:
        errors["request"] = [_("Write at most 5,000 characters.")]
    if not data.consent_items:
        errors["consent_items"] = [
            _("A referral needs the consent to share: tick what the child or the family agreed to share.")
        ]
    elif set(data.consent_items) - set(ConsentItem.values):
        errors["consent_items"] = [_("Choose what the consent covers from the list.")]
    if not data.consent_given_by.strip():
        errors["consent_given_by"] = [_("Say who gave the consent (the child, a parent or a guardian).")]
    elif len(data.consent_given_by.strip()) > SHORT_TEXT:
        errors["consent_given_by"] = [_("Write at most 200 characters.")]
    if not data.letter_number.strip():
        errors["letter_number"] = [_("Give the number of the referral letter.")]
    elif len(data.letter_number.strip()) > LETTER_NUMBER_MAX:
        errors["letter_number"] = [_("Write at most 100 characters.")]
    if data.sent_on is None:
        errors["sent_on"] = [_("Give the date the referral was sent.")]
    elif not _not_in_future(data.sent_on):
        errors["sent_on"] = [_("The date cannot be in the future.")]
    return errors


def _require_may_change(case: Case, acting_user: User) -> None:
    """The rule of cases.access.access_case's `can_edit`, in the service: the case's officers, or a
    supervisor on any case."""
    _require_case_worker(acting_user)
    assigned = acting_user.pk in (case.assigned_officer_id, case.second_officer_id)
    if not (assigned or user_can(acting_user, Capability.SUPERVISE)):
        raise DomainError(_("Only the case's officers or a supervisor can do this."), code="not_allowed")


@transaction.atomic
def referral_send(*, case: Case, data: ReferralInput, acting_user: User) -> Referral:
    """Record a referral sent to a provider, with the consent it was sent under."""
    _require_may_change(case, acting_user)
    _require_open(case)
    raise_first(referral_input_errors(data))
    values = input_values(data)
    values.update(
        request=data.request.strip(),
        # In ConsentItem's order, each once: the letter and the API read them in that order.
        consent_items=[item for item in ConsentItem.values if item in set(data.consent_items)],
        consent_given_by=data.consent_given_by.strip(),
        letter_number=data.letter_number.strip(),
    )
    referral = Referral.objects.create(case=case, created_by=acting_user, **values)
    audit_log(
        actor=acting_user,
        action=CaseAction.REFERRAL_SENT,
        target=case,
        data={
            "referral": str(referral.uuid),
            "provider": data.provider.pk,
            "consent_items": referral.consent_items,
        },
    )
    return referral


@dataclass
class ReferralAnswerInput:
    status: str
    answered_on: date | None = None
    done_on: date | None = None
    feedback: str = ""


def referral_answer_errors(referral: Referral, data: ReferralAnswerInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.status not in ReferralStatus.values:
        return {"status": [_("Choose a status from the list.")]}
    if data.status != referral.status and data.status not in NEXT_STATUSES[referral.status]:
        errors["status"] = [
            _("A referral that is %(now)s cannot become %(then)s.")
            % {"now": ReferralStatus(referral.status).label, "then": ReferralStatus(data.status).label}
        ]
    if data.status == ReferralStatus.SENT:
        if data.answered_on or data.done_on:
            errors["status"] = [_("A referral with an answer is no longer only sent.")]
    elif data.answered_on is None:
        errors["answered_on"] = [_("Give the date the provider answered.")]
    elif data.answered_on < referral.sent_on:
        errors["answered_on"] = [_("The answer cannot come before the referral was sent.")]
    elif not _not_in_future(data.answered_on):
        errors["answered_on"] = [_("The date cannot be in the future.")]
    if data.status == ReferralStatus.DONE:
        if data.done_on is None:
            errors["done_on"] = [_("Give the date the provider finished.")]
        elif data.answered_on and data.done_on < data.answered_on:
            errors["done_on"] = [_("It cannot be finished before the provider answered.")]
        elif not _not_in_future(data.done_on):
            errors["done_on"] = [_("The date cannot be in the future.")]
    elif data.done_on is not None:
        errors["done_on"] = [_("Only a referral that is done has an end date.")]
    if data.status == ReferralStatus.REFUSED and not data.feedback.strip():
        errors["feedback"] = [_("Say why the provider refused.")]
    if len(data.feedback.strip()) > LONG_TEXT:
        errors["feedback"] = [_("Write at most 5,000 characters.")]
    return errors


@transaction.atomic
def referral_answer(
    *, referral: Referral, data: ReferralAnswerInput, expected_version: int, acting_user: User
) -> Referral:
    """Record the provider's answer (accepted, refused, done) with its dates and feedback."""
    case = referral.case
    _require_may_change(case, acting_user)
    _require_open(case)
    if not Referral.objects.filter(pk=referral.pk, version=expected_version).update(version=F("version") + 1):
        raise _stale(case)
    referral = Referral.objects.select_for_update().select_related("case", "provider").get(pk=referral.pk)
    raise_first(referral_answer_errors(referral, data))
    old_status = referral.status
    referral.status, referral.answered_on, referral.done_on = data.status, data.answered_on, data.done_on
    referral.feedback = data.feedback.strip()
    referral.save(update_fields=["status", "answered_on", "done_on", "feedback"])
    audit_log(
        actor=acting_user,
        action=CaseAction.REFERRAL_ANSWERED,
        target=case,
        data={"referral": str(referral.uuid), "from": old_status, "to": referral.status},
    )
    return referral


# What each consent item lets the referral letter print (templates/cases/print/referral_letter.html).
LETTER_PARTS = {
    ConsentItem.CHILD_IDENTITY: ("child",),
    ConsentItem.ADDRESS: ("address", "guardian_contact"),
    ConsentItem.CHRONOLOGY: ("chronology",),
    ConsentItem.HEALTH: ("health",),
    ConsentItem.PERPETRATOR: ("perpetrator",),
}


def letter_shows(referral: Referral) -> frozenset[str]:
    """The parts of the case the referral letter may print: only those the consent covers. Who
    gave the consent names the family, so it prints with the child's identity only."""
    parts = {part for item in referral.consent_items for part in LETTER_PARTS.get(item, ())}
    if "child" in parts:
        parts.add("consent_given_by")
    return frozenset(parts)


# --- the transfer to another UPTD PPA -----------------------------------------------------------------


@dataclass
class TransferInput:
    receiving_agency: str
    transferred_on: date
    reason: str
    letter_number: str = ""


def transfer_input_errors(data: TransferInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.receiving_agency.strip():
        errors["receiving_agency"] = [_("Name the UPTD PPA that takes the case over.")]
    elif len(data.receiving_agency.strip()) > SHORT_TEXT:
        errors["receiving_agency"] = [_("Write at most 200 characters.")]
    if len(data.letter_number.strip()) > LETTER_NUMBER_MAX:
        errors["letter_number"] = [_("Write at most 100 characters.")]
    if data.transferred_on is None:
        errors["transferred_on"] = [_("Give the date of the transfer.")]
    elif not _not_in_future(data.transferred_on):
        errors["transferred_on"] = [_("The date cannot be in the future.")]
    if not data.reason.strip():
        errors["reason"] = [_("Say why the case is transferred (for example, where the family moved).")]
    elif len(data.reason.strip()) > LONG_TEXT:
        errors["reason"] = [_("Write at most 5,000 characters.")]
    return errors


@transaction.atomic
def case_transfer(*, case: Case, data: TransferInput, expected_version: int, acting_user: User) -> CaseTransfer:
    """Hand the case over to another UPTD PPA: it closes at once as transferred and stays a
    read-only record; the hand-over packet prints from it."""
    _require_may_change(case, acting_user)
    raise_first(transfer_input_errors(data))
    case = _claim(case, expected_version)
    _require_open(case)
    if CaseTransfer.objects.filter(case=case).exists():
        raise DomainError(_("This case has already been transferred."), code="wrong_step")
    transfer = CaseTransfer.objects.create(
        case=case,
        receiving_agency=data.receiving_agency.strip(),
        letter_number=data.letter_number.strip(),
        transferred_on=data.transferred_on,
        reason=data.reason.strip(),
        created_by=acting_user,
    )
    old_status = case.status
    case.status, case.closed_at = CaseStatus.CLOSED, timezone.now()
    case.closure_reason, case.closure_explanation = ClosureReason.TRANSFERRED, ""
    case.save(update_fields=["status", "closed_at", "closure_reason", "closure_explanation"])
    audit_log(
        actor=acting_user,
        action=CaseAction.TRANSFERRED,
        target=case,
        data={"from": old_status, "receiving_agency": transfer.receiving_agency},
    )
    return transfer


def initials(name: str) -> str:
    """ "Putri Ayu Lestari" → "P. A. L.": the packet names the child no further."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalpha())
