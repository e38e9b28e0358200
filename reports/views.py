from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.decorators import login_and_second_factor_required
from accounts.models import Role
from core.decorators import anonymous_page
from core.errors import DomainError
from core.ratelimit import limit_wait

from . import blank_form, services, wording
from .choices import Channel
from .forms import ReceiptCodeForm, ReplyForm, ReportForm
from .receipt import format_receipt_code
from .selectors import report_by_receipt_code, report_status_by_receipt_code

TOO_MANY_SUBMISSIONS = {
    "group": "reports.submit",
    "client_rate": "REPORT_SUBMIT_RATE_CLIENT",
    "global_rate": "REPORT_SUBMIT_RATE_GLOBAL",
}
RECEIPT_GUESSES = {
    "group": "reports.receipt",
    "client_rate": "RECEIPT_GUESS_RATE_CLIENT",
    "global_rate": "RECEIPT_GUESS_RATE_GLOBAL",
}
MESSAGES = {"group": "reports.message", "client_rate": "REPORT_MESSAGE_RATE_CLIENT", "global_rate": None}


def limited(request, limits, *, increment) -> int:
    """core.ratelimit with the rates read from settings now (tests and operators change them):
    0 when not limited, else the seconds until it is worth trying again (for Retry-After)."""
    rates = {key: getattr(settings, limits[key]) if limits[key] else None for key in ("client_rate", "global_rate")}
    return limit_wait(request, group=limits["group"], increment=increment, **rates)


def _submit(request, *, channel, acting_user, template):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        # Only reports that went through count; a child who made mistakes is not punished.
        if wait := limited(request, TOO_MANY_SUBMISSIONS, increment=False):
            form.is_valid()
            form.add_error(None, _("Too many reports came from here in a short time. Wait a while and send again."))
            response = render(request, template, {"form": form, "rate_limited": True}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            if form.is_spam:
                form.add_error(None, _("Your report could not be sent. Please try again."))
            else:
                try:
                    submitted = services.report_submit(
                        data=form.to_input(),
                        files=form.cleaned_data["attachments"],
                        channel=channel,
                        acting_user=acting_user,
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    limited(request, TOO_MANY_SUBMISSIONS, increment=True)
                    via_volunteer = channel == Channel.VOLUNTEER
                    return render(
                        request,
                        "reports/submitted.html",
                        {
                            # A volunteer may not follow the report afterwards: no code for them.
                            "code": None if via_volunteer else format_receipt_code(submitted.receipt_code),
                            "next_step": wording.next_step(submitted.report.priority),
                            "via_volunteer": via_volunteer,
                        },
                    )
    context = {"form": form, "fields_html": blank_form.fields_html(form)}
    return render(request, template, context, status=400 if form.errors else 200)


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_form(request):
    return _submit(request, channel=Channel.WEB, acting_user=None, template="reports/form.html")


@never_cache
@sensitive_post_parameters()
@login_and_second_factor_required(roles={Role.VOLUNTEER})
@require_http_methods(["GET", "POST"])
def volunteer_report_form(request):
    return _submit(request, channel=Channel.VOLUNTEER, acting_user=request.user, template="reports/volunteer_form.html")


def _status_page(request, shown, code, *, reply_form=None, message_sent=False, status=200):
    return render(
        request,
        "reports/status.html",
        {
            "report": shown.report,
            "thread": shown.thread,
            "code": code,
            "explained": wording.status_explained(shown.report.public_status),
            "reply_form": reply_form or ReplyForm(initial={"receipt_code": code}),
            "message_sent": message_sent,
        },
        status=status,
    )


def _wrong_code(request):
    limited(request, RECEIPT_GUESSES, increment=True)
    # One answer for every wrong code, well-formed or not.
    return render(request, "reports/status_lookup.html", {"form": ReceiptCodeForm(), "not_found": True}, status=404)


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_status(request):
    """Look up a report by its code (POST only: a code never travels in a URL), and reply."""
    if request.method == "GET":
        return render(request, "reports/status_lookup.html", {"form": ReceiptCodeForm()})
    if limited(request, RECEIPT_GUESSES, increment=False):
        return render(request, "reports/too_many.html", status=429)

    code = request.POST.get("receipt_code", "")
    if "body" not in request.POST:  # showing the status reads only what is shown
        shown = report_status_by_receipt_code(code)
        return _status_page(request, shown, code) if shown else _wrong_code(request)

    report = report_by_receipt_code(code)  # a reply acts on the whole report
    if report is None:
        return _wrong_code(request)
    if limited(request, MESSAGES, increment=True):
        return render(request, "reports/too_many.html", status=429)
    form = ReplyForm(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            services.report_message_add(
                report=report, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"], acting_user=None
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _status_page(request, report_status_by_receipt_code(code), code, message_sent=True)
    return _status_page(request, report_status_by_receipt_code(code), code, reply_form=form, status=400)
