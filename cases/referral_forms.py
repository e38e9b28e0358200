"""Input of the referral and transfer actions on the case page. The rules live in
cases.referrals; these forms parse and show all of them at once (`*_errors`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.choices import Channel

from .access import CaseAccess
from .case_forms import LONG_TEXT, VersionedForm, _date_field, _long_text
from .choices import CaseStatus, ConsentItem, ReferralStatus
from .models import Provider, Referral
from .referral_selectors import ReferralSection, referral_section
from .referrals import (
    LETTER_NUMBER_MAX,
    SHORT_TEXT,
    ReferralAnswerInput,
    ReferralInput,
    TransferInput,
    referral_answer_errors,
    referral_input_errors,
    transfer_input_errors,
)


def _show_errors(form: forms.Form, errors: dict[str, list[str]]) -> None:
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.filter(active=True),
        empty_label=_("Choose the provider"),
    )
    request = _long_text(
        _("What is asked of the provider"),
        rows=3,
        help_text=_("The letter always prints it: name no one here that the consent does not cover."),
    )
    consent_items = forms.MultipleChoiceField(
        label=_("The consent to share covers"),
        choices=ConsentItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The referral letter prints only what is ticked here."),
    )
    consent_given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=SHORT_TEXT,
        help_text=_("The child, a parent or a guardian: name and relationship."),
    )
    letter_number = forms.CharField(label=_("Letter number"), max_length=LETTER_NUMBER_MAX)
    sent_on = _date_field(_("Date sent"), initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _show_errors(self, referral_input_errors(self.to_input()))
        return cleaned

    def to_input(self) -> ReferralInput:
        return ReferralInput(**{name: self.cleaned_data.get(name) for name in ReferralInput.__dataclass_fields__})


class ReferralAnswerForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ReferralStatus.choices)
    answered_on = _date_field(_("Date of the provider's answer"), required=False)
    done_on = _date_field(_("Date finished"), required=False)
    feedback = _long_text(_("The provider's feedback"), required=False, rows=2)

    def __init__(self, *args, referral: Referral, **kwargs):
        self.referral = referral
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _show_errors(self, referral_answer_errors(self.referral, self.to_input()))
        return cleaned

    def to_input(self) -> ReferralAnswerInput:
        return ReferralAnswerInput(
            **{name: self.cleaned_data.get(name) for name in ReferralAnswerInput.__dataclass_fields__}
        )


class TransferForm(VersionedForm):
    receiving_agency = forms.CharField(
        label=_("Receiving agency"),
        max_length=SHORT_TEXT,
        help_text=_("The UPTD PPA of the city the family moved to, e.g. UPTD PPA Kota Samarinda."),
    )
    letter_number = forms.CharField(label=_("Letter number"), max_length=LETTER_NUMBER_MAX, required=False)
    transferred_on = _date_field(_("Date of the transfer"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The case closes as transferred and can no longer be changed or reopened."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _show_errors(self, transfer_input_errors(self.to_input()))
        return cleaned

    def to_input(self) -> TransferInput:
        return TransferInput(**{name: self.cleaned_data.get(name) for name in TransferInput.__dataclass_fields__})


def answer_form_name(referral: Referral) -> str:
    return f"referral-{referral.uuid}"


def referral_action_forms(access: CaseAccess, section: ReferralSection) -> dict[str, forms.Form]:
    """The referral and transfer actions this person can take, as unbound forms, by name."""
    case = access.case
    if not access.can_edit or case.status == CaseStatus.CLOSED:
        return {}
    available: dict[str, forms.Form] = {
        "referral": ReferralForm(prefix="referral"),
        "transfer": TransferForm(initial={"version": case.version}, prefix="transfer"),
    }
    for row in section.outgoing:
        referral = row.referral
        name = answer_form_name(referral)
        initial = {
            "version": referral.version,
            "status": referral.status,
            "answered_on": referral.answered_on,
            "done_on": referral.done_on,
            "feedback": referral.feedback if access.identities else "",
        }
        available[name] = ReferralAnswerForm(initial=initial, prefix=name, referral=referral)
    return available


def referral_page_part(*, access: CaseAccess, action_forms: dict[str, forms.Form], today, case_reports) -> dict:
    """The case page's referral section: its rows, each with its answer form (a refused one as it
    was posted: it is already in `action_forms`), added to `action_forms` in place. `case_reports`
    (the page's, with their reports' channels) spare a query when none came by referral."""
    by_referral = any(link.report.channel == Channel.REFERRAL for link in case_reports)
    section = referral_section(access=access, today=today, with_incoming=by_referral)
    for name, form in referral_action_forms(access, section).items():
        action_forms.setdefault(name, form)
    if section.transfer is not None:
        # A transferred case stays closed (cases.services.case_reopen refuses it too).
        action_forms.pop("reopen", None)
    rows = [
        (row, name, action_forms.get(name)) for row in section.outgoing for name in [answer_form_name(row.referral)]
    ]
    return {"referrals": section, "referral_rows": rows}
