"""The case plan's pages: its actions on the case page (adding a goal, submitting, the supervisor's
decision), the printable plan, and the supervisor's pending approvals. Access as cases.case_views
says: 404 for a case one cannot see, 403 for one one may only read."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from core.errors import DomainError

from . import plans
from . import services as cs
from .access import access_case
from .case_views import _act, _case_page, _editable_case, case_action, readers_only, saved_redirect
from .plan_forms import GoalForm, PlanDecisionForm, PlanSubmitForm
from .plan_selectors import case_approval_context, pending_approvals, plan_view


@case_action
def plan_goal_add(request, uuid):
    access = _editable_case(request.user, uuid)
    form = GoalForm(request.POST, case=access.case, prefix="plan_goal")
    if form.is_valid():
        try:
            plans.plan_goal_add(case=access.case, data=form.to_input(), acting_user=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return saved_redirect(request, access.case, "plan_goal", _("The goal has been added to the plan."))
    return _case_page(request, access, failed=("plan_goal", form), status=400)


@case_action
def plan_submit(request, uuid):
    def run(case, form):
        plans.plan_submit(case=case, expected_version=form.cleaned_data["version"], acting_user=request.user)
        return _("The plan has been sent to the supervisor for approval.")

    return _act(request, uuid, "plan_submit", PlanSubmitForm, run)


@case_action
def plan_decide(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        approve = data["decision"] == PlanDecisionForm.APPROVE
        plans.plan_decide(
            case=case, approve=approve, note=data["note"], expected_version=data["version"], acting_user=request.user
        )
        return _("The plan is approved.") if approve else _("The plan has gone back to the officer.")

    return _act(request, uuid, "plan_decision", PlanDecisionForm, run, supervisor_only=True)


@never_cache
@readers_only
@require_GET
def plan_print(request, uuid):
    """The plan on A4: goals against the latest follow-up scores. Goal texts only with identities."""
    access = access_case(request.user, uuid)
    if access.identities:
        cs.case_record_view(case=access.case, acting_user=request.user, what="plan_print")
    context = {
        "case": access.case,
        "access": access,
        "plan": plan_view(access=access),
        "approval": case_approval_context(access.case),
        "printed_at": timezone.localtime(),
    }
    return render(request, "cases/print/plan.html", context)


@never_cache
@login_and_second_factor_required(capability=Capability.SUPERVISE)
@require_GET
def approvals(request):
    """Plans and closures waiting for a supervisor's decision, oldest first."""
    return render(request, "cases/approvals.html", {"approvals": pending_approvals(user=request.user)})
