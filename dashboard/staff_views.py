"""The agency's KLA dashboard: aggregates for supervisors and the head, no identities."""

from dataclasses import dataclass
from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from areas.filters import PeriodFilterForm
from core.charts import MonthBarFrame
from core.periods import Period
from reports.choices import Priority

from . import staff_cache
from .staff_selectors import MonthRow, Row


def _this_year() -> Period:
    today = timezone.localdate()
    return Period(start=today.replace(month=1, day=1), end=today)


def _age_band_label(band: str) -> str:
    return gettext("Age not known") if band == "unknown" else band


@dataclass(frozen=True)
class HBar:
    label: str
    value: int
    y: float
    width: float

    @property
    def label_y(self) -> float:
        return round(self.y - 3, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + HBarChart.BAR / 2 + 4, 1)

    @property
    def value_x(self) -> float:
        return round(self.width + 4, 1)


@dataclass(frozen=True)
class HBarChart:
    """Categories as horizontal bars, laid out here and drawn as inline SVG: no script, no other host.

    Each category's name sits on its own line above its bar, whole: a name beside the bar had to be
    cut to fit ("Kekerasan fisik dan psik…") and read wrong in Indonesian."""

    key: str
    title: str
    bars: list[HBar]

    WIDTH = 360
    VALUE = 40  # room for the number after the longest bar
    ROW = 32  # a line of name, then the bar
    BAR = 14
    LABEL = 13  # the name's line above each bar

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * self.ROW

    @classmethod
    def of(cls, key: str, title: str, rows: list[Row]) -> "HBarChart":
        maximum = max((row.count for row in rows), default=0)
        plot = cls.WIDTH - cls.VALUE
        bars = [
            HBar(
                label=row.label,
                value=row.count,
                y=index * cls.ROW + cls.LABEL + 1,
                width=round(plot * row.count / maximum, 1) if maximum else 0,
            )
            for index, row in enumerate(rows)
        ]
        return cls(key=key, title=title, bars=bars)


@dataclass(frozen=True)
class MonthPair:
    month: date
    value: int
    previous: int
    x: float
    width: float
    y: float
    height: float
    previous_y: float
    previous_height: float

    @property
    def previous_x(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def center(self) -> float:
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class PairedMonthChart(MonthBarFrame):
    """Each month's count beside the same month a year before, as two bars
    (core.charts.MonthBarFrame)."""

    key: str
    title: str
    bars: list[MonthPair]
    maximum: int

    @classmethod
    def of(cls, key: str, title: str, rows: list[MonthRow], attribute: str) -> "PairedMonthChart":
        points = [(row.month, getattr(row, attribute), getattr(row, f"{attribute}_previous")) for row in rows]
        maximum = max((max(value, previous) for _month, value, previous in points), default=0)
        slot = cls.slot_width(len(points))
        bars = []
        for index, (month, value, previous) in enumerate(points):
            bars.append(
                MonthPair(
                    month=month,
                    value=value,
                    previous=previous,
                    x=round(cls.SIDE + index * slot + slot * 0.1, 1),
                    width=round(slot * 0.4, 1),
                    y=cls.bar_y(value, maximum),
                    height=cls.bar_height(value, maximum),
                    previous_y=cls.bar_y(previous, maximum),
                    previous_height=cls.bar_height(previous, maximum),
                )
            )
        return cls(key=key, title=title, bars=bars, maximum=maximum)


@dataclass(frozen=True)
class Headline:
    """One of the figures the dashboard opens with, before any chart."""

    key: str
    value: str
    label: str
    detail: str = ""


def _headlines(data) -> list[Headline]:
    """Reports this month, urgent reports acknowledged in time, open cases, children served: read
    from the figures already counted, no query of their own."""
    latest = data.months[-1] if data.months else None
    urgent = next((row for row in data.response.by_priority if row.priority == Priority.DARURAT), None)
    share = urgent.share_in_time if urgent is not None else None
    services = data.services
    return [
        Headline(
            "reports_month",
            str(latest.reports if latest else 0),
            gettext("Reports in %(month)s") % {"month": date_format(latest.month, "F Y")}
            if latest
            else gettext("Reports this month"),
            gettext("%(count)s the same month a year before") % {"count": latest.reports_previous} if latest else "",
        ),
        Headline(
            "urgent_in_time",
            f"{share:.0f}%" if share is not None else "–",
            gettext("Urgent reports acknowledged in time"),
            gettext("%(in_time)s of %(due)s") % {"in_time": urgent.in_time, "due": urgent.due} if urgent else "",
        ),
        Headline("open_cases", str(data.workload.open_cases), gettext("Open cases today")),
        Headline(
            "children_served",
            str(services.children_served),
            gettext("Children served"),
            gettext("of %(count)s child victims in the period") % {"count": services.children},
        ),
    ]


@login_and_second_factor_required(capability=Capability.SEE_DASHBOARD)
@require_GET
def index(request):
    form = PeriodFilterForm(request.GET, default=_this_year())
    context = {"form": form}
    if form.is_valid():
        data = staff_cache.dashboard_cached(
            user=request.user,
            period=form.period(),
            kecamatan=form.cleaned_data["kecamatan"],
            not_recorded=gettext("Not recorded"),
        )
        context.update(
            data=data,
            headlines=_headlines(data),
            month_charts=[
                PairedMonthChart.of("reports", _("Reports per month"), data.months, "reports"),
                PairedMonthChart.of("cases", _("Cases opened per month"), data.months, "cases"),
            ],
            channel_chart=HBarChart.of("channel", _("Reports by channel"), data.by_channel),
            justice_chart=HBarChart.of("legal", _("Cases by legal stage"), data.justice.by_stage),
            profile_charts=[
                HBarChart.of("violence", _("Cases by form of violence"), data.profile.by_violence),
                HBarChart.of(
                    "age",
                    _("Child victims by age band"),
                    [Row(label=_age_band_label(row.band), count=row.total) for row in data.profile.children_by_age],
                ),
            ],
        )
    return render(request, "dashboard/staff/index.html", context)
