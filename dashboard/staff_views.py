"""The agency's KLA dashboard: aggregates for supervisors and the head, no identities."""

from dataclasses import dataclass
from datetime import date

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.capabilities import Capability
from accounts.decorators import login_and_second_factor_required
from areas.filters import PeriodFilterForm
from core.charts import MonthBarFrame
from core.periods import Period
from outreach.selectors import kla_participation
from reports.choices import Priority
from reports.priority import response_hours

from . import staff_cache
from .staff_selectors import MonthRow, Row, kla_case_records


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
    link: str = ""
    link_label: str = ""


def _headlines(data) -> list[Headline]:
    """Reports this month, urgent reports acknowledged in time, open cases, child victims served (the
    KLA score rewards serving every victim, not only fewer cases; a link to the KLA evidence): read
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
            gettext("Child victims served"),
            (
                gettext("of %(count)s child victims in the period (%(share)s%%)")
                % {"count": services.children, "share": f"{services.share_served:.0f}"}
                if services.share_served is not None
                else gettext("of %(count)s child victims in the period") % {"count": services.children}
            ),
            link=reverse("dashboard_staff:kla"),
            link_label=gettext("KLA evidence"),
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


# --- KLA evidence ---------------------------------------------------------------------------------


class KlaPeriodForm(PeriodFilterForm):
    """The KLA evaluation looks at the whole city: a period, no kecamatan."""

    kecamatan = None


@dataclass(frozen=True)
class KlaFigure:
    """One figure of an evidence item: a count, out of how many when it is a share."""

    key: str
    label: str
    count: int
    of: int | None = None

    @property
    def share(self) -> float | None:
        return 100 * self.count / self.of if self.of else None


@dataclass(frozen=True)
class KlaItem:
    """One KLA cluster V evidence item: its figures, how they are counted, what the page proves."""

    key: str
    title: str
    figures: list[KlaFigure]
    counted: str
    evidence: str


def _kla_items(data, records) -> list[KlaItem]:
    """The cluster V items from the dashboard's own figures (`data`, staff_selectors.dashboard) and the
    period's case records (staff_selectors.kla_case_records): nothing is counted twice."""
    services, cases = data.services, data.profile.cases
    referrals = data.justice.referrals
    in_time = [
        KlaFigure(
            f"in_time_{row.priority}",
            ngettext(
                "%(priority)s reports acknowledged within %(hours)s hour",
                "%(priority)s reports acknowledged within %(hours)s hours",
                response_hours(row.priority, "acknowledge"),
            )
            % {"priority": row.label, "hours": response_hours(row.priority, "acknowledge")},
            row.in_time,
            row.due,
        )
        for row in data.response.by_priority
    ]
    return [
        KlaItem(
            "served",
            gettext("Every child victim served, within the standard time"),
            [
                KlaFigure(
                    "children_served", gettext("Child victims served"), services.children_served, services.children
                ),
                *in_time,
            ],
            gettext(
                "A child victim is served when their case has at least one service in progress or done; children of "
                "the cases opened in the period. A report is acknowledged in time when acknowledged by the deadline "
                "of its priority, out of the reports acknowledged or still waiting past their deadline."
            ),
            gettext(
                "Every child victim of the period is recorded with the services given; every report with the time "
                "it was received and acknowledged. The same figures as the KLA dashboard."
            ),
        ),
        KlaItem(
            "simfoni",
            gettext("Recording integrated with SIMFONI-PPA"),
            [
                KlaFigure("cases", gettext("Cases opened in the period"), cases),
                KlaFigure(
                    "simfoni_numbered",
                    gettext("with a SIMFONI-PPA registration number"),
                    records.simfoni_numbered,
                    cases,
                ),
                KlaFigure(
                    "simfoni_exported", gettext("included in a SIMFONI-PPA export"), records.simfoni_exported, cases
                ),
            ],
            gettext(
                "Cases opened in the period; a case is registered in SIMFONI-PPA when its SIMFONI-PPA registration "
                "number is recorded, and exported once it was in a SIMFONI-PPA export from this system."
            ),
            gettext(
                "Cases are recorded with the SIMFONI-PPA categories and exported in its format; the registration "
                "number links each case to its SIMFONI-PPA entry."
            ),
        ),
        KlaItem(
            "monitoring",
            gettext("Referral and post-service monitoring"),
            [
                KlaFigure("referrals", gettext("Referrals sent in the period"), referrals.total),
                *(
                    KlaFigure(
                        f"referrals_{row.key}",
                        gettext("Referrals now: %(status)s") % {"status": row.label},
                        row.count,
                        referrals.total,
                    )
                    for row in referrals.by_status
                ),
                KlaFigure(
                    "referrals_unanswered",
                    ngettext(
                        "Referrals without an answer after %(days)s day",
                        "Referrals without an answer after %(days)s days",
                        referrals.answer_days,
                    )
                    % {"days": referrals.answer_days},
                    referrals.unanswered,
                ),
                KlaFigure(
                    "followed_up", gettext("Cases of the period with a follow-up visit"), records.followed_up, cases
                ),
                KlaFigure(
                    "follow_ups_overdue",
                    gettext("Open cases with an overdue follow-up today"),
                    data.workload.overdue_follow_ups,
                ),
            ],
            gettext(
                "Referrals sent in the period, by their status now. A case is followed up when it has at least one "
                "follow-up visit; a follow-up is overdue when an open case's next visit date has passed."
            ),
            gettext(
                "Each referral is sent with consent and answered by the provider; follow-up visits record the "
                "child's recovery on a fixed scale until the case is closed."
            ),
        ),
    ]


@login_and_second_factor_required(capability=Capability.SEE_DASHBOARD)
@require_GET
def kla(request):
    """KLA cluster V (special protection) evidence for the head of agency, printable on A4."""
    form = KlaPeriodForm(request.GET, default=_this_year())
    context = {"form": form, "printed_at": timezone.now()}
    if form.is_valid():
        period = form.period()
        data = staff_cache.dashboard_cached(user=request.user, period=period, not_recorded=gettext("Not recorded"))
        context.update(
            period=period,
            items=_kla_items(data, kla_case_records(period=period)),
            participation=kla_participation(period),
        )
    return render(request, "dashboard/staff/kla.html", context)
