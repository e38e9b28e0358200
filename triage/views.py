"""Staff triage: the report inbox, one report with the actions on it, and its attachments.

Officers and supervisors only. Every page is never cached: it holds identifying data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from alerts.selectors import alert_history
from cases.access import access_report, reports_for
from cases.legal import PoliceDeadline, report_police_deadline
from cases.models import Case, CaseReport
from core.encrypted_files import read_decrypted
from core.errors import DomainError
from core.wording import duration_in_words
from reports.choices import VIOLENCE_TYPE_SHORT, RejectionReason, YesNoUnknown
from reports.models import Report, ReportAttachment
from reports.services import report_message_add

from . import services
from .forms import (
    AcceptIntoCaseForm,
    AcceptNewCaseForm,
    AcknowledgeForm,
    DuplicateForm,
    InboxFilterForm,
    MessageForm,
    PriorityForm,
    RejectForm,
)
from .selectors import report_inbox
from .threads import thread_mark_read, unread_total

triage_only = login_and_second_factor_required(capability=Capability.TRIAGE)
PAGE_SIZE = 25

# The codes reports.priority.assess_priority gives as its reasons.
PRIORITY_REASONS = {
    "danger_now": gettext_lazy("The child is in danger now"),
    "injured": gettext_lazy("The child is injured and needs care"),
    "sexual_ongoing": gettext_lazy("Sexual violence that is still going on (forensic window)"),
    "sexual_within_forensic_window": gettext_lazy(
        "Sexual violence on %(date)s, within the last %(hours)d hours (forensic window)"
    ),
    "type_seksual": gettext_lazy("Sexual violence"),
    "type_ksbe": gettext_lazy("Online sexual violence"),
    "type_trafficking": gettext_lazy("Trafficking"),
    "type_eksploitasi": gettext_lazy("Exploitation"),
    "perpetrator_lives_with_child": gettext_lazy("The suspected perpetrator lives with the child"),
    "child_under_6": gettext_lazy("The child is under 6"),
}


# --- presenting a report -----------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    text: str
    overdue: bool


def deadline_for(report: Report, *, now: datetime) -> Deadline:
    """How the acknowledgement deadline stands: time left, overdue, or met."""
    if report.acknowledged_at is not None:
        late = report.acknowledged_late
        return Deadline(_("Acknowledged late") if late else _("Acknowledged in time"), overdue=False)
    if not report.is_overdue(now):
        left = report.acknowledge_due_at - now
        return Deadline(_("%(duration)s left") % {"duration": duration_in_words(left)}, overdue=False)
    return Deadline(
        _("%(duration)s overdue") % {"duration": duration_in_words(now - report.acknowledge_due_at)}, overdue=True
    )


def priority_reasons(report: Report) -> list[str]:
    """The reasons in words. Reports assessed before "sexual_ongoing" existed carry the window's
    code without a date: those were the ones still going on."""
    values = {
        "hours": settings.REPORT_FORENSIC_WINDOW_HOURS,
        "date": date_format(report.occurred_on, "DATE_FORMAT") if report.occurred_on else "",
    }
    codes = [code for code in report.priority_reason.split(",") if code]
    if report.occurred_on is None:
        codes = ["sexual_ongoing" if code == "sexual_within_forensic_window" else code for code in codes]
    return [str(PRIORITY_REASONS.get(code, code)) % values for code in codes]


def violence_labels(report: Report) -> list[str]:
    return sorted(
        str(VIOLENCE_TYPE_SHORT.get(row.violence_type, row.violence_type)) for row in report.violence_types.all()
    )


def _answer(value: str) -> str:
    # The reporter's "I don't know" reads, on a staff page, as what it is: not known.
    return _("Not known") if value == YesNoUnknown.UNKNOWN else YesNoUnknown(value).label


def _case_url(case: Case) -> str | None:
    try:
        return reverse("cases:detail", args=[case.uuid])
    except NoReverseMatch:  # the case pages are not mounted (yet)
        return None


def handler_of(report: Report):
    """Who handles the report: its case's officer once accepted, else who acknowledged it (or nobody)."""
    link = getattr(report, "case_link", None)
    if link is not None:
        return link.case.assigned_officer
    return report.acknowledged_by


@dataclass(frozen=True)
class InboxRow:
    report: Report
    deadline: Deadline
    violence: list[str]
    police: PoliceDeadline | None  # sexual violence: UU TPKS Pasal 41, 3x24 h to the police
    handler: object = None  # accounts.User or None


@dataclass(frozen=True)
class NumberedAttachment:
    attachment: ReportAttachment
    number: int


def _numbered_attachments(report: Report) -> list[NumberedAttachment]:
    return [NumberedAttachment(attachment, number) for number, attachment in enumerate(report.attachments.all(), 1)]


def _action_forms(user) -> dict:
    return {
        "acknowledge_form": AcknowledgeForm(),
        "message_form": MessageForm(),
        "priority_form": PriorityForm(),
        "duplicate_form": DuplicateForm(user=user),
        "reject_form": RejectForm(),
        "accept_form": AcceptNewCaseForm(user=user),
        "accept_into_case_form": AcceptIntoCaseForm(user=user),
    }


def _report_page(request, report: Report, *, failed: tuple[str, object] | None = None):
    """The report page; after a refused action, with that action's form and its errors (400)."""
    forms = _action_forms(request.user)
    if failed is not None:
        forms[failed[0]] = failed[1]
    services.report_record_view(report=report, acting_user=request.user)
    attachments = _numbered_attachments(report)
    number_of = {item.attachment.pk: item.number for item in attachments}
    thread = [
        (message, [(attachment, number_of[attachment.pk]) for attachment in message.attachments.all()])
        for message in report.messages.select_related("author").prefetch_related("attachments")
    ]
    thread_mark_read(report=report, user=request.user, up_to=thread[-1][0].pk if thread else None)
    link = CaseReport.objects.select_related("case__legal").filter(report=report).first()
    now = timezone.now()
    context = {
        "report": report,
        "deadline": deadline_for(report, now=now),
        "police_deadline": report_police_deadline(
            report, now=now, record=getattr(link.case, "legal", None) if link else None
        ),
        "violence": violence_labels(report),
        "reasons": priority_reasons(report),
        "priority_changes": report.priority_changes.select_related("changed_by"),
        "answers": {
            name: _answer(getattr(report, name))
            for name in ("danger_now", "injured", "child_disability", "perpetrator_lives_with_child")
        },
        "attachments": attachments,
        "thread": thread,
        "case": link.case if link else None,
        "case_url": _case_url(link.case) if link else None,
        "is_open": report.is_waiting,
        "failed_form": failed[1] if failed else None,
        "alert_history": alert_history(report=report),
        **forms,
    }
    return render(request, "triage/report.html", context, status=400 if failed else 200)


# --- pages ---------------------------------------------------------------------------------------


@never_cache
@triage_only
@require_GET
def inbox(request):
    form = InboxFilterForm(request.GET)
    page = Paginator(report_inbox(user=request.user, **form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    # The police deadline of a report still waiting; once in a case, the case page follows it.
    rows = [
        InboxRow(
            report,
            deadline_for(report, now=now),
            violence_labels(report),
            report_police_deadline(report, now=now) if report.is_waiting else None,
            handler_of(report),
        )
        for report in page
    ]
    unread = unread_total(request.user, reports_for(request.user))
    return render(request, "triage/inbox.html", {"form": form, "page": page, "rows": rows, "unread": unread})


@never_cache
@triage_only
@require_GET
def report_detail(request, uuid):
    report = access_report(request.user, uuid)
    return _report_page(request, report)


@never_cache
@triage_only
@require_GET
def attachment_download(request, uuid, attachment_id):
    """A file of the report, decrypted, always as a download and never kept by a cache."""
    report = access_report(request.user, uuid)
    found = [item for item in _numbered_attachments(report) if item.attachment.pk == attachment_id]
    if not found:
        raise Http404
    attachment, number = found[0].attachment, found[0].number
    data = read_decrypted(attachment.stored_name)
    services.report_record_view(report=report, acting_user=request.user, what=f"attachment:{attachment.pk}")
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.reference}-{number}.{attachment.extension}"'
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- actions: each a small POST form; a refusal comes back on the report page -------------------


def _attempt(form, action: Callable[[dict], object]):
    """Run `action` with the cleaned data of a valid form and return its result; or None, with
    the form holding why (a domain error goes next to its field, when the form has it)."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def _back(report: Report):
    return redirect("triage:report", uuid=report.uuid)


def triage_action(view):
    return never_cache(triage_only(require_POST(view)))


@triage_action
def acknowledge(request, uuid):
    form = AcknowledgeForm(request.POST)
    report = access_report(request.user, uuid)
    if _attempt(form, lambda data: services.report_acknowledge(report=report, acting_user=request.user)):
        messages.success(request, _("The report has been acknowledged."))
        return _back(report)
    return _report_page(request, report, failed=("acknowledge_form", form))


@sensitive_post_parameters("body")
@triage_action
def message(request, uuid):
    form = MessageForm(request.POST)
    report = access_report(request.user, uuid)
    if _attempt(
        form,
        lambda data: report_message_add(report=report, body=data["body"], acting_user=request.user),
    ):
        messages.success(request, _("Your message has been sent to the reporter."))
        return _back(report)
    return _report_page(request, report, failed=("message_form", form))


@triage_action
def change_priority(request, uuid):
    form = PriorityForm(request.POST)
    report = access_report(request.user, uuid)
    changed = _attempt(
        form,
        lambda data: services.report_change_priority(
            report=report, priority=data["priority"], reason=data["reason"], acting_user=request.user
        ),
    )
    if changed:
        messages.success(
            request, _("The priority is now: %(priority)s.") % {"priority": changed.get_priority_display()}
        )
        return _back(report)
    return _report_page(request, report, failed=("priority_form", form))


def _mark_duplicate(report: Report, of: Report | Case, acting_user):
    if isinstance(of, Case):
        return services.report_mark_duplicate_of_case(report=report, case=of, acting_user=acting_user)
    return services.report_mark_duplicate(report=report, of_report=of, acting_user=acting_user)


@triage_action
def mark_duplicate(request, uuid):
    form = DuplicateForm(request.POST, user=request.user)
    report = access_report(request.user, uuid)
    if _attempt(form, lambda data: _mark_duplicate(report, data["duplicate_of"], request.user)):
        of = form.cleaned_data["duplicate_of"]
        messages.success(
            request, _("The report has been marked as a duplicate of %(reference)s.") % {"reference": of.reference}
        )
        return _back(report)
    return _report_page(request, report, failed=("duplicate_form", form))


@triage_action
def reject(request, uuid):
    form = RejectForm(request.POST)
    report = access_report(request.user, uuid)
    if _attempt(
        form,
        lambda data: services.report_reject(report=report, reason=data["reason"], acting_user=request.user),
    ):
        if form.cleaned_data["reason"] == RejectionReason.ADULT_REFERRED:
            messages.success(request, _("The report has been referred to the women's service."))
        else:
            messages.success(request, _("The report has been rejected."))
        return _back(report)
    return _report_page(request, report, failed=("reject_form", form))


def _to_case(report: Report, case: Case):
    url = _case_url(case)
    return redirect(url) if url else _back(report)


@triage_action
def accept(request, uuid):
    """Accept the report as a new case: for the chosen officer, or for the officer accepting it."""
    form = AcceptNewCaseForm(request.POST, user=request.user)
    report = access_report(request.user, uuid)
    case = _attempt(
        form,
        lambda data: services.report_accept(
            report=report, acting_user=request.user, officer=data.get("officer"), kelurahan=data.get("kelurahan")
        ),
    )
    if case:
        messages.success(
            request, _("Case %(reference)s has been opened for this report.") % {"reference": case.reference}
        )
        return _to_case(report, case)
    return _report_page(request, report, failed=("accept_form", form))


@triage_action
def accept_into_case(request, uuid):
    form = AcceptIntoCaseForm(request.POST, user=request.user)
    report = access_report(request.user, uuid)
    case = _attempt(
        form, lambda data: services.report_accept(report=report, acting_user=request.user, case=data["case"])
    )
    if case:
        messages.success(request, _("The report has been added to case %(reference)s.") % {"reference": case.reference})
        return _to_case(report, case)
    return _report_page(request, report, failed=("accept_into_case_form", form))
