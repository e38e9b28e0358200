from django import template

from reports.choices import Channel

register = template.Library()


@register.filter
def channel_label(code: str) -> str:
    """The translated name of a report channel (a door into the agency) from its stored code."""
    try:
        return Channel(code).label
    except ValueError:
        return code
