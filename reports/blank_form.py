"""The report form's fields, rendered once per process for each language and kelurahan list.

An empty report form is the same for everybody. Its ~20 fields and ~70 choices go through
Django's widget templates, which cost ~12 ms a page view, most of the public form's GET
(issue 9). The key holds everything the empty fields depend on: the language, the answer to
"who is it about" (the form's words follow it) and the kelurahan choices, which the form reads
from the database on every request (one query), so a renamed or added kelurahan shows at once.
The templates change only with a deploy, which restarts the processes;
with DEBUG (templates edited while the server runs) nothing is kept.
A bound form (errors, values typed) is always rendered afresh.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATE = "reports/_report_fields.html"
_MAX_KEPT = 16  # languages × kelurahan lists seen by one process; more means something odd
_rendered: dict[tuple, str] = {}


def _frozen(choices) -> tuple:
    return tuple(
        (str(value), _frozen(label)) if isinstance(label, list | tuple) else (str(value), str(label))
        for value, label in choices
    )


def fields_html(form) -> str | None:
    """The empty form's fields as HTML, or None when they must be rendered in the page
    (a bound form, or DEBUG)."""
    if form.is_bound or settings.DEBUG:
        return None
    key = (translation.get_language(), getattr(form, "about", ""), _frozen(form.fields["kelurahan"].choices))
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= _MAX_KEPT:
            _rendered.clear()
        html = _rendered[key] = render_to_string(TEMPLATE, {"form": form})
    return html
