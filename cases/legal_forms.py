"""Input of the legal section of the case page (cases.legal holds the rules; these parse and show
all of them at once)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import CaseAccess
from .case_forms import VersionedForm, _date_field, _long_text
from .choices import CaseStatus, LegalStage, RequestStatus
from .legal import NAME_MAX_LENGTH, NUMBER_MAX_LENGTH, LegalRecordInput, legal_input_errors
from .models import LegalRecord

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LegalRecordForm(VersionedForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=LegalStage.choices)
    police_unit = forms.CharField(
        label=_("Police unit"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("For example Unit PPA Polresta Balikpapan."),
    )
    police_report_number = forms.CharField(
        label=_("Police report number"), max_length=NUMBER_MAX_LENGTH, required=False
    )
    police_reported_on = _date_field(_("Police report date"), required=False)
    visum_requested_on = _date_field(_("Visum requested"), required=False)
    visum_done_on = _date_field(_("Visum done"), required=False)
    verdict_on = _date_field(_("Verdict date"), required=False)
    verdict_outcome = _long_text(_("Verdict"), required=False, rows=2)
    restitution = forms.ChoiceField(label=_("Restitution claim"), choices=RequestStatus.choices, required=False)
    lpsk_protection = forms.ChoiceField(
        label=_("LPSK protection request"), choices=RequestStatus.choices, required=False
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for field, messages in legal_input_errors(self.to_input(), today=timezone.localdate()).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def to_input(self) -> LegalRecordInput:
        return LegalRecordInput(**{name: self.cleaned_data[name] for name in LegalRecordInput.__dataclass_fields__})


class PoliceReferForm(VersionedForm):
    police_unit = forms.CharField(
        label=_("Police unit"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("For example Unit PPA Polresta Balikpapan."),
    )


class PoliceWaiveForm(VersionedForm):
    reason = _long_text(_("Why is it not passed to the police?"), rows=2)


class HearingForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    court = forms.CharField(
        label=_("Court"), max_length=NAME_MAX_LENGTH, required=False, help_text=_("For example PN Balikpapan.")
    )
    note = _long_text(_("Note"), required=False, rows=2)


def legal_action_forms(access: CaseAccess, record: LegalRecord | None) -> dict[str, forms.Form]:
    """The legal actions this person can take on the case, as unbound forms (names are prefixes)."""
    if not access.can_edit or access.case.status == CaseStatus.CLOSED:
        return {}
    version = {"version": record.version if record else 1}
    initial = {name: getattr(record, name) for name in LegalRecordInput.__dataclass_fields__} if record else {}
    available: dict[str, forms.Form] = {
        "legal": LegalRecordForm(initial={**initial, **version}, prefix="legal"),
        "hearing": HearingForm(prefix="hearing"),
    }
    if record is None or record.police_referred_at is None:
        available["police_refer"] = PoliceReferForm(initial=version, prefix="police_refer")
    if record is not None and record.police_due_at and not (record.police_referred_at or record.police_waived_at):
        available["police_waive"] = PoliceWaiveForm(initial=version, prefix="police_waive")
    return available
