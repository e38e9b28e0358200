"""Form pieces with no domain in them (widgets, fields, period rules), shared by the apps' forms."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .periods import Period

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Longer periods are refused: the figures behind a filter are counted on every request.
MAX_PERIOD = timedelta(days=5 * 366)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their checks are the service's (reports.attachments)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [file for file in files if file]


class PeriodRules:
    """For a form with `start` and `end` dates (this app's filters, the dashboard's exports):
    the rules of a period, and the period itself."""

    def clean_period(self, cleaned: dict) -> None:
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date cannot be before the start date."))
            elif end - start > MAX_PERIOD:
                self.add_error("start", _("Choose a period of at most five years."))

    def period(self) -> Period:
        return Period(start=self.cleaned_data["start"], end=self.cleaned_data["end"])
