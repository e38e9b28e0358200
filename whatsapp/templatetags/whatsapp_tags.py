"""The reporter's WhatsApp number on a staff page, for those who may see identities only."""

from django import template

from accounts.capabilities import Capability, user_can

from ..models import ReportContact

register = template.Library()


@register.simple_tag(takes_context=True)
def whatsapp_number(context, report) -> str:
    """ "+<digits>" of the report's WhatsApp contact, or "" (no contact, or a reader who may not
    see identities: the head of agency, volunteers)."""
    request = context.get("request")
    if request is None or not user_can(request.user, Capability.SEE_IDENTITIES):
        return ""
    if not report.contact_consent:  # not to be contacted: the number is not shown
        return ""
    link = ReportContact.objects.select_related("contact").filter(report=report).first()
    return f"+{link.contact.phone}" if link else ""
