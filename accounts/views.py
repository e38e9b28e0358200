import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.access import reports_for
from cases.plan_selectors import pending_approvals
from core.errors import DomainError
from triage.threads import unread_total

from . import selectors, services
from .capabilities import Capability, user_can
from .decorators import login_and_second_factor_required
from .forms import GrantRoleForm, LoginForm, ResetLoginForm, TokenForm

# The account whose temporary password was just typed, and a hash of that password: it lets
# password_choose open for that account until the password changes.
TEMPORARY_LOGIN = "accounts_temporary_login"


def _safe_next(request, default="accounts:staff_home"):
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
        if user.password_is_temporary:
            # A temporary password (services.user_reset_login) logs nobody in: it opens only the
            # page where the owner chooses their own. New session id, so a planted one gets nothing.
            self.request.session.cycle_key()
            self.request.session[TEMPORARY_LOGIN] = {"user": user.pk, "hash": user.get_session_auth_hash()}
            return redirect("accounts:password_choose")
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
@login_and_second_factor_required(capability=Capability.GRANT_ROLES)
def roles(request):
    """Supervisors and the head of agency grant officer, supervisor and head roles (design:
    separation of duties; the system administrator only prepares the account)."""
    form = GrantRoleForm(request.POST or None, accounts=selectors.agency_accounts().exclude(pk=request.user.pk))
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
    return _roles_page(request, grant_form=form)


@never_cache
@login_and_second_factor_required(capability=Capability.GRANT_ROLES)
@require_POST
def login_reset(request):
    """A supervisor or the head of agency gives another agency account a temporary password and
    removes its second factor; the password is shown on this answer only (stored as a hash, never emailed)."""
    form = ResetLoginForm(request.POST, accounts=selectors.agency_accounts().exclude(pk=request.user.pk))
    if form.is_valid():
        try:
            password = services.user_reset_login(acting_user=request.user, user=form.cleaned_data["user"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return render(
                request, "accounts/login_reset_done.html", {"account": form.cleaned_data["user"], "password": password}
            )
    return _roles_page(request, reset_form=form)


def _roles_page(request, *, grant_form=None, reset_form=None):
    others = selectors.agency_accounts().exclude(pk=request.user.pk)
    context = {
        "form": grant_form or GrantRoleForm(accounts=others),
        "reset_form": reset_form or ResetLoginForm(accounts=others),
        "accounts": selectors.agency_accounts(),
    }
    return render(request, "accounts/roles.html", context)


@never_cache
@sensitive_post_parameters()
def password_choose(request):
    """Right after a login with a temporary password: the owner chooses their own, then logs in
    with it (and sets up their authenticator app again, as user_reset_login removed it)."""
    pending = request.session.get(TEMPORARY_LOGIN, {})
    user = selectors.account_with_temporary_password(pk=pending.get("user"))
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", "")):
        request.session.pop(TEMPORARY_LOGIN, None)
        return redirect("accounts:login")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_choose(user=user, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            form.add_error("new_password1", exc.message)
        else:
            del request.session[TEMPORARY_LOGIN]
            messages.success(request, _("Your password is set. Log in with it; then set up your authenticator app."))
            return redirect("accounts:login")
    return render(request, "accounts/password_choose.html", {"form": form, "account": user})


class LogoutView(auth_views.LogoutView):
    next_page = "core:home"


@csrf_exempt
@require_POST
def quick_exit(request):
    """The staff pages' quick exit: ends the session, then goes on like everyone's quick exit
    (core:leave, to a page of another site). Someone walking up to the screen finds no open
    session behind Back. No CSRF check on purpose: a stale token must never stop someone leaving
    fast, and the worst a forged request does is log a person out."""
    logout(request)
    return redirect("core:leave")


def _start_page(user) -> str | None:
    """Where the user's work is, asked by capability (never by role): whoever logs outreach starts
    at their RTs, whoever triages but does not supervise at the report inbox, whoever reads the
    dashboard but does not triage (the head of agency) at the dashboard's headline figures,
    whoever keeps the privacy registers (the data protection officer) at the requests register;
    the rest here, at what waits for their approval."""
    if user_can(user, Capability.LOG_OUTREACH):
        return "outreach:home"
    if user_can(user, Capability.TRIAGE) and not user_can(user, Capability.SUPERVISE):
        return "triage:inbox"
    if user_can(user, Capability.SEE_DASHBOARD) and not user_can(user, Capability.TRIAGE):
        return "dashboard_staff:index"
    if user_can(user, Capability.MANAGE_PRIVACY_REGISTERS):
        return "privacy:requests"
    return None


@login_and_second_factor_required
def staff_home(request):
    start = _start_page(request.user)
    if start:
        return redirect(start)
    approvals = pending_approvals(user=request.user) if user_can(request.user, Capability.SUPERVISE) else None
    # Reporters' messages that are this person's to answer (triage.threads), wherever they wait.
    unread = unread_total(request.user, reports_for(request.user)) if user_can(request.user, Capability.TRIAGE) else 0
    return render(request, "accounts/staff_home.html", {"approvals": approvals, "unread": unread})
