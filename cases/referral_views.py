"""The referral and transfer actions of the case page, and their printable pages.

The actions follow cases.case_views' rule (403 to whoever may only read the case, 404 for a case
one cannot see, the case page again with the message on a refusal). The printable pages hold
identifying data: only for those who see identities (the head of agency gets 403), and opening
one is written to the audit trail like opening the case.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports.choices import ViolenceType

from . import services as cs
from .access import access_case
from .case_views import _act, _editable_case, case_action, readers_only
from .choices import ConsentItem
from .referral_forms import ReferralAnswerForm, ReferralForm, TransferForm, answer_form_name
from .referral_selectors import referral_for, referral_letter, transfer_packet
from .referrals import case_transfer, initials, letter_shows, referral_answer, referral_send


@case_action
def send_referral(request, uuid):
    def run(case, form):
        referral_send(case=case, data=form.to_input(), acting_user=request.user)
        return _("The referral has been recorded. Print its letter from the list of referrals.")

    return _act(request, uuid, "referral", ReferralForm, run)


@case_action
def answer_referral(request, uuid, referral_uuid):
    access = _editable_case(request.user, uuid)
    referral = referral_for(access.case, referral_uuid, identities=access.identities)
    if referral is None:
        raise Http404

    def run(case, form):
        referral_answer(
            referral=referral,
            data=form.to_input(),
            expected_version=form.cleaned_data["version"],
            acting_user=request.user,
        )
        return _("The referral has been updated.")

    form_class = partial(ReferralAnswerForm, referral=referral)
    return _act(request, uuid, answer_form_name(referral), form_class, run)


@case_action
def transfer(request, uuid):
    def run(case, form):
        case_transfer(
            case=case, data=form.to_input(), expected_version=form.cleaned_data["version"], acting_user=request.user
        )
        return _("The case has been transferred and closed. Print the hand-over packet below.")

    return _act(request, uuid, "transfer", TransferForm, run)


def _print(request, template: str, context: dict):
    """A document for another agency: in Indonesian, whatever language the officer reads in."""
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, template, context)


def _violence_types(case) -> list[str]:
    labels = dict(ViolenceType.choices)
    return [str(labels.get(code, code)) for code in case.violence_types]


def _with_identities(request, uuid):
    access = access_case(request.user, uuid)
    if not access.identities:
        raise PermissionDenied
    return access


@never_cache
@readers_only
@require_GET
def referral_letter_print(request, uuid, referral_uuid):
    """The referral letter (A4, Indonesian), printing only what the consent covers."""
    access = _with_identities(request, uuid)
    referral = referral_for(access.case, referral_uuid, identities=True)
    if referral is None:
        raise Http404
    letter = referral_letter(case=access.case, referral=referral, shows=letter_shows(referral))
    cs.case_record_view(case=access.case, acting_user=request.user, what=f"referral_letter:{referral.uuid}")
    context = {
        "letter": letter,
        "case": access.case,
        "consent_labels": [ConsentItem(item).label for item in referral.consent_items],
        "violence_types": _violence_types(access.case),
        "answer_days": settings.REFERRAL_ANSWER_DAYS,
    }
    return _print(request, "cases/print/referral_letter.html", context)


@never_cache
@readers_only
@require_GET
def transfer_packet_print(request, uuid):
    """The hand-over packet of a transferred case (A4): the minimum data, see TransferPacket."""
    access = _with_identities(request, uuid)
    packet = transfer_packet(case=access.case)
    if packet is None:
        raise Http404
    cs.case_record_view(case=access.case, acting_user=request.user, what="transfer_packet")
    context = {
        "packet": packet,
        "case": access.case,
        "children": [(initials(child.name), child) for child in packet.children],
        "violence_types": _violence_types(access.case),
    }
    return _print(request, "cases/print/transfer_packet.html", context)
