"""The legal hold on a case (issue 21): while it holds, the retention schedule does not erase or
de-identify the case (`Case.objects.on_legal_hold()`, which the schedule reads).

A case is held by a supervisor's decision with a reason (`Case.legal_hold_at`/`_by`/`_reason`: all
three or none, the database's `case_legal_hold_complete`), or by a legal process still open
(`LegalRecord.stage` in `OPEN_LEGAL_STAGES`), which needs no decision and ends with the process.
Placing and releasing are `Capability.PLACE_LEGAL_HOLD`'s (supervisors); whoever reads the case sees
that it is held, and the reason with identities (it is free text, encrypted like the case's other
free text). The audit rows say who and when, never the reason.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from core.audit import audit_log
from core.errors import DomainError, raise_first

from .audit import CaseAction
from .choices import OPEN_LEGAL_STAGES
from .models import Case, CaseNote, LegalRecord
from .services import _claim

REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 1000


@dataclass(frozen=True)
class LegalHoldState:
    """How a case stands: held by a supervisor (since, by whom, why) and/or by an open legal process."""

    held_at: datetime | None
    held_by: User | None
    reason: str
    legal_stage: str  # the open legal process's stage label, "" when none is open

    @property
    def placed(self) -> bool:
        return self.held_at is not None

    @property
    def by_legal_process(self) -> bool:
        return bool(self.legal_stage)

    @property
    def held(self) -> bool:
        return self.placed or self.by_legal_process


_UNREAD = object()


def legal_hold_state(case: Case, *, legal_record: LegalRecord | None = _UNREAD) -> LegalHoldState:
    """The case's hold: one query for the open legal process unless the caller has read the case's
    `legal_record` already (None: it has none), and one for who placed a hold."""
    if legal_record is _UNREAD:
        legal_record = LegalRecord.objects.filter(case=case).only("pk", "stage").first()
    record = legal_record if legal_record is not None and legal_record.stage in OPEN_LEGAL_STAGES else None
    return LegalHoldState(
        held_at=case.legal_hold_at,
        held_by=case.legal_hold_by if case.legal_hold_by_id else None,
        reason=case.legal_hold_reason,
        legal_stage=str(record.get_stage_display()) if record else "",
    )


def may_hold(user: User | None) -> bool:
    return user_can(user, Capability.PLACE_LEGAL_HOLD)


def _require_holder(user: User | None) -> None:
    if not may_hold(user):
        raise DomainError(_("Only a supervisor can place or release a legal hold."), code="not_allowed")


def legal_hold_reason_errors(reason: str, *, required: bool = True) -> dict[str, list[str]]:
    """The rules of a hold's reason, for the form, the API and the service alike."""
    reason = reason.strip()
    if not reason and not required:
        return {}
    if len(reason) < REASON_MIN_LENGTH:
        return {
            "reason": [
                _("Write the reason in at least %(min)d characters: which legal process, or whose request.")
                % {"min": REASON_MIN_LENGTH}
            ]
        }
    if len(reason) > REASON_MAX_LENGTH:
        return {"reason": [_("Write at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}]}
    return {}


@transaction.atomic
def case_legal_hold_place(*, case: Case, reason: str, expected_version: int, acting_user: User) -> Case:
    """A supervisor holds the case with a reason; a case already held by a supervisor is refused."""
    _require_holder(acting_user)
    raise_first(legal_hold_reason_errors(reason))
    case = _claim(case, expected_version)
    if case.legal_hold_at is not None:
        raise DomainError(_("This case is already on legal hold."), code="already_held")
    if case.deidentified_at is not None:
        raise DomainError(_("This case has been de-identified: there is no data left to hold."), code="deidentified")
    case.legal_hold_at, case.legal_hold_by, case.legal_hold_reason = timezone.now(), acting_user, reason.strip()
    case.save(update_fields=["legal_hold_at", "legal_hold_by", "legal_hold_reason"])
    audit_log(actor=acting_user, action=CaseAction.LEGAL_HOLD_PLACED, target=case)
    return case


@transaction.atomic
def case_legal_hold_release(*, case: Case, reason: str = "", expected_version: int, acting_user: User) -> Case:
    """A supervisor releases the hold: the retention schedule may erase the case when its time comes
    (unless an open legal process still holds it). A reason, if given, is kept as a case note."""
    _require_holder(acting_user)
    raise_first(legal_hold_reason_errors(reason, required=False))
    case = _claim(case, expected_version)
    if case.legal_hold_at is None:
        raise DomainError(_("This case is not on legal hold."), code="not_held")
    case.legal_hold_at, case.legal_hold_by, case.legal_hold_reason = None, None, ""
    case.save(update_fields=["legal_hold_at", "legal_hold_by", "legal_hold_reason"])
    note = CaseNote.objects.create(case=case, author=acting_user, body=reason.strip()) if reason.strip() else None
    audit_log(
        actor=acting_user, action=CaseAction.LEGAL_HOLD_RELEASED, target=case, data={"note": note.pk} if note else {}
    )
    return case
