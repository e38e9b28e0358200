"""Every change to the privacy registers: record and answer a data subject's request, record a
breach, its notifications, measures and closure. One audit row each, in the same transaction.

Only holders of MANAGE_PRIVACY_REGISTERS (the data protection officer) write here. Deadlines are
set once, from settings, when the entry is recorded: a request is answered within
PRIVACY_REQUEST_DUE_HOURS of its receipt (UU PDP Pasal 30 and 32: 3x24 hours), a breach notified
within PRIVACY_BREACH_NOTIFY_HOURS of its discovery (Pasal 46: 3x24 hours). Recording a breach
alerts the DPO(s) and the head of agency at once; the reminders come from
alerts.services.privacy_sweep.
"""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from alerts.services import breach_alert_recorded
from core.audit import audit_log
from core.errors import DomainError, input_values, raise_first

from .audit import PrivacyAction
from .choices import (
    FINAL_REQUEST_STATUSES,
    REFERENCE_MAX,
    REQUEST_TRANSITIONS,
    SUBJECTS_MAX,
    TEXT_MAX,
    BreachStatus,
    DataCategory,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from .models import Breach, DataSubjectRequest

# A time typed on a form a little ahead of the server's clock is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class SubjectRequestInput:
    kind: str
    received_at: datetime
    channel: str
    description: str
    related_reference: str = ""


@dataclass
class SubjectRequestUpdateInput:
    status: str
    decision_note: str = ""


@dataclass
class BreachInput:
    discovered_at: datetime
    what_happened: str
    data_categories: list[str]
    subjects_estimate: int


@dataclass
class BreachUpdateInput:
    measures: str
    subjects_estimate: int


def request_due_at(*, kind: str, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=settings.PRIVACY_REQUEST_DUE_HOURS[kind])


def breach_notify_due_at(*, discovered_at: datetime) -> datetime:
    return discovered_at + timedelta(hours=settings.PRIVACY_BREACH_NOTIFY_HOURS)


# --- the rules, shared with the forms (every mistake at once) --------------------------------------


def _clean(data):
    for name, value in input_values(data).items():
        if isinstance(value, str):
            setattr(data, name, unicodedata.normalize("NFC", value.strip()))
    return data


def _text_errors(value, name, errors, *, required: bool, missing: str) -> None:
    if value is None:
        return
    if required and not value.strip():
        errors[name] = [missing]
    elif len(value) > TEXT_MAX:
        errors[name] = [_("Keep it under %(max)s characters.") % {"max": f"{TEXT_MAX:,}".replace(",", ".")}]


def _past_errors(value, name, errors, *, now: datetime, missing: str) -> None:
    if value is None:
        errors[name] = [missing]
    elif value > now + CLOCK_SKEW:
        errors[name] = [_("This time is in the future.")]


def subject_request_input_errors(data: SubjectRequestInput, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in RequestKind.values:
        errors["kind"] = [_("Choose the kind of request from the list.")]
    _past_errors(data.received_at, "received_at", errors, now=now, missing=_("Give when the request came in."))
    if data.channel not in RequestChannel.values:
        errors["channel"] = [_("Choose how the request came in from the list.")]
    _text_errors(data.description, "description", errors, required=True, missing=_("Write who asks and what they ask."))
    if data.related_reference is not None and len(data.related_reference) > REFERENCE_MAX:
        errors["related_reference"] = [_("A reference has at most %(max)s characters.") % {"max": REFERENCE_MAX}]
    return errors


def subject_request_update_errors(
    data: SubjectRequestUpdateInput, *, subject_request: DataSubjectRequest
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    current = RequestStatus(subject_request.status)
    if data.status not in RequestStatus.values:
        errors["status"] = [_("Choose the new status from the list.")]
    elif current in FINAL_REQUEST_STATUSES:
        errors["status"] = [_("This request is closed: its status no longer changes.")]
    elif data.status not in REQUEST_TRANSITIONS[current]:
        errors["status"] = [
            _("A request that is %(current)s cannot become %(new)s.")
            % {"current": current.label.lower(), "new": RequestStatus(data.status).label.lower()}
        ]
    # A refusal says why (UU PDP Pasal 33 lists when access must be refused); a completed request
    # says what was done.
    needs_note = data.status in FINAL_REQUEST_STATUSES
    _text_errors(
        data.decision_note,
        "decision_note",
        errors,
        required=needs_note,
        missing=_("Write what was decided and why: the requester is told this."),
    )
    return errors


def breach_input_errors(data: BreachInput, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _past_errors(data.discovered_at, "discovered_at", errors, now=now, missing=_("Give when the breach was found."))
    _text_errors(
        data.what_happened,
        "what_happened",
        errors,
        required=True,
        missing=_("Write what happened, how and when, as far as it is known."),
    )
    categories = data.data_categories
    if categories is not None:
        if not categories:
            errors["data_categories"] = [_("Choose at least one kind of data affected.")]
        elif not set(categories) <= set(DataCategory.values):
            errors["data_categories"] = [_("Choose the kinds of data from the list.")]
    _estimate_errors(data.subjects_estimate, errors)
    return errors


def _estimate_errors(value, errors) -> None:
    if value is not None and (not isinstance(value, int) or not 1 <= value <= SUBJECTS_MAX):
        errors["subjects_estimate"] = [_("Give an estimate of at least 1 person.")]


def breach_update_errors(data: BreachUpdateInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _text_errors(data.measures, "measures", errors, required=False, missing="")
    _estimate_errors(data.subjects_estimate, errors)
    return errors


def _require_manager(user: User) -> None:
    if not user_can(user, Capability.MANAGE_PRIVACY_REGISTERS):
        raise DomainError(
            _("Only the data protection officer keeps the privacy registers."), code="not_privacy_officer"
        )


# --- data subjects' requests ------------------------------------------------------------------------


@transaction.atomic
def subject_request_record(*, data: SubjectRequestInput, acting_user: User) -> DataSubjectRequest:
    _require_manager(acting_user)
    data = _clean(data)
    raise_first(subject_request_input_errors(data, now=timezone.now()))
    subject_request = DataSubjectRequest.objects.create(
        due_at=request_due_at(kind=data.kind, received_at=data.received_at),
        recorded_by=acting_user,
        handled_by=acting_user,
        **input_values(data),
    )
    audit_log(
        actor=acting_user,
        action=PrivacyAction.REQUEST_RECORDED,
        target=subject_request,
        data={"kind": data.kind, "channel": data.channel},
    )
    return subject_request


@transaction.atomic
def subject_request_update(
    *, subject_request: DataSubjectRequest, data: SubjectRequestUpdateInput, acting_user: User
) -> DataSubjectRequest:
    """Move a request on (received -> in progress -> done or refused); a final status closes it."""
    _require_manager(acting_user)
    data = _clean(data)
    subject_request = DataSubjectRequest.objects.select_for_update().get(pk=subject_request.pk)
    raise_first(subject_request_update_errors(data, subject_request=subject_request))
    previous = subject_request.status
    subject_request.status = data.status
    if data.decision_note:
        subject_request.decision_note = data.decision_note
    subject_request.handled_by = acting_user
    subject_request.closed_at = timezone.now() if data.status in FINAL_REQUEST_STATUSES else None
    subject_request.save(update_fields=["status", "decision_note", "handled_by", "closed_at"])
    audit_log(
        actor=acting_user,
        action=PrivacyAction.REQUEST_UPDATED,
        target=subject_request,
        data={"status": data.status, "previous_status": previous},
    )
    return subject_request


# --- breaches ------------------------------------------------------------------------------------------


@transaction.atomic
def breach_record(*, data: BreachInput, acting_user: User) -> Breach:
    """Record a breach and tell the DPO(s) and the head of agency at once (the alert carries the
    register's reference and the deadline, never what happened)."""
    _require_manager(acting_user)
    data = _clean(data)
    raise_first(breach_input_errors(data, now=timezone.now()))
    chosen = set(data.data_categories)
    data.data_categories = [value for value in DataCategory.values if value in chosen]  # in the list's order
    breach = Breach.objects.create(
        notify_due_at=breach_notify_due_at(discovered_at=data.discovered_at),
        recorded_by=acting_user,
        **input_values(data),
    )
    audit_log(
        actor=acting_user,
        action=PrivacyAction.BREACH_RECORDED,
        target=breach,
        data={"categories": data.data_categories, "subjects_estimate": data.subjects_estimate},
    )
    breach_alert_recorded(breach)
    return breach


NOTIFIED_FIELDS = {"subjects": "notified_subjects_at", "authority": "notified_authority_at"}


@transaction.atomic
def breach_notification_record(*, breach: Breach, whom: str, at: datetime, acting_user: User) -> Breach:
    """The data subjects, or the authority, were told in writing at `at` (UU PDP Pasal 46)."""
    _require_manager(acting_user)
    if whom not in NOTIFIED_FIELDS:
        raise DomainError(_("Choose who was told."), code="invalid", field="whom")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    field = NOTIFIED_FIELDS[whom]
    if not breach.is_open:
        raise DomainError(_("This breach is closed."), code="breach_closed")
    if getattr(breach, field) is not None:
        raise DomainError(_("This notification is already recorded."), code="already_notified", field="whom")
    if at is None or at > timezone.now() + CLOCK_SKEW:
        raise DomainError(_("This time is in the future."), code="invalid", field="at")
    if at < breach.discovered_at:
        raise DomainError(_("They cannot have been told before the breach was found."), code="invalid", field="at")
    setattr(breach, field, at)
    breach.save(update_fields=[field])
    audit_log(
        actor=acting_user,
        action=PrivacyAction.BREACH_NOTIFIED,
        target=breach,
        data={"whom": whom, "late": at > breach.notify_due_at},
    )
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, data: BreachUpdateInput, acting_user: User) -> Breach:
    """Record the measures taken and a better estimate of the people affected."""
    _require_manager(acting_user)
    data = _clean(data)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if not breach.is_open:
        raise DomainError(_("This breach is closed."), code="breach_closed")
    raise_first(breach_update_errors(data))
    breach.measures = data.measures
    breach.subjects_estimate = data.subjects_estimate
    breach.save(update_fields=["measures", "subjects_estimate"])
    audit_log(
        actor=acting_user,
        action=PrivacyAction.BREACH_UPDATED,
        target=breach,
        data={"subjects_estimate": data.subjects_estimate, "measures": bool(data.measures)},
    )
    return breach


@transaction.atomic
def breach_close(*, breach: Breach, acting_user: User) -> Breach:
    """Close a breach once both notifications and the measures are on record."""
    _require_manager(acting_user)
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if not breach.is_open:
        raise DomainError(_("This breach is closed."), code="breach_closed")
    if breach.notified_subjects_at is None or breach.notified_authority_at is None:
        raise DomainError(
            _("Record when the data subjects and the authority were told before closing."),
            code="notification_missing",
        )
    if not breach.measures:
        raise DomainError(_("Record the measures taken before closing."), code="measures_missing", field="measures")
    breach.status, breach.closed_at = BreachStatus.CLOSED, timezone.now()
    breach.save(update_fields=["status", "closed_at"])
    audit_log(actor=acting_user, action=PrivacyAction.BREACH_CLOSED, target=breach)
    return breach


def register_entry_viewed(*, entry: DataSubjectRequest | Breach, acting_user: User) -> None:
    """A read of a register entry's free text, audited like every read of identifying data."""
    audit_log(actor=acting_user, action=PrivacyAction.VIEWED, target=entry)
