"""What the reporter is told, in plain words (never the internal priority label)."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.wording import duration_in_words

from .choices import Priority
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
