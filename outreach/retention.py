"""The retention schedule's rule for outreach photos (core.retention).

A session photo goes `RETENTION_OUTREACH_PHOTO_YEARS` (2) after the session, counted from the
later of the session's date and the photo's upload (an old session's photo added late is kept the
whole period). The row is deleted and, once that is committed, the encrypted file; the session
and its counts stay.
"""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.encrypted_files import delete_quietly
from core.retention import Due, Eraser, add_years, register
from privacy.policy import retention_policy

from .audit import OutreachAction
from .models import OutreachPhoto


class OldOutreachPhotos(Eraser):
    name = "outreach.photos"
    action = OutreachAction.PHOTO_ERASED
    description = _("Photos of outreach sessions are deleted %(years)d year(s) after the session.")

    @property
    def years(self) -> int:
        return retention_policy().outreach_photo_years

    def describe(self) -> str:
        return gettext(self.description) % {"years": self.years}

    def queryset(self, now):
        cutoff = add_years(now, -self.years)
        return OutreachPhoto.objects.filter(
            session__held_on__lte=timezone.localdate(cutoff), created_at__lte=cutoff
        ).order_by("session__held_on", "pk")

    def due(self, now):
        photos = self.queryset(now).select_related("session").only("pk", "session__held_on", "session__uuid")
        return [
            Due(
                photo,
                gettext("photo %(id)d") % {"id": photo.pk},
                gettext("session of %(day)s: more than %(years)d year(s) ago")
                % {"day": formats.date_format(photo.session.held_on, "j F Y"), "years": self.years},
            )
            for photo in photos
        ]

    def erase(self, records, now):
        photos = list(
            self.queryset(now)
            .filter(pk__in=[record.pk for record in records])
            .select_for_update(of=("self",))
            .only("pk", "session", "stored_name")
        )
        if not photos:
            return {}
        names = [photo.stored_name for photo in photos]
        OutreachPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        transaction.on_commit(lambda: [delete_quietly(name) for name in names])
        return {photo.pk: {"session": photo.session_id} for photo in photos}


register(OldOutreachPhotos())
