"""Input of the legal hold panel on the case page (cases.legal_hold holds the rules; these parse
and show them next to the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .access import CaseAccess
from .case_forms import VersionedForm
from .legal_hold import legal_hold_reason_errors, may_hold


def _reason_field(label, *, required: bool, help_text=""):
    # No max_length here: the rule's own words say how long (legal_hold_reason_errors).
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3})
    )


class _ReasonForm(VersionedForm):
    reason_required = True

    def clean(self):
        cleaned = super().clean()
        if "reason" in cleaned:
            for field, messages in legal_hold_reason_errors(cleaned["reason"], required=self.reason_required).items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class LegalHoldPlaceForm(_ReasonForm):
    reason = _reason_field(
        _("Why is this case held?"),
        required=True,
        help_text=_(
            "For example: the police or the court asked for it, with the number of their letter. "
            "From 10 to 1,000 characters."
        ),
    )


class LegalHoldReleaseForm(_ReasonForm):
    reason_required = False
    reason = _reason_field(
        _("Why is the hold released? (optional)"),
        required=False,
        help_text=_("Kept as a note of the case."),
    )


def legal_hold_forms(access: CaseAccess, user: User) -> dict[str, forms.Form]:
    """The place form for those who may hold the case, while no supervisor's hold is on it."""
    case = access.case
    if not may_hold(user) or case.legal_hold_at is not None or case.deidentified_at is not None:
        return {}
    return {"legal_hold": LegalHoldPlaceForm(initial={"version": case.version}, prefix="legal_hold")}
