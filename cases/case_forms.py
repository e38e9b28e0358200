"""Input of the staff case pages. The rules live in cases.services; these forms parse, and
where a service publishes its rules (`*_input_errors`) show all of them at once."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from areas.models import Kecamatan
from core.widgets import DATE_WIDGET
from reports.choices import MESSAGE_MAX_LENGTH

from .case_selectors import STATUS_ALL, STATUS_OPEN, CaseFilters, case_officers
from .choices import (
    MAX_AGE,
    CaseStatus,
    ClosureReason,
    Education,
    PerpetratorRelation,
    ServiceStatus,
    ServiceType,
)
from .models import CaseService, Child, Perpetrator, Provider
from .services import (
    ChildInput,
    FollowUpInput,
    ServiceInput,
    follow_up_input_errors,
    service_input_errors,
)

LONG_TEXT = 5000
SHORT_TEXT = 300
YES, NO = "yes", "no"
YES_NO_UNKNOWN = [("", _("Not known")), (YES, _("Yes")), (NO, _("No"))]


def _date_field(label, *, required=True, initial=None):
    return forms.DateField(label=label, required=required, initial=initial, widget=DATE_WIDGET)


def _yes_no(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


def _long_text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


# --- the list's filters ---------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, _("All open cases")),
            (STATUS_ALL, _("All cases, closed too")),
            *CaseStatus.choices,
        ],
    )
    officer = OfficerChoiceField(label=_("Officer"), queryset=User.objects.none(), required=False, empty_label=_("All"))
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False, empty_label=_("All")
    )

    def __init__(self, data, *, with_officer: bool):
        super().__init__(data)
        if with_officer:
            self.fields["officer"].queryset = case_officers()
        else:
            del self.fields["officer"]

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            status=data["status"] or STATUS_OPEN, officer=data.get("officer"), kecamatan=data["kecamatan"]
        )


# --- actions on the case itself, which name the version they started from ----------------------------


OUT_OF_DATE = _("This form is out of date. Reload the page and try again.")


class VersionedForm(forms.Form):
    version = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


class AdvanceForm(VersionedForm):
    pass


class SimfoniForm(VersionedForm):
    """The date of the incident and the SIMFONI-PPA registration number (cases.services.case_update_simfoni)."""

    occurred_on = forms.DateField(
        label=_("Date of the incident"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave it empty when it is not known. Changing it does not change the ages already recorded."),
    )
    simfoni_number = forms.CharField(
        label=_("SIMFONI-PPA number"),
        required=False,
        max_length=64,
        help_text=_("The number SIMFONI-PPA gave this case when it was entered there."),
    )


def _closing_message_field(help_text):
    return forms.CharField(
        label=_("Closing message to the reporter"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClosureRequestForm(VersionedForm):
    reason = forms.ChoiceField(
        label=_("Reason for closing"),
        # A transfer is recorded with its own action (receiving agency, letter, hand-over packet).
        choices=[(value, label) for value, label in ClosureReason.choices if value != ClosureReason.TRANSFERRED],
        widget=forms.RadioSelect,
    )
    explanation = _long_text(_("Explanation"), required=False)
    closing_message = _closing_message_field(
        _(
            "Optional. Sent to whoever reported this case, on each of its reports, when a supervisor approves the "
            "closure: they read it on their status page with their receipt code. Write to them as to the child or "
            "the family; name no one."
        )
    )


class ClosureDecisionForm(VersionedForm):
    APPROVE, SEND_BACK = "approve", "send_back"

    # Set by the button that was pressed.
    decision = forms.ChoiceField(
        choices=[(APPROVE, _("Approve closure")), (SEND_BACK, _("Send back"))], widget=forms.HiddenInput
    )
    comment = _long_text(_("Comment"), required=False, rows=2, help_text=_("Needed when you send the case back."))
    justification = _long_text(
        _("Justification for closing"),
        required=False,
        rows=2,
        help_text=_(
            "Needed to close a case with high risk, a follow-up score of 2 or lower, or an open legal process."
        ),
    )
    closing_message = _closing_message_field(
        _(
            "Optional, when you approve. Sent to whoever reported this case, on each of its reports, as the case "
            "closes, instead of the officer's (shown above, if they wrote one): their status page shows it as the "
            "closing message. Name no one."
        )
    )


class ReopenForm(VersionedForm):
    reason = _long_text(_("Why is the case reopened?"), rows=2)


class AssignForm(VersionedForm):
    officer = OfficerChoiceField(label=_("Case manager"), queryset=User.objects.none(), empty_label=None)
    second_officer = OfficerChoiceField(
        label=_("Accompanying officer"), queryset=User.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = case_officers()
        self.fields["officer"].queryset = officers
        self.fields["second_officer"].queryset = officers


# --- what the case holds ---------------------------------------------------------------------------


class ChildForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SHORT_TEXT)
    birth_date = _date_field(_("Date of birth"), required=False)
    age = forms.IntegerField(
        label=_("Age"),
        min_value=0,
        max_value=MAX_AGE,
        required=False,
        help_text=_("Today's age, if the date of birth is not known."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    age_at_incident = forms.IntegerField(
        label=_("Age at the incident"),
        min_value=0,
        max_value=17,
        required=False,
        help_text=_("How old the child was when it happened. Needed for a survivor who is an adult now."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", _("Not known")), *Child._meta.get_field("sex").choices], required=False
    )
    education = forms.ChoiceField(
        label=_("Education"), choices=[("", _("Not known")), *Education.choices], required=False
    )
    disability = forms.ChoiceField(label=_("Has a disability"), choices=YES_NO_UNKNOWN, required=False)
    guardian_contact = forms.CharField(
        label=_("Guardian contact"),
        help_text=_("Name and phone number of a parent or guardian."),
        max_length=SHORT_TEXT,
        required=False,
    )

    def clean_disability(self) -> bool | None:
        return _yes_no(self.cleaned_data["disability"])

    def to_input(self) -> ChildInput:
        return ChildInput(**self.cleaned_data)


class PerpetratorForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relationship to the child"), choices=PerpetratorRelation.choices)
    lives_with_child = forms.ChoiceField(label=_("Lives with the child"), choices=YES_NO_UNKNOWN, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", _("Not known")), *Perpetrator._meta.get_field("sex").choices], required=False
    )
    age = forms.IntegerField(
        label=_("Age"),
        min_value=0,
        max_value=MAX_AGE,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    is_child = forms.ChoiceField(
        label=_("Is a child (under 18)"),
        choices=YES_NO_UNKNOWN,
        required=False,
        help_text=_("When the age is not known. A child perpetrator is a child in conflict with the law (ABH)."),
    )
    description = _long_text(_("Description"), required=False, rows=2)

    def clean_lives_with_child(self) -> bool | None:
        return _yes_no(self.cleaned_data["lives_with_child"])

    def clean_is_child(self) -> bool | None:
        return _yes_no(self.cleaned_data["is_child"])


class ServicePlanForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.filter(active=True), empty_label=_("Choose the provider")
    )
    planned_on = _date_field(_("Planned date"))

    def to_input(self) -> ServiceInput:
        return ServiceInput(**self.cleaned_data)


class ServiceUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    planned_on = _date_field(_("Planned date"))
    started_on = _date_field(_("Started"), required=False)
    completed_on = _date_field(_("Completed"), required=False)
    consent_recorded = forms.BooleanField(label=_("The family's consent is recorded"), required=False)
    outcome = _long_text(_("Outcome"), required=False)

    def __init__(self, *args, service: CaseService, **kwargs):
        self.service = service
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for field, messages in service_input_errors(self.to_input()).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def to_input(self) -> ServiceInput:
        values = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        return ServiceInput(service_type=self.service.service_type, provider=self.service.provider, **values)


SCORE_CHOICES = [
    (1, _("1 · serious concern")),
    (2, _("2 · some concern")),
    (3, _("3 · mostly well")),
    (4, _("4 · well")),
]


def _score_field(label):
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)


class FollowUpForm(forms.Form):
    visited_on = _date_field(_("Date of the visit"), initial=timezone.localdate)
    safety = _score_field(_("Safety"))
    physical_health = _score_field(_("Physical health"))
    emotional_wellbeing = _score_field(_("Emotional wellbeing"))
    schooling = _score_field(_("Schooling"))
    family_support = _score_field(_("Family support"))
    notes = _long_text(_("Notes"), required=False)
    next_follow_up_on = _date_field(_("Next follow-up"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for field, messages in follow_up_input_errors(self.to_input()).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def to_input(self) -> FollowUpInput:
        return FollowUpInput(**{name: self.cleaned_data[name] for name in FollowUpInput.__dataclass_fields__})


class ReporterMessageForm(forms.Form):
    """An answer to the reporter from the case page (reports.services.report_message_add)."""

    body = forms.CharField(
        label=_("Message to the reporter"),
        help_text=_("The reporter reads it when they next open their report with the receipt code."),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(forms.Form):
    body = _long_text(_("Note"), rows=3)
