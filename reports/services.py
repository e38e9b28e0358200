import hashlib
import json
import logging
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from alerts.services import report_alert_new, reporter_message_alert
from areas.models import RT, Kelurahan
from core.audit import audit_log
from core.datakeys import key_for, new_data_key
from core.encrypted_files import delete_quietly, save_encrypted
from core.errors import DomainError

from . import wording
from .attachments import PreparedAttachment, prepare_attachments
from .audit import ReportAction
from .choices import (
    INTAKE_CHANNELS,
    LANDMARK_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NARRATIVE_MIN_LENGTH,
    REPORTER_ROLE_RELATION,
    AuthorKind,
    Channel,
    LocationKind,
    ReporterKind,
    ReporterRelation,
    ReporterRole,
)
from .models import Report, ReportAttachment, ReportMessage, ReportViolenceType
from .outgoing import staff_message_added
from .priority import acknowledge_deadline, assess_priority
from .receipt import new_receipt_code, receipt_hash, submission_key_hash

ATTACHMENT_FOLDER = "reports"

logger = logging.getLogger(__name__)


@dataclass
class ReportInput:
    """A report as the form, the API and the volunteer path all hand it to report_submit."""

    narrative: str
    violence_types: list[str]
    danger_now: str
    injured: str
    kelurahan: Kelurahan | None  # None exactly when location_kind is not "kelurahan"
    reporter_relation: str
    occurred_on: date | None = None
    ongoing: bool = False
    rt: RT | None = None
    place: str = ""
    address_detail: str = ""
    child_age: int | None = None
    child_sex: str = ""
    child_name: str = ""
    child_disability: str = "unknown"
    perpetrator_relation: str = ""
    perpetrator_lives_with_child: str = "unknown"
    reporter_contact: str = ""
    contact_consent: bool = False
    location_kind: str = LocationKind.KELURAHAN
    landmark: str = ""
    reporter_kind: str = ""  # the public form's first question (ReporterKind); blank elsewhere


@dataclass
class IntakeInput(ReportInput):
    """A complaint recorded by staff (an INTAKE_CHANNELS channel): the public form's answers and
    what the officer learnt from the reporter or the referring agency. `reporter_relation` follows
    from `reporter_role` (REPORTER_ROLE_RELATION), so figures by reporter count every door alike."""

    reporter_role: str = ""
    reporter_name: str = ""
    contact_consent_note: str = ""
    source_agency: str = ""
    source_agency_name: str = ""
    source_letter_number: str = ""
    source_letter_date: date | None = None
    source_contact_person: str = ""

    def __post_init__(self):
        if self.reporter_role in REPORTER_ROLE_RELATION:
            self.reporter_relation = REPORTER_ROLE_RELATION[self.reporter_role]


@dataclass(frozen=True)
class SubmittedReport:
    report: Report
    receipt_code: str  # "" for a repeat: the code was shown the first time and is kept nowhere
    files_not_saved: tuple[int, ...] = ()  # positions (from 1) of files that could not be stored
    # The same submission (form token, API Idempotency-Key) came again: this is the report it filed.
    repeat: bool = False


def report_input_errors(data: ReportInput, *, today: date, to_staff: bool = False) -> dict[str, list[str]]:
    """Rules across fields, checked once here for the form, the API and the service.

    `to_staff`: the messages speak to the officer recording a complaint about the reporter
    (intake_input_errors), not to the reporter themselves; the rules are the same."""
    errors: dict[str, list[str]] = {}
    narrative = data.narrative.strip()
    if not NARRATIVE_MIN_LENGTH <= len(narrative) <= NARRATIVE_MAX_LENGTH:
        errors["narrative"] = [
            _("Please write between {min} and {max} characters about what happened.").format(
                min=NARRATIVE_MIN_LENGTH, max=NARRATIVE_MAX_LENGTH
            )
        ]
    if data.occurred_on and data.occurred_on > today:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    kelurahan_expected = data.location_kind == LocationKind.KELURAHAN
    if data.location_kind not in LocationKind.values or kelurahan_expected != (data.kelurahan is not None):
        errors["kelurahan"] = [_("Choose a kelurahan from the list, or one of the other answers.")]
    if data.rt is not None and (data.kelurahan is None or data.rt.kelurahan_id != data.kelurahan.pk):
        errors["rt"] = [_("This RT is not in the chosen kelurahan.")]
    if len(data.landmark.strip()) > LANDMARK_MAX_LENGTH:
        errors["landmark"] = [_("Write the landmark in at most %(max)d characters.") % {"max": LANDMARK_MAX_LENGTH}]
    if data.reporter_kind and data.reporter_kind not in ReporterKind.values:
        errors["reporter_kind"] = [_("Say who the report is about.")]
    elif data.reporter_kind == ReporterKind.CHILD_SELF and data.reporter_relation != ReporterRelation.SELF:
        errors["reporter_relation"] = [_("A report about yourself is made by you: choose “It happened to me”.")]
    if data.reporter_contact.strip() and not data.contact_consent:
        errors["contact_consent"] = [
            _(
                "Record whether the reporter agrees to be contacted: tick the box if they do,"
                " or leave their contact empty."
            )
            if to_staff
            else _("Tick the box if you agree to be contacted, or leave the contact field empty.")
        ]
    return errors


def intake_input_errors(data: IntakeInput, *, channel: str, today: date) -> dict[str, list[str]]:
    """The rules of a staff intake beyond the public form's (report_input_errors): the page, the
    API and report_submit ask here."""
    errors = report_input_errors(data, today=today, to_staff=True)
    if channel not in INTAKE_CHANNELS:
        errors["channel"] = [_("Choose how the complaint came in.")]
    if data.reporter_role not in ReporterRole.values:
        errors["reporter_role"] = [_("Say who the reporter is.")]
    if channel == Channel.REFERRAL:
        required = {
            "source_agency": (data.source_agency, _("Say which agency referred the case.")),
            "source_letter_number": (data.source_letter_number.strip(), _("Give the number of the referral letter.")),
            "source_letter_date": (data.source_letter_date, _("Give the date of the referral letter.")),
        }
        errors.update({field: [message] for field, (value, message) in required.items() if not value})
    elif data.source_agency or data.source_letter_number.strip() or data.source_letter_date:
        errors["source_agency"] = [_("A referring agency and its letter belong to a referral only.")]
    if data.source_letter_date and data.source_letter_date > today:
        errors["source_letter_date"] = [_("The date cannot be in the future.")]
    return errors


@contextmanager
def _files_on_disk(prepared: Sequence[PreparedAttachment], *, data_key: int):
    """Encrypt the files to disk; remove them again if the block that records them fails.

    Yields (stored, positions not saved): a file that cannot be written (disk full, storage
    missing or read-only) is left out and named by its position (from 1), rather than losing
    the report or message it came with.
    """
    stored: list[tuple[PreparedAttachment, str]] = []
    not_saved: list[int] = []
    try:
        for position, attachment in enumerate(prepared, start=1):
            try:
                stored.append(
                    (attachment, save_encrypted(attachment.data, folder=ATTACHMENT_FOLDER, data_key=data_key))
                )
            except OSError as exc:
                logger.error(
                    "Attachment %s of %s could not be stored, kept without it: %s", position, len(prepared), exc
                )
                not_saved.append(position)
        yield stored, tuple(not_saved)
    except BaseException:
        for _attachment, name in stored:
            delete_quietly(name)
        raise


def _attachment_rows(report, stored, message=None) -> list[ReportAttachment]:
    return [
        ReportAttachment(
            report=report,
            message=message,
            kind=attachment.kind,
            content_type=attachment.content_type,
            extension=attachment.extension,
            size=len(attachment.data),
            stored_name=name,
        )
        for attachment, name in stored
    ]


def submission_fingerprint(data: ReportInput, files: Sequence[UploadedFile] = ()) -> str:
    """A hash of what was sent, to tell a repeat (same answers) from a reused key (other answers)."""
    answers = {name: (value.pk if hasattr(value, "pk") else value) for name, value in sorted(vars(data).items())}
    answers["files"] = [(getattr(file, "name", ""), getattr(file, "size", 0)) for file in files]
    return hashlib.sha256(json.dumps(answers, sort_keys=True, default=str).encode()).hexdigest()


def _earlier_submission(key_hash: str, fingerprint: str, *, compare: bool) -> SubmittedReport | None:
    earlier = Report.objects.filter(submission_key_hash=key_hash).first()
    if earlier is None:
        return None
    if compare and earlier.submission_fingerprint != fingerprint:
        raise DomainError(
            _("This Idempotency-Key was already used for another report. Use a new key for a new report."),
            code="idempotency_key_reused",
            field="idempotency_key",
        )
    return SubmittedReport(report=earlier, receipt_code="", repeat=True)


def report_submit(
    *,
    data: ReportInput,
    files: Sequence[UploadedFile] = (),
    channel: Channel,
    acting_user: User | None,
    submission_key: str = "",
) -> SubmittedReport:
    """Store a new report and return it with its receipt code, which exists nowhere else.

    Files are checked before anything is written and encrypted to disk next to the
    transaction; if anything fails, the files are removed and no row remains. A file that
    cannot be written does not cost the report: it is kept without it (files_not_saved).

    `submission_key` (the form's one-time token, the API's Idempotency-Key) makes the submission
    happen once: a repeat, also one racing the first, returns the report already filed
    (`repeat`, no code) and files nothing; the API's key reused with other answers is refused
    (`idempotency_key_reused`). The unique Report.submission_key_hash decides between racers.
    """
    key_hash = submission_key_hash(submission_key, door=channel) if submission_key else None
    fingerprint = submission_fingerprint(data, files) if key_hash else ""
    compare = channel == Channel.API  # a form's token stands for "this form", whatever was changed
    if (channel == Channel.VOLUNTEER) != user_can(acting_user, Capability.REPORT_FOR_RT):
        raise DomainError(_("Only an RT volunteer submits on someone's behalf."), code="volunteer_channel")
    recorded_by_staff = channel in INTAKE_CHANNELS and not _whatsapp_door(channel, data, acting_user)
    if recorded_by_staff != isinstance(data, IntakeInput):
        raise DomainError(_("Choose how the complaint came in."), code="invalid", field="channel")
    if recorded_by_staff and not user_can(acting_user, Capability.RECORD_INTAKE):
        raise DomainError(_("Only officers and supervisors record complaints."), code="not_allowed")
    if key_hash and (earlier := _earlier_submission(key_hash, fingerprint, compare=compare)):
        return earlier
    if recorded_by_staff:
        errors = intake_input_errors(data, channel=channel, today=timezone.localdate())
    else:
        errors = report_input_errors(data, today=timezone.localdate())
    if errors:
        field_name, messages = next(iter(errors.items()))
        raise DomainError(messages[0], code="invalid", field=field_name)
    prepared = prepare_attachments(files)

    now = timezone.now()
    violence_types = sorted(set(data.violence_types))
    decision = assess_priority(
        danger_now=data.danger_now,
        injured=data.injured,
        violence_types=set(violence_types),
        occurred_on=data.occurred_on,
        ongoing=data.ongoing,
        perpetrator_lives_with_child=data.perpetrator_lives_with_child,
        child_age=data.child_age,
        now=now,
    )
    code = new_receipt_code()
    while Report.objects.filter(receipt_hash=receipt_hash(code)).exists():  # 1 in 10^16, but never twice
        code = new_receipt_code()
    try:
        report, not_saved = _report_create(
            data=data,
            prepared=prepared,
            code=code,
            channel=channel,
            acting_user=acting_user,
            decision=decision,
            now=now,
            violence_types=violence_types,
            key_hash=key_hash,
            fingerprint=fingerprint,
        )
    except IntegrityError:
        # Another request with the same key committed first: that one is the report.
        if key_hash and (earlier := _earlier_submission(key_hash, fingerprint, compare=compare)):
            return earlier
        raise
    return SubmittedReport(report=report, receipt_code=code, files_not_saved=not_saved)


def _whatsapp_door(channel: str, data: ReportInput, acting_user: User | None) -> bool:
    """The WhatsApp door (the whatsapp app's guided conversation) files a reporter's own report,
    with nobody recording it; an officer recording a complaint that came by WhatsApp is a staff
    intake (IntakeInput, an acting officer), as the other INTAKE_CHANNELS."""
    return channel == Channel.WHATSAPP and acting_user is None and not isinstance(data, IntakeInput)


def _report_create(
    *, data, prepared, code, channel, acting_user, decision, now, violence_types, key_hash, fingerprint
) -> tuple[Report, tuple[int, ...]]:
    recorded_by_staff = isinstance(data, IntakeInput)  # report_submit checked it matches the channel
    # The report's data key, before its files are written under it. Kept if the report then
    # fails: a key that encrypts nothing reveals nothing.
    data_key = new_data_key() if prepared else None
    with _files_on_disk(prepared, data_key=data_key) as (stored, not_saved), transaction.atomic():
        report = Report.objects.create(
            data_key_id=data_key,
            receipt_hash=receipt_hash(code),
            submission_key_hash=key_hash,
            submission_fingerprint=fingerprint,
            channel=channel,
            submitted_by=acting_user if channel == Channel.VOLUNTEER or recorded_by_staff else None,
            priority=decision.priority,
            priority_reason=",".join(decision.reasons),
            acknowledge_due_at=acknowledge_deadline(decision.priority, now),
            narrative=data.narrative.strip(),
            danger_now=data.danger_now,
            injured=data.injured,
            occurred_on=data.occurred_on,
            ongoing=data.ongoing,
            location_kind=data.location_kind,
            kelurahan=data.kelurahan,
            rt=data.rt,
            place=data.place,
            address_detail=data.address_detail.strip(),
            landmark=data.landmark.strip(),
            child_age=data.child_age,
            child_sex=data.child_sex,
            child_name=data.child_name.strip(),
            child_disability=data.child_disability,
            perpetrator_relation=data.perpetrator_relation,
            perpetrator_lives_with_child=data.perpetrator_lives_with_child,
            reporter_relation=data.reporter_relation,
            reporter_kind=data.reporter_kind,
            reporter_contact=data.reporter_contact.strip(),
            contact_consent=data.contact_consent,
            **(_intake_fields(data) if recorded_by_staff else {}),
        )
        ReportViolenceType.objects.bulk_create(
            [ReportViolenceType(report=report, violence_type=kind) for kind in violence_types]
        )
        ReportAttachment.objects.bulk_create(_attachment_rows(report, stored))
        audit_log(
            actor=acting_user,
            action=ReportAction.SUBMITTED,
            target=report,
            data={
                "channel": channel,
                "priority": decision.priority,
                "attachments": len(stored),
                "attachments_not_saved": len(not_saved),
            },
        )
        report_alert_new(report)
    return report, not_saved


def _intake_fields(data: IntakeInput) -> dict:
    return {
        "reporter_role": data.reporter_role,
        "reporter_name": data.reporter_name.strip(),
        "contact_consent_note": data.contact_consent_note.strip(),
        "source_agency": data.source_agency,
        "source_agency_name": data.source_agency_name.strip(),
        "source_letter_number": data.source_letter_number.strip(),
        "source_letter_date": data.source_letter_date,
        "source_contact_person": data.source_contact_person.strip(),
    }


def report_message_add(
    *, report: Report, body: str, files: Sequence[UploadedFile] = (), acting_user: User | None
) -> ReportMessage:
    """A message on a report: from the reporter (acting_user None, known by the code) or staff.
    A reporter's message raises an alert (alerts.services.reporter_message_alert) in the same
    transaction, whatever the report's state: a closed case too.

    Files that cannot be written are left out, and the returned message's files_not_saved
    names them."""
    if acting_user is not None:
        require_triage(acting_user)
    if report.erased_at is not None:
        raise DomainError(wording.report_erased(), code="erased")
    body = body.strip()
    if not 1 <= len(body) <= MESSAGE_MAX_LENGTH:
        raise DomainError(
            _("Write a message of at most %(max)d characters.") % {"max": MESSAGE_MAX_LENGTH},
            code="invalid",
            field="body",
        )
    if files and report.attachments.count() + len(files) > settings.REPORT_ATTACHMENTS_PER_REPORT_MAX:
        raise DomainError(
            _("This report already has as many files as it can hold. Describe the rest in your message."),
            code="report_attachments_full",
            field="attachments",
        )
    prepared = prepare_attachments(files)
    data_key = key_for(report) if prepared else None
    with _files_on_disk(prepared, data_key=data_key) as (stored, not_saved), transaction.atomic():
        message = ReportMessage.objects.create(
            report=report,
            author_kind=AuthorKind.REPORTER if acting_user is None else AuthorKind.STAFF,
            author=acting_user,
            body=body,
        )
        ReportAttachment.objects.bulk_create(_attachment_rows(report, stored, message=message))
        audit_log(
            actor=acting_user,
            action=ReportAction.MESSAGE_ADDED,
            target=report,
            data={
                "message": message.pk,
                "attachments": len(stored),
                "attachments_not_saved": len(not_saved),
                "by": message.author_kind,
            },
        )
        if acting_user is None:
            reporter_message_alert(message)
        else:  # to the reporter's other channel too (WhatsApp), in this transaction
            staff_message_added(message)
    message.files_not_saved = not_saved
    return message


def require_triage(user: User | None) -> None:
    """Who may act on a report as staff: write to the reporter here, and every decision of
    triage.services (which, with cases.services, asks here too)."""
    if not user_can(user, Capability.TRIAGE):
        raise DomainError(_("Only officers and supervisors triage reports."), code="not_allowed")
