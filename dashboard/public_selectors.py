"""Figures for the public statistics page and its JSON twin.

Counts are made as dashboard.definitions says, then made safe to publish here, before they
are cached, so nothing downstream (page, JSON, chart) ever holds a raw count:

1. Primary suppression: a count from 1 to 4 is shown as "<5" (definitions.public_count).
2. Complementary suppression, column by column in a table whose column has a total: while
   any hidden cell of a column can be worked out from the total and the cells shown (one
   hidden cell; two "<5" cells adding up to 8, which must both be 4; ...), the smallest cell still
   shown (non-zero) is hidden too, as "*". If nothing is left to hide, the total is hidden
   (in both tables that show it).
   The violence table has no total (a report may name several forms), so only rule 1 applies.

Kecamatan is the smallest area published: kelurahan and RT figures are too small.
"""

from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db import models
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMonth
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from areas.models import Kecamatan
from core.periods import Period, twelve_calendar_months
from outreach.models import ChildCareGroup
from outreach.selectors import outreach_coverage
from reports.choices import VIOLENCE_TYPE_SHORT
from reports.models import Report, ReportViolenceType

from .definitions import SIMFONI_VIOLENCE, SMALL_CELL_LIMIT, public_count
from .staff_selectors import cases_opened, counted_reports

CACHE_SECONDS = 600
HIDDEN = "*"  # a cell hidden so that a "<5" cell cannot be worked out from the total
MEASURES = ("reports", "cases")
SIMFONI_CATEGORIES = list(dict.fromkeys(SIMFONI_VIOLENCE.values()))


def suppress_column(values: list[int], total: int) -> tuple[list[str], str]:
    """The cells and total of one column as the public may see them (rules in the module docstring)."""
    shown = [public_count(value) for value in values]
    hidden = {index for index, value in enumerate(values) if 0 < value < SMALL_CELL_LIMIT}
    while hidden and _some_cell_recoverable(values, hidden):
        candidates = [index for index, value in enumerate(values) if value and index not in hidden]
        if not candidates:
            return shown, HIDDEN
        smallest = min(candidates, key=lambda index: (values[index], index))
        hidden.add(smallest)
        shown[smallest] = HIDDEN
    return shown, public_count(total)


def _some_cell_recoverable(values: list[int], hidden: set[int]) -> bool:
    """True if someone who knows the total, the cells shown and this rule can work out a hidden cell.

    A "<5" cell is 1..4. A "*" cell is at least 5 (else it would read "<5") and at most the
    smallest cell still shown (it was the smallest when it was hidden). The hidden cells add up
    to the total minus the cells shown; a cell is recovered when that sum leaves it one value.
    """
    still_shown = [value for index, value in enumerate(values) if value and index not in hidden]
    hidden_sum = sum(values[index] for index in hidden)
    ceiling = min(still_shown, default=hidden_sum)
    bounds = [
        (1, SMALL_CELL_LIMIT - 1) if values[index] < SMALL_CELL_LIMIT else (SMALL_CELL_LIMIT, ceiling)
        for index in hidden
    ]
    all_low, all_high = sum(low for low, _high in bounds), sum(high for _low, high in bounds)
    for low, high in bounds:
        least = max(low, hidden_sum - (all_high - high))
        most = min(high, hidden_sum - (all_low - low))
        if least == most:
            return True
    return False


def _safe_table(rows: list[dict], counts: dict[str, list[int]], totals: dict[str, int]) -> dict:
    for measure in MEASURES:
        cells, total = suppress_column(counts[measure], totals[measure])
        for row, cell in zip(rows, cells, strict=True):
            row[measure] = cell
        totals[measure] = total
    return {"rows": rows, "total": totals}


@dataclass(frozen=True)
class PublicPeriod:
    year: int | None
    period: Period

    @classmethod
    def of(cls, *, year: int | None, today: date) -> "PublicPeriod":
        """A calendar year (up to today), or else the current month and the eleven before it."""
        if year is not None:
            return cls(year=year, period=Period(start=date(year, 1, 1), end=min(date(year, 12, 31), today)))
        return cls(year=None, period=twelve_calendar_months(today=today))


# The same base sets as the staff dashboard, so that the two pages cannot count differently.
def _counted_reports(period: Period):
    return counted_reports(period=period)


def _cases(period: Period):
    return cases_opened(period=period)


def _by_month(queryset, field: str) -> dict[tuple[int, int], int]:
    rows = queryset.annotate(month=TruncMonth(field)).values("month").annotate(n=Count("pk"))
    return {(row["month"].year, row["month"].month): row["n"] for row in rows}


def _simfoni(field: str) -> models.Case:
    """The SIMFONI-PPA category of a public form of violence, worked out in the database."""
    return models.Case(
        *[models.When(**{field: code}, then=models.Value(category)) for code, category in SIMFONI_VIOLENCE.items()],
        default=models.Value("lainnya"),
        output_field=models.CharField(),
    )


def _monthly(period: Period) -> dict:
    reports = _by_month(_counted_reports(period), "received_at")
    cases = _by_month(_cases(period), "opened_at")
    months = period.months()
    rows = [{"month": f"{m:%Y-%m}", "label": dateformat.format(m, "F Y")} for m in months]
    counts = {
        "reports": [reports.get((m.year, m.month), 0) for m in months],
        "cases": [cases.get((m.year, m.month), 0) for m in months],
    }
    return _safe_table(rows, counts, {measure: sum(counts[measure]) for measure in MEASURES})


NO_KELURAHAN_ROW = _("No kelurahan given (unknown, outside Balikpapan, online)")


def _by_kecamatan(period: Period) -> dict:
    area = "kelurahan__kecamatan_id"
    reports = dict(_counted_reports(period).values_list(area).annotate(n=Count("pk")))
    cases = dict(_cases(period).values_list(area).annotate(n=Count("pk")))
    kecamatan = list(Kecamatan.objects.order_by("name").values_list("pk", "name"))
    if reports.get(None):  # reports that name no kelurahan (not known, outside the city, online)
        kecamatan.append((None, str(NO_KELURAHAN_ROW)))
    rows = [{"label": name} for _pk, name in kecamatan]
    counts = {
        "reports": [reports.get(pk, 0) for pk, _name in kecamatan],
        "cases": [cases.get(pk, 0) for pk, _name in kecamatan],
    }
    return _safe_table(rows, counts, {measure: sum(counts[measure]) for measure in MEASURES})


def _by_violence(period: Period) -> dict:
    """Reports and cases naming each SIMFONI-PPA form; one report counts once per form."""
    reports = dict(
        ReportViolenceType.objects.filter(report__in=_counted_reports(period))
        .annotate(category=_simfoni("violence_type"))
        .values_list("category")
        .annotate(n=Count("report", distinct=True))
        .order_by()
    )
    # Case.violence_types is a JSON list: a case counts once in each category one of its forms
    # belongs to (`?|`); a form outside SIMFONI_VIOLENCE counts as "lainnya", as _simfoni has it.
    forms_of = {category: [] for category in SIMFONI_CATEGORIES}
    for code, category in SIMFONI_VIOLENCE.items():
        forms_of[category].append(code)
    in_category = {category: Q(violence_types__has_any_keys=codes) for category, codes in forms_of.items()}
    in_category["lainnya"] |= ~Q(violence_types__contained_by=list(SIMFONI_VIOLENCE))
    cases = _cases(period).aggregate(
        **{category: Count("pk", filter=condition) for category, condition in in_category.items()}
    )
    return {
        "rows": [
            {
                "code": category,
                "label": str(VIOLENCE_TYPE_SHORT[category]),
                "reports": public_count(reports.get(category, 0)),
                "cases": public_count(cases[category]),
            }
            for category in SIMFONI_CATEGORIES
        ]
    }


def _outreach(period: Period) -> dict:
    """RTs reached (share) in the page's one period and active child-care groups, for the city
    and per kecamatan.

    RT counts are counts of places, not of children, but go through public_count all the same.
    """
    # The public sees what the head of agency sees, at kecamatan level only: outreach_coverage
    # reads through the outreach access module, which asks whether the reader may read outreach.
    reader = User(role=Role.HEAD)
    coverage = outreach_coverage(user=reader, period=period)

    def share(area) -> int | None:
        return None if area.share_reached is None else round(area.share_reached)

    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "rts_known": public_count(coverage.total.rts_known),
        "rts_reached": public_count(coverage.total.rts_reached),
        "share_reached": share(coverage.total),
        "active_groups": public_count(ChildCareGroup.objects.filter(active=True).count()),
        "kecamatan": [{"label": area.name, "share_reached": share(area)} for area in coverage.kecamatan],
    }


def public_statistics(*, year: int | None, today: date) -> dict:
    """Every published figure for the year (or the last twelve months), already suppressed."""
    chosen = PublicPeriod.of(year=year, today=today)
    period = chosen.period
    monthly, by_kecamatan = _monthly(period), _by_kecamatan(period)
    # Both tables show the same totals: one hidden in one table is hidden in the other too.
    for measure in MEASURES:
        if HIDDEN in (monthly["total"][measure], by_kecamatan["total"][measure]):
            monthly["total"][measure] = by_kecamatan["total"][measure] = HIDDEN
    return {
        "year": chosen.year,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "monthly": monthly,
        "kecamatan": by_kecamatan,
        "violence": _by_violence(period),
        "outreach": _outreach(period),
    }


def public_statistics_cached(*, year: int | None) -> dict:
    """public_statistics, cached for ten minutes per year and language."""
    language = translation.get_language()
    key = f"dashboard:public:{year or 'last12'}:{language}"
    figures = cache.get(key)
    if figures is None:
        figures = public_statistics(year=year, today=timezone.localdate())
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def public_years() -> list[int]:
    """The years one may choose: from the first counted report to this year. Cached."""
    key = "dashboard:public:years"
    years = cache.get(key)
    if years is None:
        this_year = timezone.localdate().year
        first = Report.objects.aggregate(first=Min("received_at"))["first"]
        start = timezone.localtime(first).year if first else this_year
        years = list(range(this_year, start - 1, -1))
        cache.set(key, years, CACHE_SECONDS)
    return years


def monthly_chart(monthly: dict) -> dict:
    """Bars for reports per month, drawn from the published strings only: a "<5" bar has a
    fixed short height and a hidden cell has none, so the drawing tells no more than the table."""
    width, height, top, bottom = 360, 170, 20, 34
    plot = height - top - bottom
    rows = monthly["rows"]
    values = [int(row["reports"]) if row["reports"].isdigit() else None for row in rows]
    maximum = max([value for value in values if value is not None] + [SMALL_CELL_LIMIT])
    slot = width / max(len(rows), 1)
    bars = []
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value is None:
            bar_height = plot * (SMALL_CELL_LIMIT / 2) / maximum if row["reports"] == "<5" else 0
        else:
            bar_height = plot * value / maximum
        x = index * slot
        bars.append(
            {
                "label": row["reports"],
                "month": row["label"][:3],
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(top + plot - bar_height, 1),
                "label_y": round(top + plot - bar_height - 4, 1),
                "height": round(bar_height, 1),
                "center": round(x + slot / 2, 1),
                "uncertain": value is None,
            }
        )
    return {"width": width, "height": height, "baseline": top + plot, "bars": bars, "month_y": top + plot + 14}
