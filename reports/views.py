from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from core.decorators import anonymous_page
from core.errors import DomainError
from core.ratelimit import GuessTry, guess_right, guess_try, limit_wait
from core.uploads import unreadable_post
from triage.services import report_intake

from . import blank_form, services, wording
from .attachments import too_many_files
from .choices import Channel, ReporterKind
from .forms import AboutForm, ReceiptCodeForm, ReplyForm, ReportForm, StaffIntakeForm
from .receipt import format_receipt_code, new_submission_token
from .selectors import report_by_receipt_code, report_by_submission_key, report_status_by_receipt_code

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
SUBMISSION_TOKEN_MAX = 64
MESSAGES = {"group": "reports.message", "client_rate": "REPORT_MESSAGE_RATE_CLIENT", "global_rate": None}


def limited(request, limits, *, increment) -> int:
    """core.ratelimit with the rates read from settings now (tests and operators change them):
    0 when not limited, else the seconds until it is worth trying again (for Retry-After)."""
    return limit_wait(request, group=limits["group"], increment=increment, **_rates(limits))


def receipt_guess(request) -> GuessTry:
    """A try at a receipt code, counted before the code is looked up (core.ratelimit.guess_try);
    guess_right gives it back when the code was right."""
    return guess_try(request, group=RECEIPT_GUESSES["group"], **_rates(RECEIPT_GUESSES))


def _rates(limits) -> dict[str, str | None]:
    return {key: getattr(settings, limits[key]) if limits[key] else None for key in ("client_rate", "global_rate")}


def _post_refusal(request) -> tuple[str, int] | None:
    """Why a post could not be read at all, in the reporter's words, with the HTTP status; None
    when it could. What was typed is lost then: Django stops reading before the fields."""
    error = unreadable_post(request)
    if error is None:
        return None
    if isinstance(error, TooManyFilesSent):
        return str(too_many_files().message), 400
    message = _("What you sent is too large or could not be read. Please shorten it and send it again.")
    return message, 413 if isinstance(error, RequestDataTooBig) else 400


def _too_many_page(request, wait: int):
    response = render(request, "reports/too_many.html", {"explained": wording.too_many_tries(wait)}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _already_sent(request, report):
    """A repeat of a submission (the receipt page reloaded, the button pressed twice): the report
    it filed, never a second one. The code cannot be shown again: only its HMAC is kept."""
    return render(
        request,
        "reports/submitted.html",
        {"already_sent": True, "public_status": report.public_status.label, "code": None},
    )


def _submit(request, *, channel, acting_user, template, about="", refusal=None):
    """`refusal`: _post_refusal's answer when the caller has read the post already (it answers once)."""
    if request.method == "POST" and (refusal := refusal or _post_refusal(request)):
        message, status = refusal
        context = {"form": ReportForm(about=about), "request_error": message, "about": about}
        return render(request, template, {**context, "submission_token": new_submission_token()}, status=status)
    token = request.POST.get("submission_token", "")[:SUBMISSION_TOKEN_MAX] if request.method == "POST" else ""
    if token and (earlier := report_by_submission_key(token, door=channel)):
        return _already_sent(request, earlier)
    token = token or new_submission_token()
    form = ReportForm(request.POST or None, request.FILES or None, about=about)
    extra = {"about": about, "submission_token": token}
    if request.method == "POST":
        # Only reports that went through count; a child who made mistakes is not punished.
        if wait := limited(request, TOO_MANY_SUBMISSIONS, increment=False):
            form.is_valid()
            form.add_error(None, wording.too_many_reports(wait))
            response = render(request, template, {"form": form, "rate_limited": True, **extra}, status=429)
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
                        submission_key=token,
                    )
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                else:
                    if submitted.repeat:  # the same form raced in twice: the first one counts
                        return _already_sent(request, submitted.report)
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
                            "files_not_saved": wording.files_not_saved(submitted.files_not_saved, sent_with="report"),
                        },
                    )
    context = {"form": form, "fields_html": blank_form.fields_html(form), **extra}
    return render(request, template, context, status=400 if form.errors else 200)


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_form(request):
    """Two short steps, both without JavaScript: who the report is about (a GET form to the same
    address, `?tentang=`), then the form in its words. A post carries its answer in `reporter_kind`;
    a post without one (a page from before the two steps) is the full form as it was."""
    refusal = None
    if request.method == "POST":
        refusal = _post_refusal(request)
        about = "" if refusal else request.POST.get("reporter_kind", "")
        about = about if about in ReporterKind.values else ""
    else:
        # The step's own marker binds the form even when no choice was made (an unchecked radio
        # sends nothing), so "Next" without an answer says what is missing.
        sent = "tentang" in request.GET or "langkah" in request.GET
        about_form = AboutForm(request.GET if sent else None)
        if not about_form.is_valid():
            context = {"about_form": about_form}
            return render(request, "reports/form_start.html", context, status=400 if about_form.is_bound else 200)
        about = about_form.cleaned_data["tentang"]
    return _submit(
        request, channel=Channel.WEB, acting_user=None, template="reports/form.html", about=about, refusal=refusal
    )


@never_cache
@sensitive_post_parameters()
@login_and_second_factor_required(capability=Capability.REPORT_FOR_RT)
@require_http_methods(["GET", "POST"])
def volunteer_report_form(request):
    return _submit(request, channel=Channel.VOLUNTEER, acting_user=request.user, template="reports/volunteer_form.html")


@never_cache
@sensitive_post_parameters()
@login_and_second_factor_required(capability=Capability.RECORD_INTAKE)
@require_http_methods(["GET", "POST"])
def staff_intake(request):
    """Catat pengaduan: a complaint from a staff door, recorded by an officer or supervisor, and
    with "accept" acknowledged and accepted into a new case in the same step."""
    template = "reports/intake_form.html"
    if request.method == "POST" and (refusal := _post_refusal(request)):
        message, status = refusal
        context = {"form": StaffIntakeForm(user=request.user), "request_error": message}
        return render(request, template, context, status=status)
    form = StaffIntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = report_intake(
                data=form.to_input(),
                channel=Channel(form.cleaned_data["channel"]),
                files=form.cleaned_data["attachments"],
                acting_user=request.user,
                accept=form.cleaned_data["accept"],
                officer=form.cleaned_data.get("officer"),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # Rendered, not redirected: the reporter's code is shown this once and stored nowhere
            # (a message or the session would keep it in plain text). The page is never cached
            # (core.middleware.PrivateNoStoreMiddleware).
            submitted = recorded.submitted
            not_saved = submitted.files_not_saved
            context = {
                "report": submitted.report,
                "case": recorded.case,
                "code": submitted.receipt_code,
                "files_not_saved": wording.files_not_saved(not_saved, sent_with="report") if not_saved else "",
            }
            return render(request, "reports/intake_recorded.html", context)
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


def _status_page(request, shown, code, *, reply_form=None, message=None, status=200):
    return render(
        request,
        "reports/status.html",
        {
            "report": shown.report,
            "thread": shown.thread,
            "code": code,
            "shown_status": wording.reporter_status_of(shown.report, shown.thread),
            "if_again": wording.if_it_happens_again(),
            "reply_form": reply_form or ReplyForm(initial={"receipt_code": code}),
            "message_sent": message is not None,
            "files_not_saved": wording.files_not_saved(message.files_not_saved, sent_with="message") if message else "",
        },
        status=status,
    )


def _erased_page(request):
    """A report the retention schedule erased: said plainly, nothing of it shown (410 Gone)."""
    return render(request, "reports/status_erased.html", status=410)


def _wrong_code(request, guess: GuessTry):
    if guess.wait:  # that was this client's last try for now
        return _too_many_page(request, guess.wait)
    # One answer for every wrong code, well-formed or not.
    return render(request, "reports/status_lookup.html", {"form": ReceiptCodeForm(), "not_found": True}, status=404)


@anonymous_page
@require_http_methods(["GET", "POST"])
def report_status(request):
    """Look up a report by its code (POST only: a code never travels in a URL), and reply."""
    if request.method == "GET":
        return render(request, "reports/status_lookup.html", {"form": ReceiptCodeForm()})
    if refusal := _post_refusal(request):
        message, status = refusal
        context = {"form": ReceiptCodeForm(), "request_error": message}
        return render(request, "reports/status_lookup.html", context, status=status)
    guess = receipt_guess(request)
    if not guess.allowed:
        return _too_many_page(request, guess.wait)

    code = request.POST.get("receipt_code", "")
    if "body" not in request.POST:  # showing the status reads only what is shown
        shown = report_status_by_receipt_code(code)
        if shown is None:
            return _wrong_code(request, guess)
        guess_right(guess)
        if shown.report.erased_at is not None:
            return _erased_page(request)
        return _status_page(request, shown, code)

    report = report_by_receipt_code(code)  # a reply acts on the whole report
    if report is None:
        return _wrong_code(request, guess)
    guess_right(guess)
    if report.erased_at is not None:
        return _erased_page(request)
    if wait := limited(request, MESSAGES, increment=True):
        return _too_many_page(request, wait)
    form = ReplyForm(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            message = services.report_message_add(
                report=report, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"], acting_user=None
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _status_page(request, report_status_by_receipt_code(code), code, message=message)
    return _status_page(request, report_status_by_receipt_code(code), code, reply_form=form, status=400)
