"""Input of the triage pages: the inbox filter, and one small form per action on a report."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import Capability, holders, user_can
from accounts.models import User
from areas.models import Kecamatan
from cases.access import cases_for, reports_for
from cases.models import Case
from reports.choices import MESSAGE_MAX_LENGTH, VIOLENCE_TYPE_SHORT, Channel, Priority, RejectionReason, Status
from reports.models import WAITING_STATUSES, Report
from reports.selectors import kelurahan_by_id_or_name, kelurahan_choices

# What people type: "lp-2026-123" is read as LP-2026-000123.
REPORT_REFERENCE = re.compile(r"LP-(\d{4})-(\d{1,9})")
CASE_REFERENCE = re.compile(r"BPN-(\d{4})-(\d{1,9})")
STATUS_WAITING, STATUS_ALL = "", "all"
REASON_MAX_LENGTH = 300


def _normalised(text: str) -> str:
    return "".join(text.split()).upper()


def report_by_reference(user: User, text: str) -> Report | None:
    """The report `user` may open whose reference is `text` (LP-YYYY-NNNNNN), or None."""
    match = REPORT_REFERENCE.fullmatch(_normalised(text))
    if match is None:
        return None
    report = reports_for(user).filter(pk=int(match[2])).first()
    # The number alone would do; the year must match too, or a typo lands on another report.
    if report is None or report.reference != f"LP-{match[1]}-{int(match[2]):06d}":
        return None
    return report


def case_by_reference(user: User, text: str) -> Case | None:
    """The case `user` may open whose reference is `text` (BPN-YYYY-NNNNN), or None."""
    match = CASE_REFERENCE.fullmatch(_normalised(text))
    if match is None:
        return None
    return cases_for(user).filter(reference=f"BPN-{match[1]}-{int(match[2]):05d}").first()


class InboxFilterForm(forms.Form):
    """GET filters of the inbox. A value that does not validate falls back to its default."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_WAITING, _("New or acknowledged")),
            (Status.NEW, Status.NEW.label),
            (Status.ACKNOWLEDGED, Status.ACKNOWLEDGED.label),
            (STATUS_ALL, _("All, including handled")),
        ],
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=[("", _("All")), *Priority.choices])
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False, empty_label=_("All")
    )
    violence_type = forms.ChoiceField(
        label=_("Form of violence"), required=False, choices=[("", _("All")), *VIOLENCE_TYPE_SHORT.items()]
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices])

    def filters(self) -> dict:
        """The report_inbox arguments for the valid fields."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status", STATUS_WAITING)
        statuses = {STATUS_WAITING: WAITING_STATUSES, STATUS_ALL: ()}.get(status, (status,))
        return {
            "statuses": statuses,
            "priority": data.get("priority", ""),
            "kecamatan": data.get("kecamatan"),
            "violence_type": data.get("violence_type", ""),
            "channel": data.get("channel", ""),
            "or_unread": status == STATUS_WAITING,
        }

    def is_filtered(self) -> bool:
        """Is anything chosen? Then an empty list means "nothing matches", not "nothing waits"."""
        self.is_valid()
        return any(self.cleaned_data.get(name) for name in self.fields)


class ActionForm(forms.Form):
    """One of the small forms on the report page: each gets its own ids, as several share it."""

    id_prefix = "action"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class AcknowledgeForm(ActionForm):
    id_prefix = "acknowledge"


class MessageForm(ActionForm):
    id_prefix = "message"

    body = forms.CharField(
        label=_("Message to the reporter"),
        help_text=_("The reporter reads it when they next open their report with the receipt code."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MESSAGE_MAX_LENGTH,
    )


class PriorityForm(ActionForm):
    id_prefix = "priority"

    priority = forms.ChoiceField(label=_("New priority"), choices=[("", _("Choose…")), *Priority.choices])
    reason = forms.CharField(label=_("Why"), max_length=REASON_MAX_LENGTH)


class DuplicateForm(ActionForm):
    id_prefix = "duplicate"

    duplicate_of = forms.CharField(
        label=_("Duplicate of"),
        help_text=_("A report reference (LP-2026-000123) or a case reference (BPN-2026-00001)."),
        max_length=40,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_duplicate_of(self) -> Report | Case:
        text = self.cleaned_data["duplicate_of"]
        if REPORT_REFERENCE.fullmatch(_normalised(text)):
            found = report_by_reference(self.user, text)
            if found is None:
                raise forms.ValidationError(_("There is no report with this reference."), code="unknown_report")
            return found
        if CASE_REFERENCE.fullmatch(_normalised(text)):
            found = case_by_reference(self.user, text)
            if found is None:
                raise forms.ValidationError(
                    _("There is no case with this reference among the cases you can open."), code="unknown_case"
                )
            return found
        raise forms.ValidationError(
            _("Write a report reference like LP-2026-000123 or a case reference like BPN-2026-00001."),
            code="invalid",
        )


class RejectForm(ActionForm):
    id_prefix = "reject"

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", _("Choose…")), *RejectionReason.choices])


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AcceptNewCaseForm(ActionForm):
    """A supervisor chooses the officer; an officer who accepts takes the case themselves."""

    id_prefix = "accept"

    officer = OfficerChoiceField(
        label=_("Officer in charge"),
        queryset=holders(Capability.TAKE_CASES).order_by("first_name", "last_name", "username"),
        empty_label=_("Choose…"),
    )

    # Only for a report that names no kelurahan (the reporter did not know it, outside the city,
    # online): a case is always in one (cases.services.case_open). The page shows it only then.
    kelurahan = forms.ChoiceField(
        label=_("Kelurahan where the child lives"),
        help_text=_("The report names none; a case needs one."),
        required=False,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not user_can(user, Capability.SUPERVISE):
            del self.fields["officer"]
        self.fields["kelurahan"].choices = [("", _("Choose…")), *kelurahan_choices()]

    def clean_kelurahan(self):
        value = self.cleaned_data["kelurahan"]
        return kelurahan_by_id_or_name(value) if value else None


class AcceptIntoCaseForm(ActionForm):
    id_prefix = "accept_into"

    case = forms.CharField(label=_("Case reference"), help_text=_("For example BPN-2026-00001."), max_length=40)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_case(self) -> Case:
        found = case_by_reference(self.user, self.cleaned_data["case"])
        if found is None:
            raise forms.ValidationError(
                _("There is no case with this reference among the cases you can open."), code="unknown_case"
            )
        return found
