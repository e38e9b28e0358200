import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import DomainError

from . import selectors, services
from .decorators import login_and_second_factor_required
from .forms import GrantRoleForm, LoginForm, TokenForm
from .models import ROLE_GRANTERS


def _safe_next(request, default="core:staff_home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        failures = selectors.failed_logins_since(
            username=user.get_username(), since=user.last_login or user.date_joined
        )
        response = super().form_valid(form)
        if failures:
            # The owner hears of guesses at their account the next time they log in (no address).
            messages.warning(
                self.request,
                ngettext(
                    "Since your last login, %(count)d attempt to log in to your account failed. "
                    "If it was not you, tell the system administrator.",
                    "Since your last login, %(count)d attempts to log in to your account failed. "
                    "If they were not yours, tell the system administrator.",
                    failures,
                )
                % {"count": failures},
            )
        return response

    def get_success_url(self):
        user = self.request.user
        # A password has just been checked; the second factor never has been at this point.
        if user.needs_second_factor:
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            url = reverse("accounts:verify" if has_device else "accounts:totp_setup")
            next_url = self.get_redirect_url()
            return f"{url}?{urlencode({'next': next_url})}" if next_url else url
        return super().get_success_url()


def _second_factor_passed(request, device) -> None:
    otp_login(request, device)
    # The session now opens case content: give it a new id, so one seen or planted before
    # the second factor (session fixation) is worth nothing.
    request.session.cycle_key()


@never_cache
@login_required
def verify(request):
    """Second step of the login: the TOTP code."""
    if request.user.is_verified() or not request.user.needs_second_factor:
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:totp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_check(device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            _second_factor_passed(request, device)
            return redirect(_safe_next(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _safe_next(request, default="")})


@never_cache
@login_required
def totp_setup(request):
    """First login of a staff member: scan the QR code, prove it with one code."""
    if not request.user.needs_second_factor:
        return redirect(_safe_next(request))  # volunteers (and everyone, when 2FA is off) need none
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            _second_factor_passed(request, device)
            messages.success(request, _("Two-step login is set up. Keep your phone safe."))
            return redirect(_safe_next(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    context = {
        "form": form,
        "qr_data_uri": "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "secret": base64.b32encode(device.bin_key).decode("ascii"),
        "next": _safe_next(request, default=""),
    }
    return render(request, "accounts/totp_setup.html", context)


@never_cache
@login_and_second_factor_required(roles=ROLE_GRANTERS)
def roles(request):
    """Supervisors and the head of agency grant officer, supervisor and head roles (design:
    separation of duties; the system administrator only prepares the account)."""
    accounts = selectors.agency_accounts()
    form = GrantRoleForm(request.POST or None, accounts=accounts.exclude(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_grant_role(
                acting_user=request.user, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(username)s is now: %(role)s. The head of agency has been told.")
                % {"username": user.username, "role": user.get_role_display()},
            )
            return redirect("accounts:roles")
    return render(request, "accounts/roles.html", {"form": form, "accounts": accounts})


class LogoutView(auth_views.LogoutView):
    next_page = "core:home"
