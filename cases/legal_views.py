"""The legal section's actions on the case page: one small POST view each, answering as every case
action does (cases.case_views: 403 for a reader who may not change the case, the page again with
the message next to the form on a refusal, a redirect with a success message when done)."""

from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from . import legal
from .case_views import _act, case_action
from .legal_forms import HearingForm, LegalRecordForm, PoliceReferForm, PoliceWaiveForm


@sensitive_post_parameters("legal-verdict_outcome")
@case_action
def update_record(request, uuid):
    def run(case, form):
        legal.legal_record_update(
            case=case, data=form.to_input(), expected_version=form.cleaned_data["version"], acting_user=request.user
        )
        return _("The legal record has been saved.")

    return _act(request, uuid, "legal", LegalRecordForm, run)


@case_action
def police_refer(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        legal.legal_police_refer(
            case=case, police_unit=data["police_unit"], expected_version=data["version"], acting_user=request.user
        )
        return _("Passing the report to the police has been recorded.")

    return _act(request, uuid, "police_refer", PoliceReferForm, run)


@sensitive_post_parameters("police_waive-reason")
@case_action
def police_waive(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        legal.legal_police_waive(
            case=case, reason=data["reason"], expected_version=data["version"], acting_user=request.user
        )
        return _("The reason for not passing it to the police has been recorded.")

    return _act(request, uuid, "police_waive", PoliceWaiveForm, run)


@sensitive_post_parameters("hearing-note")
@case_action
def add_hearing(request, uuid):
    def run(case, form):
        data = form.cleaned_data
        legal.court_hearing_add(
            case=case, held_at=data["held_at"], court=data["court"], note=data["note"], acting_user=request.user
        )
        return _("The court hearing has been added.")

    return _act(request, uuid, "hearing", HearingForm, run)
