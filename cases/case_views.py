"""The staff case pages: the case list, the case page, and one small POST view per action.

Who may do what on an action URL (one rule for all of them):

- an anonymous visitor goes to the login page; a volunteer or a system administrator, who read
  no case at all, gets 403 before any case is looked up;
- a case the person cannot see answers 404, exactly like a uuid that does not exist (another
  officer's case), because access_case answers both the same way;
- a case the person can see but not change answers 403: the head of agency on every action,
  and an officer on the supervisor's actions (deciding a closure, reopening, assigning).

A refused action (invalid input, or a rule of the service such as a stale version) renders the
case page again with the message next to its form and the reasons in the summary at the top, with
status 400; a done one redirects to the section of the case page it was done in (`SECTION_OF`,
`#section-id`), where its success message is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import Capability, user_can
from accounts.decorators import login_and_second_factor_required
from accounts.models import User
from alerts.selectors import alert_history
from core.errors import DomainError
from reports.choices import VIOLENCE_TYPE_SHORT, Place, ViolenceType
from reports.models import Report
from reports.services import report_message_add
from triage.threads import threads_mark_read

from . import plans
from . import services as cs
from .access import CaseAccess, access_case, reports_for, visible_references
from .audit import CaseAction
from .case_forms import (
    AdvanceForm,
    AssignForm,
    CaseFilterForm,
    ChildForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    FollowUpForm,
    NoteForm,
    PerpetratorForm,
    ReopenForm,
    ReporterMessageForm,
    ServicePlanForm,
    ServiceUpdateForm,
    SimfoniForm,
)
from .case_selectors import CaseFilters, CasePage, case_list, case_page, case_threads, case_views
from .charts import RecoveryChart
from .choices import CaseStatus, ClosureReason, ReferralStatus, RiskLevel, ServiceStatus, ServiceType
from .legal import legal_page
from .legal_forms import legal_action_forms
from .legal_hold import legal_hold_state
from .legal_hold_forms import legal_hold_forms
from .models import Case, CasePlan, CaseService
from .plan_forms import StructuredAssessmentForm, plan_action_forms
from .plan_selectors import case_approval_context, plan_view
from .referral_forms import referral_page_part
from .services import NEXT_STEP

readers_only = login_and_second_factor_required(capability=Capability.READ_CASES)
LIST_PAGE_SIZE = 25
VIEWS_PAGE_SIZE = 50

# The case page section (its element id) each action's form sits in: a done action lands there
# with its message, not at the top of a page several screens long.
SECTION_OF = {
    "advance": "actions",
    "closure": "actions",
    "decision": "actions",
    "reopen": "actions",
    "assign": "actions",
    "assessment": "assessment",
    "simfoni": "summary",
    "child": "children",
    "perpetrator": "perpetrators",
    "service": "services",
    "follow_up": "follow-ups",
    "note": "notes",
    "legal": "legal",
    "police_refer": "legal",
    "police_waive": "legal",
    "hearing": "legal",
    "legal_hold": "legal-hold",
    "legal_hold_release": "legal-hold",
    "plan_goal": "plan",
    "plan_submit": "plan",
    "plan_decision": "plan",
    "referral": "referrals",
    "transfer": "referrals",
}


def section_of(name: str) -> str:
    """The section of an action's form; a referral's answer form is named after the referral."""
    return SECTION_OF.get(name) or ("referrals" if name.startswith("referral-") else "")


def saved_redirect(request, case: Case, name: str, message: str):
    """After a done action: back to its section, where the message (tagged with the section) is shown."""
    section = section_of(name)
    messages.success(request, message, extra_tags=f"case-section {section}" if section else "")
    url = reverse("cases:detail", args=[case.uuid])
    return redirect(f"{url}#{section}" if section else url)


def _saved_section(request) -> str:
    """The section the message being shown belongs to (read without taking the message away)."""
    for message in messages.get_messages(request):
        tags = message.extra_tags.split()
        if "case-section" in tags and len(tags) == 2:
            return tags[1]
    return ""


def _failure_reasons(form: forms.Form) -> list[tuple[str, str]]:
    """What was refused, in words, for the summary at the top: (field label or "", message)."""
    reasons = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields and form.fields[name].label else ""
        reasons.extend((label, str(error)) for error in errors)
    return reasons


def _page(request, queryset, size):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _person(user: User | None) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.username


# --- the list -----------------------------------------------------------------------------------


@never_cache
@readers_only
@require_GET
def case_list_view(request):
    """Supervisors and the head see every case; an officer sees their own ("My cases")."""
    every_case = user_can(request.user, Capability.READ_ALL_CASES)
    form = CaseFilterForm(request.GET, with_officer=every_case)
    filters = form.filters() if form.is_valid() else CaseFilters()
    today = timezone.localdate()
    page = _page(request, case_list(user=request.user, filters=filters, today=today), LIST_PAGE_SIZE)
    context = {"form": form, "page": page, "today": today, "mine": not every_case}
    return render(request, "cases/list.html", context, status=200 if form.is_valid() else 400)


# --- the case page ------------------------------------------------------------------------------

EVENT_LABELS = {
    CaseAction.OPENED: gettext_lazy("Case opened from a report"),
    CaseAction.REPORT_ADDED: gettext_lazy("Report linked to the case"),
    CaseAction.ASSIGNED: gettext_lazy("Officers assigned"),
    CaseAction.CHILD_ADDED: gettext_lazy("Child added"),
    CaseAction.PERPETRATOR_ADDED: gettext_lazy("Perpetrator added"),
    CaseAction.ASSESSED: gettext_lazy("Assessment recorded"),
    CaseAction.ADVANCED: gettext_lazy("Moved to the next step"),
    CaseAction.SERVICE_PLANNED: gettext_lazy("Service planned"),
    CaseAction.SERVICE_UPDATED: gettext_lazy("Service updated"),
    CaseAction.FOLLOW_UP_RECORDED: gettext_lazy("Follow-up visit recorded"),
    CaseAction.NOTE_ADDED: gettext_lazy("Note added"),
    CaseAction.CLOSURE_REQUESTED: gettext_lazy("Closure requested"),
    CaseAction.CLOSURE_APPROVED: gettext_lazy("Closure approved, case closed"),
    CaseAction.CLOSURE_SENT_BACK: gettext_lazy("Closure sent back to follow-up"),
    CaseAction.REOPENED: gettext_lazy("Case reopened"),
    CaseAction.LEGAL_DEADLINE_STARTED: gettext_lazy("Sexual violence: 3x24 hours to pass it to the police (UU TPKS)"),
    CaseAction.LEGAL_UPDATED: gettext_lazy("Legal record updated"),
    CaseAction.LEGAL_POLICE_REFERRED: gettext_lazy("Passed to the police"),
    CaseAction.LEGAL_POLICE_WAIVED: gettext_lazy("Not passed to the police, reason recorded"),
    CaseAction.HEARING_ADDED: gettext_lazy("Court hearing added"),
    CaseAction.LEGAL_HOLD_PLACED: gettext_lazy("Legal hold placed"),
    CaseAction.LEGAL_HOLD_RELEASED: gettext_lazy("Legal hold released"),
    CaseAction.ASSESSMENT_RATED: gettext_lazy("Assessment ratings recorded"),
    CaseAction.PLAN_GOAL_ADDED: gettext_lazy("Goal added to the case plan"),
    CaseAction.PLAN_SUBMITTED: gettext_lazy("Case plan sent for approval"),
    CaseAction.PLAN_APPROVED: gettext_lazy("Case plan approved"),
    CaseAction.PLAN_RETURNED: gettext_lazy("Case plan returned for changes"),
    CaseAction.REFERRAL_SENT: gettext_lazy("Referral sent"),
    CaseAction.REFERRAL_ANSWERED: gettext_lazy("Referral answered"),
    CaseAction.TRANSFERRED: gettext_lazy("Case transferred to another UPTD PPA"),
}


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or ""))


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    label: str
    detail: str


def _timeline(page: CasePage) -> list[TimelineEntry]:
    """Each audit row of the case in words. Details name codes and references, never identities."""
    references = {link.report_id: link.report.reference for link in page.case_reports}
    service_types = {str(service.uuid): service.service_type for service in page.services}
    entries = []
    for event in page.timeline:
        data = event.data
        detail = ""
        if event.action in (CaseAction.OPENED, CaseAction.REPORT_ADDED):
            detail = references.get(data.get("report"), "")
        elif event.action == CaseAction.ASSIGNED:
            names = [_person(page.people.get(pk)) for pk in (data.get("officer"), data.get("second_officer")) if pk]
            detail = ", ".join(names)
        elif event.action == CaseAction.CHILD_ADDED and data.get("possible_duplicate_cases"):
            # A count only: the timeline is read by people who may not open those cases.
            count = len(data["possible_duplicate_cases"])
            detail = ngettext(
                "Possibly the same child as in %(count)d other case",
                "Possibly the same child as in %(count)d other cases",
                count,
            ) % {"count": count}
        elif event.action == CaseAction.ASSESSED:
            detail = _("Risk: %(risk)s") % {"risk": _label(RiskLevel, data.get("risk_level"))}
        elif event.action == CaseAction.ADVANCED:
            detail = f"{_label(CaseStatus, data.get('from'))} → {_label(CaseStatus, data.get('to'))}"
        elif event.action == CaseAction.SERVICE_PLANNED:
            detail = _label(ServiceType, data.get("type"))
        elif event.action == CaseAction.SERVICE_UPDATED:
            service_type = _label(ServiceType, service_types.get(data.get("service")))
            detail = f"{service_type}: {_label(ServiceStatus, data.get('status'))}"
        elif event.action == CaseAction.REFERRAL_ANSWERED:
            detail = f"{_label(ReferralStatus, data.get('from'))} → {_label(ReferralStatus, data.get('to'))}"
        elif event.action == CaseAction.TRANSFERRED:
            detail = data.get("receiving_agency", "")
        elif event.action == CaseAction.CLOSURE_REQUESTED:
            detail = _label(ClosureReason, data.get("reason"))
        if event.action in (CaseAction.CLOSURE_REQUESTED, CaseAction.CLOSURE_APPROVED) and data.get(
            "closing_message_to"
        ):
            detail = "; ".join(filter(None, [detail, _("closing message sent to the reporter")]))
        entries.append(
            TimelineEntry(
                at=event.at,
                actor=_person(event.actor),
                label=str(EVENT_LABELS.get(event.action, event.action)),
                detail=detail,
            )
        )
    return entries


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


def _steps(case: Case) -> list[Step]:
    order = CaseStatus.values
    current = order.index(case.status)
    return [
        Step(label=label, state="done" if index < current else "current" if index == current else "todo")
        for index, (_value, label) in enumerate(CaseStatus.choices)
    ]


def _report_url(report: Report) -> str | None:
    """The triage page of a linked report, if the triage pages are installed."""
    try:
        return reverse("triage:report", args=[report.uuid])
    except NoReverseMatch:
        return None


def _report_violence(report: Report) -> list[str]:
    return sorted(
        str(VIOLENCE_TYPE_SHORT.get(row.violence_type, row.violence_type)) for row in report.violence_types.all()
    )


def _action_forms(access: CaseAccess, plan: CasePlan | None) -> dict[str, forms.Form]:
    """The actions this person can take on the case in its present step, as unbound forms."""
    if not access.can_edit:
        return {}
    case = access.case
    supervisor = access.can_supervise
    version = {"version": case.version}
    available: dict[str, forms.Form] = {}
    if case.status in (CaseStatus.REGISTERED, CaseStatus.ASSESSMENT):
        available["assessment"] = StructuredAssessmentForm(
            initial={**version, "needs": case.needs}, prefix="assessment"
        )
    available["simfoni"] = SimfoniForm(
        initial={**version, "occurred_on": case.occurred_on, "simfoni_number": case.simfoni_number}, prefix="simfoni"
    )
    if case.status in NEXT_STEP:
        available["advance"] = AdvanceForm(initial=version, prefix="advance")
    if case.status != CaseStatus.CLOSED:
        available["child"] = ChildForm(prefix="child")
        available["perpetrator"] = PerpetratorForm(prefix="perpetrator")
        available["service"] = ServicePlanForm(prefix="service")
        if case.status != CaseStatus.REGISTERED:
            available["follow_up"] = FollowUpForm(prefix="follow_up")
    if case.status == CaseStatus.MONITORING:
        available["closure"] = ClosureRequestForm(initial=version, prefix="closure")
    if supervisor and case.status == CaseStatus.CLOSURE_REQUESTED:
        available["decision"] = ClosureDecisionForm(initial=version, prefix="decision")
    if supervisor and case.status == CaseStatus.CLOSED:
        available["reopen"] = ReopenForm(initial=version, prefix="reopen")
    if supervisor:
        available["assign"] = AssignForm(
            initial={**version, "officer": case.assigned_officer_id, "second_officer": case.second_officer_id},
            prefix="assign",
        )
    available["note"] = NoteForm(prefix="note")
    available.update(plan_action_forms(access, plan))
    return available


def _message_name(report: Report) -> str:
    return f"message-{report.uuid}"


def _case_page(request, access: CaseAccess, *, failed: tuple[str, forms.Form] | None = None, status: int = 200):
    """Render the case page; opening it with identities is written to the audit trail, and
    the reports' threads shown are marked read for the reader."""
    case = access.case
    if access.identities:
        cs.case_record_view(case=case, acting_user=request.user)
    page = case_page(access=access, today=timezone.localdate())
    plan = plan_view(access=access, follow_ups=page.follow_ups)
    action_forms = _action_forms(access, plan.plan)
    legal_part = legal_page(case=case, now=timezone.now(), perpetrators=page.perpetrators)
    action_forms.update(legal_action_forms(access, legal_part.record))
    action_forms.update(legal_hold_forms(access, request.user))
    threads = case_threads(access=access, user=request.user)
    # What this page shows is read by this person from now on (one statement).
    threads_mark_read(
        user=request.user,
        read_up_to={thread.report.pk: thread.messages[-1][0].pk for thread in threads if thread.messages},
    )
    for thread in threads:
        action_forms[_message_name(thread.report)] = ReporterMessageForm(prefix="message")
    if failed:
        action_forms[failed[0]] = failed[1]
    thread_rows = [(thread, name, action_forms[name]) for thread in threads for name in [_message_name(thread.report)]]
    referral_part = referral_page_part(
        access=access, action_forms=action_forms, today=timezone.localdate(), case_reports=page.case_reports
    )
    context = {
        "access": access,
        "case": case,
        "page": page,
        "steps": _steps(case),
        "violence_types": [_label(ViolenceType, code) for code in case.violence_types],
        "place": _label(Place, case.place),
        "incident_day": cs.incident_day(case),
        "reports": [
            (link.report, _report_url(link.report) if access.identities else None, _report_violence(link.report))
            for link in page.case_reports
        ],
        "hidden_children": range(page.children_count) if page.children is None else (),
        "assessment_due": case.status == CaseStatus.REGISTERED,
        "chart": RecoveryChart.of(page.follow_ups),
        "timeline": _timeline(page),
        "forms": action_forms,
        "failed": failed[0] if failed else None,
        "failed_reasons": _failure_reasons(failed[1]) if failed else [],
        "saved_section": _saved_section(request),
        "advance_missing": cs.advance_missing(case) if "advance" in action_forms else [],
        "next_step": _label(CaseStatus, NEXT_STEP.get(case.status)),
        "alert_history": alert_history(case=case),
        "threads": thread_rows,
        "legal": legal_part,
        "legal_hold": legal_hold_state(case, legal_record=legal_part.record),
        **referral_part,
        "plan": plan,
        # What a supervisor weighs before deciding the closure or the plan (cases.plan_selectors).
        "approval": case_approval_context(case) if {"decision", "plan_decision"} & action_forms.keys() else None,
    }
    return render(request, "cases/detail.html", context, status=status)


@never_cache
@readers_only
@require_GET
def case_detail(request, uuid):
    return _case_page(request, access_case(request.user, uuid))


@never_cache
@login_and_second_factor_required(capability=Capability.SUPERVISE)
@require_GET
def case_access_log(request, uuid):
    """Who opened this case's identifying data and when: for supervisors only."""
    access = access_case(request.user, uuid)
    page = _page(request, case_views(access.case), VIEWS_PAGE_SIZE)
    return render(request, "cases/access_log.html", {"case": access.case, "page": page})


# --- actions ------------------------------------------------------------------------------------


def case_action(view):
    return never_cache(readers_only(require_POST(view)))


def _editable_case(user: User, uuid, *, supervisor_only: bool = False) -> CaseAccess:
    access = access_case(user, uuid)
    if not access.can_edit or (supervisor_only and not access.can_supervise):
        raise PermissionDenied
    return access


def _act(
    request,
    uuid,
    name: str,
    form_class: type[forms.Form],
    run: Callable[[Case, forms.Form], str],
    *,
    supervisor_only: bool = False,
):
    """Parse the form named `name`, run the service, and answer as the module docstring says.
    `run` calls the service with the case and the valid form, and returns the success message."""
    access = _editable_case(request.user, uuid, supervisor_only=supervisor_only)
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        try:
            message = run(access.case, form)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return saved_redirect(request, access.case, name, message)
    return _case_page(request, access, failed=(name, form), status=400)


@case_action
def assess(request, uuid):
    def run(case, form):
        plans.case_assess(
            case=case, data=form.to_input(), expected_version=form.cleaned_data["version"], acting_user=request.user
        )
        return _("The assessment has been recorded.")

    return _act(request, uuid, "assessment", StructuredAssessmentForm, run)


@case_action
def record_simfoni(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_update_simfoni(
            case=case,
            occurred_on=data["occurred_on"],
            simfoni_number=data["simfoni_number"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return _("The date of the incident and the SIMFONI-PPA number have been saved.")

    return _act(request, uuid, "simfoni", SimfoniForm, run)


@case_action
def advance(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        case = cs.case_advance(case=case, expected_version=data["version"], acting_user=request.user)
        return _("The case has moved to: %(step)s.") % {"step": case.get_status_display()}

    return _act(request, uuid, "advance", AdvanceForm, run)


@case_action
def add_child(request, uuid):
    def run(case, form):
        _child, duplicates = cs.case_add_child(case=case, data=form.to_input(), acting_user=request.user)
        references, hidden = visible_references(request.user, duplicates)
        message = _("The child has been added.")
        if references:
            message += " " + _(
                "A child with the same name and birth year is in case %(references)s: "
                "check whether it is the same child."
            ) % {"references": ", ".join(references)}
        if hidden:
            message += " " + _(
                "A child with the same name and birth year is also in a case you cannot open: tell your supervisor."
            )
        return message

    return _act(request, uuid, "child", ChildForm, run)


@case_action
def add_perpetrator(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_add_perpetrator(
            case=case,
            relation=data["relation"],
            lives_with_child=data["lives_with_child"],
            description=data["description"],
            sex=data["sex"],
            age=data["age"],
            is_child=data["is_child"],
            acting_user=request.user,
        )
        return _("The perpetrator has been added.")

    return _act(request, uuid, "perpetrator", PerpetratorForm, run)


@case_action
def plan_service(request, uuid):
    def run(case, form):
        cs.service_plan(case=case, data=form.to_input(), acting_user=request.user)
        return _("The service has been planned.")

    return _act(request, uuid, "service", ServicePlanForm, run)


@case_action
def record_follow_up(request, uuid):
    def run(case, form):
        cs.follow_up_record(case=case, data=form.to_input(), acting_user=request.user)
        return _("The follow-up visit has been recorded.")

    return _act(request, uuid, "follow_up", FollowUpForm, run)


@case_action
def add_note(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_note_add(case=case, body=data["body"], acting_user=request.user)
        return _("The note has been added.")

    return _act(request, uuid, "note", NoteForm, run)


@sensitive_post_parameters("message-body")
@case_action
def reporter_message(request, uuid, report_uuid):
    """Answer the reporter of a report in the case: for those who may read the thread on the
    case page (triage, identities); the head of agency gets 403, a report outside the case 404."""
    access = access_case(request.user, uuid)
    if not (access.identities and user_can(request.user, Capability.TRIAGE)):
        raise PermissionDenied
    report = reports_for(request.user).filter(uuid=report_uuid, case_link__case=access.case).first()
    if report is None:
        raise Http404
    name = _message_name(report)
    form = ReporterMessageForm(request.POST, prefix="message")
    if form.is_valid():
        try:
            report_message_add(report=report, body=form.cleaned_data["body"], acting_user=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your message has been sent to the reporter."))
            return redirect(f"{reverse('cases:detail', args=[access.case.uuid])}#thread-{report.uuid}")
    return _case_page(request, access, failed=(name, form), status=400)


@case_action
def request_closure(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_request_closure(
            case=case,
            reason=data["reason"],
            explanation=data["explanation"],
            closing_message=data["closing_message"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return _("Closure has been requested. A supervisor will decide.")

    return _act(request, uuid, "closure", ClosureRequestForm, run)


@case_action
def decide_closure(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        approve = data["decision"] == ClosureDecisionForm.APPROVE
        cs.case_decide_closure(
            case=case,
            approve=approve,
            comment=data["comment"],
            closing_message=data["closing_message"],
            justification=data["justification"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return _("The case is closed.") if approve else _("The case has gone back to follow-up and monitoring.")

    return _act(request, uuid, "decision", ClosureDecisionForm, run, supervisor_only=True)


@case_action
def reopen(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_reopen(case=case, reason=data["reason"], expected_version=data["version"], acting_user=request.user)
        return _("The case has been reopened.")

    return _act(request, uuid, "reopen", ReopenForm, run, supervisor_only=True)


@case_action
def assign(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        cs.case_assign(
            case=case,
            officer=data["officer"],
            second_officer=data["second_officer"],
            expected_version=data["version"],
            acting_user=request.user,
        )
        return _("The officers have been assigned.")

    return _act(request, uuid, "assign", AssignForm, run, supervisor_only=True)


@never_cache
@readers_only
@require_http_methods(["GET", "POST"])
def service_detail(request, uuid, service_uuid):
    """Update one service of the case (status, dates, consent, outcome)."""
    access = _editable_case(request.user, uuid)
    try:
        service = CaseService.objects.select_related("provider").get(case=access.case, uuid=service_uuid)
    except CaseService.DoesNotExist as exc:
        raise Http404 from exc
    initial = {name: getattr(service, name) for name in ServiceUpdateForm.base_fields}
    form = ServiceUpdateForm(request.POST or None, initial=initial, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            cs.service_update(
                service=service,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return saved_redirect(request, access.case, "service", _("The service has been updated."))
    context = {"case": access.case, "service": service, "form": form}
    return render(request, "cases/service.html", context, status=400 if form.errors else 200)
