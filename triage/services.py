"""Triage: what officers and supervisors decide about a report before (or instead of) it becomes
a case. Each decision is one service, guarded by `require_triage`, in a transaction, with an
audit row on the report. Accepting opens a case through cases.services (`case_open`,
`case_report_add`): the case's own rules stay there."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import Capability, user_can
from accounts.models import User
from areas.models import Kelurahan
from cases import services as case_services
from cases.audit import CaseAction
from cases.models import Case, CaseReport
from core.audit import audit_log
from core.encrypted_files import delete_quietly
from core.errors import DomainError
from reports.audit import ReportAction
from reports.choices import Channel, Priority, RejectionReason, Status
from reports.models import PriorityChange, Report
from reports.priority import acknowledge_deadline
from reports.services import IntakeInput, SubmittedReport, report_submit, require_triage


def _locked_report(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_acknowledge(*, report: Report, acting_user: User) -> Report:
    """The first look: stops the escalation ladder. Acknowledging twice changes nothing."""
    require_triage(acting_user)
    report = _locked_report(report)
    if report.acknowledged_at is not None:
        return report
    report.acknowledged_at = timezone.now()
    report.acknowledged_by = acting_user
    if report.status == Status.NEW:
        report.status = Status.ACKNOWLEDGED
    report.save(update_fields=["acknowledged_at", "acknowledged_by", "status"])
    audit_log(
        actor=acting_user, action=ReportAction.ACKNOWLEDGED, target=report, data={"late": report.acknowledged_late}
    )
    return report


@transaction.atomic
def report_change_priority(*, report: Report, priority: str, reason: str, acting_user: User) -> Report:
    require_triage(acting_user)
    report = _locked_report(report)
    reason = reason.strip()
    if priority not in Priority.values:
        raise DomainError(_("Choose a priority from the list."), code="invalid", field="priority")
    if not reason:
        raise DomainError(_("Say why the priority changes."), code="reason_required", field="reason")
    if priority == report.priority:
        raise DomainError(_("The report already has this priority."), code="unchanged", field="priority")
    old = report.priority
    report.priority = priority
    report.acknowledge_due_at = acknowledge_deadline(priority, report.received_at)
    report.save(update_fields=["priority", "acknowledge_due_at"])
    # Free text may name a child: it goes to an encrypted column, never into the audit trail.
    change = PriorityChange.objects.create(
        report=report, old_priority=old, new_priority=priority, reason=reason[:300], changed_by=acting_user
    )
    audit_log(
        actor=acting_user,
        action=ReportAction.PRIORITY_CHANGED,
        target=report,
        data={"from": old, "to": priority, "change": change.pk},
    )
    return report


def _require_open(report: Report) -> None:
    if not report.is_waiting:
        raise DomainError(
            _("This report has already been handled (%(status)s).") % {"status": report.get_status_display()},
            code="already_handled",
        )


@transaction.atomic
def report_mark_duplicate(*, report: Report, of_report: Report, acting_user: User) -> Report:
    require_triage(acting_user)
    report = _locked_report(report)
    _require_open(report)
    if of_report.pk == report.pk or of_report.duplicate_of_id == report.pk:
        raise DomainError(_("A report cannot be a duplicate of itself."), code="invalid", field="of_report")
    report.status = Status.DUPLICATE
    report.duplicate_of = of_report
    report.acknowledged_at = report.acknowledged_at or timezone.now()
    report.save(update_fields=["status", "duplicate_of", "acknowledged_at"])
    audit_log(actor=acting_user, action=ReportAction.MARKED_DUPLICATE, target=report, data={"of_report": of_report.pk})
    return report


@transaction.atomic
def report_reject(*, report: Report, reason: str, acting_user: User) -> Report:
    require_triage(acting_user)
    report = _locked_report(report)
    _require_open(report)
    if reason not in RejectionReason.values:
        raise DomainError(_("Choose a reason from the list."), code="invalid", field="reason")
    report.status = Status.REJECTED
    report.rejection_reason = reason
    report.acknowledged_at = report.acknowledged_at or timezone.now()
    report.save(update_fields=["status", "rejection_reason", "acknowledged_at"])
    audit_log(actor=acting_user, action=ReportAction.REJECTED, target=report, data={"reason": reason})
    return report


# --- into a case ----------------------------------------------------------------------------------


def _locked_unhandled_report(report: Report) -> Report:
    report = _locked_report(report)
    if not report.is_waiting:
        raise DomainError(_("This report has already been handled."), code="already_handled")
    return report


@transaction.atomic
def report_accept(
    *,
    report: Report,
    acting_user: User,
    case: Case | None = None,
    officer: User | None = None,
    kelurahan: Kelurahan | None = None,
) -> Case:
    """Accept a report: open a new case for it, or add it to an existing case.

    Without `officer`, whoever accepts takes the new case; only a supervisor names someone.
    `kelurahan`: the new case's, for a report that names none (cases.services.case_open)."""
    require_triage(acting_user)
    if officer is not None:
        if not user_can(acting_user, Capability.SUPERVISE):
            raise DomainError(_("Only a supervisor can do this."), code="not_supervisor", field="officer")
        if case is not None:
            raise DomainError(_("Choose an officer only for a new case."), code="invalid", field="officer")
    report = _locked_unhandled_report(report)
    if case is None:
        case = case_services.case_open(
            report=report, officer=officer or acting_user, acting_user=acting_user, kelurahan=kelurahan
        )
    report.status = Status.ACCEPTED
    report.acknowledged_at = report.acknowledged_at or timezone.now()
    report.save(update_fields=["status", "acknowledged_at"])
    audit_log(actor=acting_user, action=ReportAction.ACCEPTED, target=report, data={"case": case.pk})
    case_services.case_report_add(case=case, report=report, acting_user=acting_user)
    return case


@transaction.atomic
def report_mark_duplicate_of_case(*, report: Report, case: Case, acting_user: User) -> Report:
    require_triage(acting_user)
    report = _locked_unhandled_report(report)
    report.status = Status.DUPLICATE
    report.acknowledged_at = report.acknowledged_at or timezone.now()
    report.save(update_fields=["status", "acknowledged_at"])
    audit_log(actor=acting_user, action=ReportAction.MARKED_DUPLICATE, target=report, data={"of_case": case.pk})
    case_services.case_report_add(case=case, report=report, acting_user=acting_user, duplicate=True)
    return report


def report_record_view(*, report: Report, acting_user: User, what: str = "report") -> None:
    """Reading a report's identifying data leaves a row in the audit trail, on the case it belongs
    to too, so that "who opened this case" is whole."""
    audit_log(actor=acting_user, action=ReportAction.VIEWED, target=report, data={"what": what})
    link = CaseReport.objects.filter(report=report).select_related("case").first()
    if link is not None:
        audit_log(
            actor=acting_user, action=CaseAction.VIEWED, target=link.case, data={"what": f"{report.reference}:{what}"}
        )


# --- a complaint recorded by staff ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedIntake:
    submitted: SubmittedReport
    case: Case | None = None


def report_intake(
    *,
    data: IntakeInput,
    channel: Channel,
    acting_user: User,
    files: Sequence[UploadedFile] = (),
    accept: bool = False,
    officer: User | None = None,
) -> RecordedIntake:
    """Record a complaint from a staff door (reports.services.report_submit: priority, alerts and
    escalation as for any report) and, when `accept`, acknowledge it and accept it into a new case
    in the same transaction: the audit shows the submission, the acknowledgement and the acceptance.
    If accepting fails, nothing is recorded, the encrypted files included."""
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            submitted = report_submit(data=data, files=files, channel=channel, acting_user=acting_user)
            if not accept:
                return RecordedIntake(submitted=submitted)
            stored_names = list(submitted.report.attachments.values_list("stored_name", flat=True))
            report_acknowledge(report=submitted.report, acting_user=acting_user)
            case = report_accept(report=submitted.report, acting_user=acting_user, officer=officer)
            submitted.report.refresh_from_db()
            return RecordedIntake(submitted=submitted, case=case)
    except BaseException:
        for name in stored_names:
            delete_quietly(name)
        raise
