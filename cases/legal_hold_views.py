"""The legal hold panel's actions on the case page (cases.legal_hold). Only those who may place a
hold (`Capability.PLACE_LEGAL_HOLD`) get past the decorator; everyone else gets 403 before any case
is looked up. Placing is a POST from the panel, answered as every case action is (cases.case_views);
releasing asks first (GET: what releasing means, POST: release), since it lets the retention
schedule erase the case later."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from core.errors import DomainError

from . import legal_hold
from .access import access_case
from .case_views import _case_page, saved_redirect
from .legal_hold_forms import LegalHoldPlaceForm, LegalHoldReleaseForm

holders_only = login_and_second_factor_required(capability=Capability.PLACE_LEGAL_HOLD)


@sensitive_post_parameters("legal_hold-reason")
@never_cache
@holders_only
@require_POST
def place(request, uuid):
    access = access_case(request.user, uuid)
    form = LegalHoldPlaceForm(request.POST, prefix="legal_hold")
    if form.is_valid():
        try:
            legal_hold.case_legal_hold_place(
                case=access.case,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            message = _("The case is on legal hold: the retention schedule will not erase its data.")
            return saved_redirect(request, access.case, "legal_hold", message)
    return _case_page(request, access, failed=("legal_hold", form), status=400)


@sensitive_post_parameters("release-reason")
@never_cache
@holders_only
@require_http_methods(["GET", "POST"])
def release(request, uuid):
    access = access_case(request.user, uuid)
    case = access.case
    if case.legal_hold_at is None:
        messages.info(request, _("This case is not on legal hold."))
        return redirect(f"{reverse('cases:detail', args=[case.uuid])}#legal-hold")
    form = LegalHoldReleaseForm(request.POST or None, initial={"version": case.version}, prefix="release")
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold.case_legal_hold_release(
                case=case,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            message = _("The legal hold has been released.")
            return saved_redirect(request, case, "legal_hold_release", message)
    context = {"case": case, "access": access, "hold": legal_hold.legal_hold_state(case), "form": form}
    return render(request, "cases/legal_hold_release.html", context, status=400 if form.errors else 200)
