"""Filters by area and period, for the staff pages of outreach and the dashboard."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.periods import Period
from core.widgets import DATE_WIDGET, PeriodRules

from .models import Kecamatan


class KecamatanFilterForm(forms.Form):
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Kecamatan.objects.order_by("name"), required=False, empty_label=_("All")
    )


class PeriodFilterForm(PeriodRules, KecamatanFilterForm):
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET, required=False)
    end = forms.DateField(label=_("To"), widget=DATE_WIDGET, required=False)

    field_order = ["start", "end", "kecamatan"]

    def __init__(self, query, *, default: Period):
        # A missing or empty date means the default one (hence not `required`); the form shows which it is.
        data = query.copy()
        for name in ("start", "end"):
            if not data.get(name):
                data[name] = getattr(default, name).isoformat()
        super().__init__(data)

    def clean(self):
        cleaned = super().clean()
        self.clean_period(cleaned)
        return cleaned
