"""The public statistics page and its JSON twin: no login, no cookie, cached by anyone for ten minutes.

Every figure comes already suppressed from public_selectors (see its docstring for the rules).
"""

from datetime import date

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .public_selectors import CACHE_SECONDS, monthly_chart, public_statistics_cached, public_years


class PeriodForm(forms.Form):
    """?tahun=2025 for a calendar year; nothing for the last twelve months."""

    tahun = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tahun"].choices = [("", "")] + [(year, year) for year in years]


def _figures(request) -> dict:
    form = PeriodForm(request.GET, years=public_years())
    if not form.is_valid():
        raise Http404
    return public_statistics_cached(year=form.cleaned_data["tahun"])


def _public(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def index(request):
    figures = _figures(request)
    # The cached figures hold ISO dates (they are also the JSON); the page shows them as dates.
    dates = {
        "start": date.fromisoformat(figures["start"]),
        "end": date.fromisoformat(figures["end"]),
        "outreach_start": date.fromisoformat(figures["outreach"]["start"]),
        "outreach_end": date.fromisoformat(figures["outreach"]["end"]),
    }
    context = {
        "figures": figures,
        "dates": dates,
        "today": timezone.localdate(),
        "years": public_years(),
        "chart": monthly_chart(figures["monthly"]),
    }
    return _public(render(request, "dashboard/public/index.html", context))


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def data(request):
    return _public(JsonResponse(_figures(request), json_dumps_params={"ensure_ascii": False}))
