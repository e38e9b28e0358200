"""Input of the assessment, the case plan and its decision. The rules live in cases.plans; these
forms parse and show all of them at once (assessment_input_errors, goal_input_errors)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import CaseAccess
from .case_forms import VersionedForm, _date_field, _long_text
from .case_selectors import case_officers
from .choices import RECOVERY_DIMENSIONS, AssessmentDomain, CaseStatus, PlanStatus, RiskLevel, ServiceType
from .models import CasePlan, CaseService, Provider
from .plan_selectors import recovery_label
from .plans import EDITABLE_PLAN_STATUSES, PLAN_STEPS, AssessmentInput, GoalInput, assessment_input_errors

# The follow-ups' 1-4 scale, read as concern in the assessment.
RATING_CHOICES = [
    (1, _("1 · serious concern")),
    (2, _("2 · some concern")),
    (3, _("3 · minor concern")),
    (4, _("4 · no concern")),
]


def _add_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    for name, messages in errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class StructuredAssessmentForm(VersionedForm):
    """One rating and one note per AssessmentDomain; the risk level follows unless overridden."""

    assessed_on = _date_field(_("Date of the assessment"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in AssessmentDomain.choices:
            self.fields[f"rating_{value}"] = forms.TypedChoiceField(
                label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
            )
            self.fields[f"note_{value}"] = _long_text(_("Note: %(domain)s") % {"domain": label}, required=False, rows=2)
        self.fields["needs"] = _long_text(_("The child's needs"), rows=4)
        self.fields["risk_level"] = forms.ChoiceField(
            label=_("Risk level"),
            choices=[("", _("As the ratings give it")), *RiskLevel.choices],
            required=False,
            help_text=_("Any domain rated 1 gives high risk, any rated 2 medium, otherwise low."),
        )
        self.fields["override_reason"] = _long_text(
            _("Why the risk level differs"), required=False, rows=2, help_text=_("Needed when you change the level.")
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _add_errors(self, assessment_input_errors(self.to_input()))
        return cleaned

    def to_input(self) -> AssessmentInput:
        data = self.cleaned_data
        return AssessmentInput(
            assessed_on=data["assessed_on"],
            ratings={value: data[f"rating_{value}"] for value in AssessmentDomain.values},
            notes={value: data[f"note_{value}"] for value in AssessmentDomain.values},
            needs=data["needs"],
            risk_level=data["risk_level"],
            override_reason=data["override_reason"],
        )


class ServicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, service):
        return f"{ServiceType(service.service_type).label} · {service.provider.name}"


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Recovery domain"), choices=())
    goal = _long_text(_("Goal"), rows=2)
    target_on = _date_field(_("Target date"))
    responsible_officer = forms.ModelChoiceField(
        label=_("Responsible officer"), queryset=case_officers(), required=False, empty_label=_("None")
    )
    responsible_provider = forms.ModelChoiceField(
        label=_("Responsible provider"),
        queryset=Provider.objects.filter(active=True),
        required=False,
        empty_label=_("None"),
    )
    services = ServicesField(
        label=_("Services that serve this goal"),
        queryset=CaseService.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(domain, recovery_label(domain)) for domain in RECOVERY_DIMENSIONS]
        self.fields["responsible_officer"].queryset = case_officers()
        self.fields["responsible_officer"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["services"].queryset = CaseService.objects.filter(case=case).select_related("provider")

    def to_input(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            domain=data["domain"],
            goal=data["goal"],
            target_on=data["target_on"],
            responsible_officer=data["responsible_officer"],
            responsible_provider=data["responsible_provider"],
            services=list(data["services"]),
        )


class PlanSubmitForm(VersionedForm):
    pass


class PlanDecisionForm(VersionedForm):
    APPROVE, RETURN = "approve", "return"

    # Set by the button that was pressed.
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve the plan")), (RETURN, _("Return for changes"))], widget=forms.HiddenInput
    )
    note = _long_text(_("Note to the officer"), required=False, rows=2, help_text=_("Needed when you return the plan."))


def plan_action_forms(access: CaseAccess, plan: CasePlan | None) -> dict[str, forms.Form]:
    """The plan's actions this person can take now, as unbound forms (see case_views._action_forms)."""
    case = access.case
    if not access.can_edit or case.status == CaseStatus.CLOSED:
        return {}
    available: dict[str, forms.Form] = {}
    status = plan.status if plan else PlanStatus.DRAFT
    if case.status in PLAN_STEPS and status in EDITABLE_PLAN_STATUSES:
        available["plan_goal"] = GoalForm(case=case, prefix="plan_goal")
        if plan is not None:
            available["plan_submit"] = PlanSubmitForm(initial={"version": plan.version}, prefix="plan_submit")
    if access.can_supervise and plan is not None and status == PlanStatus.SUBMITTED:
        available["plan_decision"] = PlanDecisionForm(initial={"version": plan.version}, prefix="plan_decision")
    return available
