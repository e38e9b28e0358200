"""What the reporter is told, in plain words (never the internal priority label)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.choices import CaseStatus
from core.wording import duration_in_words

from .choices import AuthorKind, Priority, RejectionReason, Status
from .models import PublicStatus
from .priority import response_hours


def next_step(priority: str) -> str:
    within = duration_in_words(timedelta(hours=response_hours(priority, "acknowledge")))
    text = _("An officer of UPTD PPA will read your report within %(within)s, day or night, weekends too.") % {
        "within": within
    }
    if priority == Priority.DARURAT:
        text += " " + _("If the child is in danger right now, call 112 or the police at 110 at once.")
    return text


def status_explained(status: PublicStatus) -> str:
    return {
        PublicStatus.RECEIVED: _("Your report has arrived. An officer will read it soon."),
        PublicStatus.IN_PROGRESS: _("An officer is handling your report."),
        PublicStatus.CLOSED: _("The handling of this report has finished. You can still send a message."),
    }[status]


# The codes of ReporterStatus.key, for the status page's styles and the API's enum.
REPORTER_STATUS_KEYS = ("received", "in_progress", "case_open", "closed", "referred")


@dataclass(frozen=True)
class ReporterStatus:
    """Where the report stands, as the reporter's status page and the status API say it: a code
    (REPORTER_STATUS_KEYS), a short label and a sentence, and, closed, the officer's last
    message to the reporter (their closing words) if there is one."""

    key: str
    label: str
    explained: str
    closing_message: object = None


def reporter_status_of(report, thread=()) -> ReporterStatus:
    """`reporter_status` of a report as the status page and the status API load it."""
    return reporter_status(
        status=report.status,
        case_status=report.case_status,
        thread=thread,
        rejection_reason=report.rejection_reason,
    )


def reporter_status(*, status: str, case_status: str | None, thread=(), rejection_reason: str = "") -> ReporterStatus:
    """The truth in the reporter's words: a report in a case follows its case (open, closed),
    whatever the report's own status; a report never in one follows its own. A report about an
    adult is never "finished": it was passed to the women's service, and the reporter is told where."""
    if case_status is None and status == Status.REJECTED and rejection_reason == RejectionReason.ADULT_REFERRED:
        return ReporterStatus(
            "referred",
            _("Referred to the women's service"),
            _(
                "Your report is about an adult, so it has been passed to the women's service of UPTD PPA Kota "
                "Balikpapan (layanan perempuan), which helps women who experience violence. She can come to the "
                "UPTD PPA office, or call SAPA 129 (phone 129, WhatsApp 08111-129-129). You can still write here."
            ),
        )
    if case_status == CaseStatus.CLOSED or (case_status is None and status in (Status.REJECTED, Status.CLOSED)):
        last_staff = [message for message in thread if message.author_kind == AuthorKind.STAFF]
        return ReporterStatus(
            "closed",
            _("Finished"),
            _("The officers have finished handling this report. If something is still wrong, write below."),
            last_staff[-1] if last_staff else None,
        )
    if case_status is not None:
        return ReporterStatus(
            "case_open",
            _("An officer is helping"),
            _("Your report is now a case. An officer is helping the child and may write to you here."),
        )
    if status == Status.NEW:
        return ReporterStatus("received", _("Received"), status_explained(PublicStatus.RECEIVED))
    return ReporterStatus("in_progress", _("Being handled"), status_explained(PublicStatus.IN_PROGRESS))


def if_it_happens_again() -> str:
    return _(
        "If it happens again, or you are afraid, write a message here at any time, also after the report is "
        "finished: an officer is told at once. If the child is in danger right now, call 112 or the police at 110."
    )


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def too_many_tries(wait: int) -> str:
    """Said with every 429 to a reporter, `wait` being its Retry-After."""
    return _("Too many tries came from here in a short time. Wait %(wait)s and try again.") % {
        "wait": wait_in_words(wait)
    }


def too_many_reports(wait: int) -> str:
    """Said on the report form when the hourly limit on reports from one place is reached, `wait`
    being its Retry-After: how long, and what to do meanwhile if it cannot wait."""
    return _(
        "Too many reports came from here in a short time. You can send this one in %(wait)s; the text you "
        "typed is still here. If a child is in danger right now, do not wait: call 112, the police at "
        "110, or SAPA 129 (WhatsApp 08111-129-129)."
    ) % {"wait": wait_in_words(wait)}


def files_not_saved(positions: tuple[int, ...], *, sent_with: str) -> str:
    """What the reporter is told when some files could not be stored but the report (sent_with
    "report") or the message ("message") was; "" when every file was stored. Files are named
    by their position, never by their name."""
    if not positions:
        return ""
    files = ", ".join(str(position) for position in positions)
    if sent_with == "report":
        text = ngettext(
            "Your report was sent, but file %(files)s could not be saved.",
            "Your report was sent, but files %(files)s could not be saved.",
            len(positions),
        )
    else:
        text = ngettext(
            "Your message was sent, but file %(files)s could not be saved.",
            "Your message was sent, but files %(files)s could not be saved.",
            len(positions),
        )
    return text % {"files": files}


def report_erased() -> str:
    """What a receipt code of a report the retention schedule erased answers (page, API, reply)."""
    return _(
        "This report was deleted under our data retention policy: nothing of it is kept, and messages "
        "can no longer be sent to it. If it happens again, or you need help, send a new report. "
        "How long we keep reports: see the privacy notice at /privasi/."
    )
