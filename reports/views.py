from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import login_and_second_factor_required
from accounts.models import Role
from core.decorators import anonymous_page
from core.errors import DomainError
from core.ratelimit import over_limit

from . import services, wording
from .choices import Channel
from .forms import ReceiptCodeForm, ReplyForm, ReportForm
from .receipt import format_receipt_code
from .selectors import report_by_receipt_code


def _too_many(request, template="reports/too_many.html"):
    return render(request, template, status=429)


def _submit(request, *, channel, acting_user, template):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if over_limit(
            request,
            group="reports.submit",
            client_rate=settings.REPORT_SUBMIT_RATE_CLIENT,
            global_rate=settings.REPORT_SUBMIT_RATE_GLOBAL,
            increment=True,
        ):
            return _too_many(request)
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
                    return render(
                        request,
                        "reports/submitted.html",
                        {
                            "code": format_receipt_code(submitted.receipt_code),
                            "next_step": wording.next_step(submitted.report.priority),
                            "via_volunteer": channel == Channel.VOLUNTEER,
                        },
                    )
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_form(request):
    return _submit(request, channel=Channel.WEB, acting_user=None, template="reports/form.html")


@login_and_second_factor_required(roles={Role.VOLUNTEER})
@require_http_methods(["GET", "POST"])
def volunteer_report_form(request):
    return _submit(request, channel=Channel.VOLUNTEER, acting_user=request.user, template="reports/volunteer_form.html")


def _status_page(request, report, code, *, reply_form=None, message_sent=False, status=200):
    return render(
        request,
        "reports/status.html",
        {
            "report": report,
            "code": code,
            "explained": wording.status_explained(report.public_status),
            "reply_form": reply_form or ReplyForm(initial={"receipt_code": code}),
            "message_sent": message_sent,
        },
        status=status,
    )


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_status(request):
    """Look up a report by its code (POST only: a code never travels in a URL), and reply."""
    if request.method == "GET":
        return render(request, "reports/status_lookup.html", {"form": ReceiptCodeForm()})

    replying = "body" in request.POST
    form = (ReplyForm if replying else ReceiptCodeForm)(request.POST, request.FILES or None)
    if over_limit(
        request,
        group="reports.receipt",
        client_rate=settings.RECEIPT_GUESS_RATE_CLIENT,
        global_rate=settings.RECEIPT_GUESS_RATE_GLOBAL,
        increment=False,
    ):
        return _too_many(request)
    report = report_by_receipt_code(request.POST.get("receipt_code", ""))
    if report is None:
        over_limit(
            request,
            group="reports.receipt",
            client_rate=settings.RECEIPT_GUESS_RATE_CLIENT,
            global_rate=settings.RECEIPT_GUESS_RATE_GLOBAL,
            increment=True,
        )
        lookup = ReceiptCodeForm(request.POST)
        lookup.is_valid()
        lookup.add_error("receipt_code", _("We found no report with this code. Check the digits and try again."))
        return render(request, "reports/status_lookup.html", {"form": lookup}, status=404)

    code = request.POST["receipt_code"]
    if not replying:
        return _status_page(request, report, code)
    if over_limit(
        request,
        group="reports.message",
        client_rate=settings.REPORT_MESSAGE_RATE_CLIENT,
        global_rate=None,
        increment=True,
    ):
        return _too_many(request)
    if form.is_valid():
        try:
            services.report_message_add(
                report=report, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"], acting_user=None
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            report = report_by_receipt_code(code)
            return _status_page(request, report, code, message_sent=True)
    return _status_page(request, report, code, reply_form=form, status=400)
