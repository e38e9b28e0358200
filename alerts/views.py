"""The staff pages of alerts: a person's in-app notifications, their notification preferences,
and, for supervisors and the head of agency, the reports overdue on the escalation ladder.

Officers, supervisors and the head of agency only: an administrator or a volunteer is never
told about a report or case, so they get 403 here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import Capability, user_can
from accounts.decorators import login_and_second_factor_required
from core.errors import DomainError
from core.wording import duration_in_words

from . import services
from .content import AlertContent, alert_content
from .forms import PreferencesForm
from .models import Alert, Delivery, NotificationPreference
from .preferences import notification_preferences_save
from .selectors import notification_list, overdue_reports

PAGE_SIZE = 25
readers_only = login_and_second_factor_required(capability=Capability.RECEIVE_ALERTS)


@dataclass(frozen=True)
class Notification:
    delivery: Delivery
    content: AlertContent
    url: str | None

    @property
    def unread(self) -> bool:
        return self.delivery.read_at is None


@never_cache
@readers_only
@require_GET
def inbox(request):
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        Notification(delivery, content, content.link.removeprefix(settings.SITE_URL))
        for delivery in page
        for content in [alert_content(delivery.alert, recipient=request.user, now=now)]
    ]
    return render(request, "alerts/inbox.html", {"page": page, "rows": rows})


@never_cache
@readers_only
@require_POST
def mark_all_read(request):
    marked = services.alerts_mark_read(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", marked)
            % {"count": marked},
        )
    return redirect("alerts:inbox")


def _preference_warnings(user, preference: NotificationPreference) -> list[str]:
    channels = preference.channels()
    warnings = []
    if not channels:
        warnings.append(_("You have chosen no channel: you will not be told about any alert, however urgent."))
    if "email" in channels and not user.email:
        warnings.append(_("Your account has no email address: ask the administrator to add one."))
    if "webhook" in channels and not user.phone:
        warnings.append(_("Your account has no phone number for chat messages: ask the administrator to add one."))
    return warnings


@never_cache
@readers_only
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    preference = NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, user=user, preference=preference)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notification_preferences_save(
                user=user,
                email=data["email"],
                webhook=data["webhook"],
                in_app=data["in_app"],
                on_duty=data.get("on_duty", False),
                acting_user=user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification preferences have been saved."))
            return redirect("alerts:preferences")
    context = {"form": form, "warnings": _preference_warnings(user, preference)}
    return render(request, "alerts/preferences.html", context, status=400 if form.errors else 200)


LEVEL_TITLES = {
    1: gettext_lazy("Past the acknowledgement deadline"),
    2: gettext_lazy("Escalated to the supervisors"),
    3: gettext_lazy("Escalated to the head of agency"),
}
# Who each step alerts; whether the alert reached them is each row's, from its deliveries.
LEVEL_HELP = {
    1: gettext_lazy(
        "The officers on duty (or else the supervisors) are alerted when a report arrives; each row shows "
        "whether the alert reached them."
    ),
    2: gettext_lazy(
        "Not acknowledged in the supervisor's time: the supervisors are alerted; each row shows whether the "
        "alert reached them."
    ),
    3: gettext_lazy(
        "Still not acknowledged in the head's time: the head of agency is alerted; each row shows whether the "
        "alert reached them."
    ),
}


@dataclass(frozen=True)
class OverdueRow:
    reference: str
    url: str | None
    priority: str
    priority_label: str
    kelurahan: str
    received_at: datetime
    late: str
    alert: Alert | None  # with its deliveries; None: not raised (yet)


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    help: str
    rows: list[OverdueRow]


@never_cache
@login_and_second_factor_required(capability=Capability.SEE_ESCALATIONS)
@require_GET
def overdue(request):
    """What the escalation ladder sees now. The head reads no report, so sees references only."""
    now = timezone.now()
    may_open = user_can(request.user, Capability.TRIAGE)
    levels = [
        Level(
            number=level,
            title=str(LEVEL_TITLES[level]),
            help=str(LEVEL_HELP[level]),
            rows=[
                OverdueRow(
                    reference=item.report.reference,
                    url=reverse("triage:report", args=[item.report.uuid]) if may_open else None,
                    priority=item.report.priority,
                    priority_label=item.report.get_priority_display(),
                    kelurahan=item.report.kelurahan.name
                    if item.report.kelurahan_id
                    else item.report.get_location_kind_display(),
                    received_at=item.report.received_at,
                    late=duration_in_words(item.late),
                    alert=item.alert,
                )
                for item in items
            ],
        )
        for level, items in overdue_reports(now=now).items()
    ]
    return render(request, "alerts/overdue.html", {"levels": levels, "now": now})
