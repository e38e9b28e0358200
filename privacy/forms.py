"""The privacy registers' forms. The rules are the services' (*_errors), shown next to each field,
every mistake at once; a field that failed its own check is left to that message."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
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
from .selectors import AUDIT_APPS, OPEN
from .services import (
    BreachInput,
    BreachUpdateInput,
    SubjectRequestInput,
    SubjectRequestUpdateInput,
    breach_input_errors,
    breach_update_errors,
    subject_request_input_errors,
    subject_request_update_errors,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        **kwargs,
    )


def _now_in_minutes():
    return timezone.localtime().replace(second=0, microsecond=0)


def _text(label, *, required=True, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class _RuleCheckedForm(forms.Form):
    input_class = None

    def rule_errors(self, data) -> dict[str, list[str]]:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        failed = set(self.errors)
        for field, messages in self.rule_errors(self.to_input()).items():
            if field in failed:
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def to_input(self):
        names = self.input_class.__dataclass_fields__
        return self.input_class(**{name: self.cleaned_data.get(name) for name in names if name in self.fields})


class SubjectRequestForm(_RuleCheckedForm):
    input_class = SubjectRequestInput

    kind = forms.ChoiceField(label=_("Kind of request"), choices=[("", _("Choose the kind")), *RequestKind.choices])
    received_at = _datetime_field(_("Received"), initial=_now_in_minutes)
    channel = forms.ChoiceField(
        label=_("How it came in"), choices=[("", _("Choose how it came in")), *RequestChannel.choices]
    )
    description = _text(
        _("Who asks, and what"),
        help_text=_("For example: the reporter of a report asks to correct the child's school. Stored encrypted."),
    )
    related_reference = forms.CharField(
        label=_("Related case or report"),
        required=False,
        max_length=REFERENCE_MAX,
        help_text=_("Its reference, if the request is about one, for example BPN-2026-00012."),
    )

    def rule_errors(self, data):
        return subject_request_input_errors(data, now=timezone.now())


class SubjectRequestUpdateForm(_RuleCheckedForm):
    input_class = SubjectRequestUpdateInput

    status = forms.ChoiceField(label=_("New status"))
    decision_note = _text(
        _("Decision"),
        required=False,
        rows=3,
        help_text=_("Needed to close the request: what was done, or why it is refused (UU PDP Pasal 33)."),
    )

    def __init__(self, *args, subject_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_request = subject_request
        allowed = REQUEST_TRANSITIONS[RequestStatus(subject_request.status)]
        self.fields["status"].choices = [(value, label) for value, label in RequestStatus.choices if value in allowed]

    def rule_errors(self, data):
        return subject_request_update_errors(data, subject_request=self.subject_request)


class BreachForm(_RuleCheckedForm):
    input_class = BreachInput

    discovered_at = _datetime_field(
        _("Found"), initial=_now_in_minutes, help_text=_("The 3x24 hours to notify start here.")
    )
    what_happened = _text(
        _("What happened"),
        rows=5,
        help_text=_("How and when the data was exposed, lost or changed, as far as it is known. Stored encrypted."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data affected"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    subjects_estimate = forms.IntegerField(
        label=_("People affected (estimate)"),
        min_value=1,
        max_value=SUBJECTS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def rule_errors(self, data):
        return breach_input_errors(data, now=timezone.now())


class BreachUpdateForm(_RuleCheckedForm):
    input_class = BreachUpdateInput
    prefix = "update"

    measures = _text(
        _("Measures taken"),
        required=False,
        help_text=_("What was done to stop it and to recover, and what the people affected can do. Stored encrypted."),
    )
    subjects_estimate = forms.IntegerField(
        label=_("People affected (estimate)"),
        min_value=1,
        max_value=SUBJECTS_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def rule_errors(self, data):
        return breach_update_errors(data)


class BreachNotificationForm(forms.Form):
    prefix = "notify"

    whom = forms.ChoiceField(
        label=_("Who was told"),
        choices=[("subjects", _("The data subjects")), ("authority", _("The authority (UU PDP Pasal 46)"))],
        widget=forms.RadioSelect,
    )
    at = _datetime_field(_("When"), initial=_now_in_minutes)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), (OPEN, _("Open")), *RequestStatus.choices],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *RequestKind.choices], required=False)


class BreachFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *BreachStatus.choices], required=False)


class AuditFilterForm(forms.Form):
    app = forms.ChoiceField(
        label=_("Part of the system"), choices=[("", _("All")), *((app, app) for app in AUDIT_APPS)], required=False
    )
    reads_only = forms.BooleanField(label=_("Only reads of identifying data"), required=False)
