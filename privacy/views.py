"""The privacy notice (public, for adults and for a child) and the data protection officer's pages:
the data-subject requests register, the breach register and the audit trail.

The registers are read by the DPO and the head of agency (READ_PRIVACY_REGISTERS; the head without
the free text, privacy.access) and kept by the DPO (MANAGE_PRIVACY_REGISTERS); the audit trail is
the DPO's (READ_AUDIT_TRAIL). None of them opens a report or a case.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from core.decorators import anonymous_page
from core.errors import DomainError

from . import selectors, services
from .access import access_breach, access_request, reads_text
from .choices import FINAL_REQUEST_STATUSES, DataCategory
from .forms import (
    AuditFilterForm,
    BreachFilterForm,
    BreachForm,
    BreachNotificationForm,
    BreachUpdateForm,
    RequestFilterForm,
    SubjectRequestForm,
    SubjectRequestUpdateForm,
)
from .policy import retention_policy

PAGE_SIZE = 25
readers_only = login_and_second_factor_required(capability=Capability.READ_PRIVACY_REGISTERS)
keepers_only = login_and_second_factor_required(capability=Capability.MANAGE_PRIVACY_REGISTERS)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _save(form, call) -> bool:
    """Run a service for a valid form; put a domain error next to its field. True if saved."""
    if not form.is_valid():
        return False
    try:
        call()
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


# --- the privacy notice (public) ---------------------------------------------------------------------


def _notice_context() -> dict:
    return {
        "policy": retention_policy(),
        "officer_email": settings.PRIVACY_OFFICER_EMAIL,
        "officer_phone": settings.PRIVACY_OFFICER_PHONE,
        "status_url": reverse("reports:status"),
    }


@anonymous_page
@require_GET
def notice(request):
    return render(request, "privacy/notice.html", _notice_context())


@anonymous_page
@require_GET
def notice_child(request):
    return render(request, "privacy/notice_child.html", _notice_context())


# --- data subjects' requests -------------------------------------------------------------------------


@never_cache
@readers_only
@require_GET
def request_list(request):
    form = RequestFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.request_list(
        user=request.user, now=timezone.now(), status=filters.get("status", ""), kind=filters.get("kind", "")
    )
    context = {"form": form, "page": _page(request, entries), "now": timezone.now()}
    return render(request, "privacy/request_list.html", context)


@never_cache
@keepers_only
@require_http_methods(["GET", "POST"])
def request_create(request):
    form = SubjectRequestForm(request.POST or None)
    saved = {}
    if request.method == "POST" and _save(
        form,
        lambda: saved.update(entry=services.subject_request_record(data=form.to_input(), acting_user=request.user)),
    ):
        messages.success(request, _("The request has been recorded."))
        return redirect("privacy:request", uuid=saved["entry"].uuid)
    return render(request, "privacy/request_form.html", {"form": form}, status=400 if form.errors else 200)


def _request_page(request, entry, form, *, status=200):
    if reads_text(request.user):
        services.register_entry_viewed(entry=entry, acting_user=request.user)
    context = {"entry": entry, "form": form, "reads_text": reads_text(request.user), "now": timezone.now()}
    return render(request, "privacy/request_detail.html", context, status=status)


@never_cache
@readers_only
@require_GET
def request_detail(request, uuid):
    entry = access_request(request.user, uuid)
    form = (
        SubjectRequestUpdateForm(subject_request=entry)
        if reads_text(request.user) and entry.status not in FINAL_REQUEST_STATUSES
        else None
    )
    return _request_page(request, entry, form)


@never_cache
@keepers_only
@require_POST
def request_update(request, uuid):
    entry = access_request(request.user, uuid)
    form = SubjectRequestUpdateForm(request.POST, subject_request=entry)
    if _save(
        form,
        lambda: services.subject_request_update(subject_request=entry, data=form.to_input(), acting_user=request.user),
    ):
        messages.success(request, _("The request's status has been saved."))
        return redirect("privacy:request", uuid=entry.uuid)
    return _request_page(request, entry, form, status=400)


# --- breaches ----------------------------------------------------------------------------------------


@never_cache
@readers_only
@require_GET
def breach_list(request):
    form = BreachFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    entries = selectors.breach_list(user=request.user, now=timezone.now(), status=status)
    context = {"form": form, "page": _page(request, entries), "now": timezone.now()}
    return render(request, "privacy/breach_list.html", context)


@never_cache
@keepers_only
@require_http_methods(["GET", "POST"])
def breach_create(request):
    form = BreachForm(request.POST or None)
    saved = {}
    if request.method == "POST" and _save(
        form, lambda: saved.update(entry=services.breach_record(data=form.to_input(), acting_user=request.user))
    ):
        messages.success(
            request, _("The breach has been recorded. The data protection officer and the head of agency are alerted.")
        )
        return redirect("privacy:breach", uuid=saved["entry"].uuid)
    return render(request, "privacy/breach_form.html", {"form": form}, status=400 if form.errors else 200)


def _breach_page(request, entry, *, notify_form=None, update_form=None, close_error="", status=200):
    keeps = reads_text(request.user)
    if keeps:
        services.register_entry_viewed(entry=entry, acting_user=request.user)
    if keeps and entry.is_open:
        notify_form = notify_form or BreachNotificationForm()
        update_form = update_form or BreachUpdateForm(
            initial={"measures": entry.measures, "subjects_estimate": entry.subjects_estimate}
        )
    now = timezone.now()
    missing = entry.notified_subjects_at is None or entry.notified_authority_at is None
    context = {
        "entry": entry,
        "categories": [DataCategory(value).label for value in entry.data_categories],
        "overdue": entry.is_open and missing and entry.notify_due_at < now,
        "reads_text": keeps,
        "notify_form": notify_form if keeps and entry.is_open else None,
        "update_form": update_form if keeps and entry.is_open else None,
        "close_error": close_error,
    }
    return render(request, "privacy/breach_detail.html", context, status=status)


@never_cache
@readers_only
@require_GET
def breach_detail(request, uuid):
    return _breach_page(request, access_breach(request.user, uuid))


@never_cache
@keepers_only
@require_POST
def breach_notify(request, uuid):
    entry = access_breach(request.user, uuid)
    form = BreachNotificationForm(request.POST)
    if _save(
        form,
        lambda: services.breach_notification_record(
            breach=entry, whom=form.cleaned_data["whom"], at=form.cleaned_data["at"], acting_user=request.user
        ),
    ):
        messages.success(request, _("The notification has been recorded."))
        return redirect("privacy:breach", uuid=entry.uuid)
    return _breach_page(request, entry, notify_form=form, status=400)


@never_cache
@keepers_only
@require_POST
def breach_update(request, uuid):
    entry = access_breach(request.user, uuid)
    form = BreachUpdateForm(request.POST)
    if _save(form, lambda: services.breach_update(breach=entry, data=form.to_input(), acting_user=request.user)):
        messages.success(request, _("The breach has been updated."))
        return redirect("privacy:breach", uuid=entry.uuid)
    return _breach_page(request, entry, update_form=form, status=400)


@never_cache
@keepers_only
@require_POST
def breach_close(request, uuid):
    entry = access_breach(request.user, uuid)
    try:
        services.breach_close(breach=entry, acting_user=request.user)
    except DomainError as exc:
        return _breach_page(request, entry, close_error=exc.message, status=400)
    messages.success(request, _("The breach has been closed."))
    return redirect("privacy:breach", uuid=entry.uuid)


# --- the audit trail -----------------------------------------------------------------------------------


@never_cache
@login_and_second_factor_required(capability=Capability.READ_AUDIT_TRAIL)
@require_GET
def audit_list(request):
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_list(app=filters.get("app", ""), reads_only=filters.get("reads_only", False))
    return render(request, "privacy/audit_list.html", {"form": form, "page": _page(request, events)})
