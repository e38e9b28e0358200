"""The retention schedule's rule for WhatsApp numbers (core.retention).

A number is kept while it is how the agency talks with a reporter: while one of its reports is not
erased, or a conversation is still open. It is forgotten (the contact row, its conversations, its
outgoing messages and its links to reports, all deleted) at once when every report it filed has
been erased, and after RETENTION_SPAM_AND_REJECTED_DAYS of silence when it never filed one (a
conversation cancelled, or one that said nothing). Erasing a report otherwise leaves the number
behind, still tied to the erased report: this rule is what takes it away.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.datakeys import erase_owned
from core.retention import Due, Eraser, register
from privacy.policy import retention_policy

from .audit import WhatsAppAction
from .models import Contact, Conversation, Outbound, ReportContact


class ForgottenNumbers(Eraser):
    name = "whatsapp.numbers"
    action = WhatsAppAction.NUMBER_FORGOTTEN
    description = _(
        "A WhatsApp number is forgotten once every report it sent has been erased, or %(days)d days "
        "after its last message if it never sent a report."
    )

    def describe(self) -> str:
        return gettext(self.description) % {"days": retention_policy().spam_and_rejected_days}

    def queryset(self, now):
        cutoff = now - timedelta(days=retention_policy().spam_and_rejected_days)
        live_report = ReportContact.objects.filter(contact=OuterRef("pk"), report__erased_at__isnull=True)
        any_report = ReportContact.objects.filter(contact=OuterRef("pk"))
        open_draft = Conversation.objects.filter(contact=OuterRef("pk"), report__isnull=True)
        silent = Q(last_inbound_at__lt=cutoff) | Q(last_inbound_at__isnull=True, created_at__lt=cutoff)
        return (
            Contact.objects.filter(~Exists(live_report), ~Exists(open_draft))
            .filter(Exists(any_report) | silent)
            .annotate(had_reports=Exists(any_report))
            .order_by("pk")
        )

    def due(self, now):
        days = retention_policy().spam_and_rejected_days
        found = []
        for contact in self.queryset(now).only("pk", "last_inbound_at", "created_at"):
            if contact.had_reports:
                why = gettext("every report from this number has been erased")
            else:
                last = contact.last_inbound_at or contact.created_at
                why = gettext("no report; last message %(day)s, more than %(days)d days ago") % {
                    "day": formats.date_format(last, "j F Y"),
                    "days": days,
                }
            found.append(Due(contact, gettext("WhatsApp contact %(id)d") % {"id": contact.pk}, why))
        return found

    def erase(self, records, now):
        # Locked, and checked again: a number that wrote since the list was made stays.
        contacts = list(
            self.queryset(now)
            .filter(pk__in=[record.pk for record in records])
            .select_for_update(of=("self",))
            .only("pk", "data_key")
        )
        if not contacts:
            return {}
        pks = [contact.pk for contact in contacts]
        reports = {pk: [] for pk in pks}
        for contact_pk, report_pk in ReportContact.objects.filter(contact__in=pks).values_list("contact", "report"):
            reports[contact_pk].append(report_pk)
        # The key first: the number, the drafts and what was to be sent go from old backups too.
        erase_owned(contacts, now=now)
        Outbound.objects.filter(contact__in=pks).delete()
        Conversation.objects.filter(contact__in=pks).delete()
        ReportContact.objects.filter(contact__in=pks).delete()
        Contact.objects.filter(pk__in=pks).delete()
        return {pk: {"reports": sorted(report_pks)} for pk, report_pks in reports.items()}


register(ForgottenNumbers())
