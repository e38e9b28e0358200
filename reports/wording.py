"""What the reporter is told, in plain words (never the internal priority label)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Priority
from .models import PublicStatus
from .priority import response_hours


def duration_in_words(hours: int) -> str:
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def next_step(priority: str) -> str:
    within = duration_in_words(response_hours(priority, "acknowledge"))
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
