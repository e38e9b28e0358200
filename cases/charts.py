"""The recovery chart: the five follow-up scores over time, laid out here and drawn as inline
SVG by the template (templates/cases/_recovery_chart.html). No script, nothing from another host."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from .choices import RECOVERY_DIMENSIONS, SCORE_MAX, SCORE_MIN
from .models import FollowUp

DIMENSION_LABELS = {
    "safety": _("Safety"),
    "physical_health": _("Physical health"),
    "emotional_wellbeing": _("Emotional wellbeing"),
    "schooling": _("Schooling"),
    "family_support": _("Family support"),
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    visited_on: date
    score: int


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{point.x},{point.y}" for point in self.points)


@dataclass(frozen=True)
class DateLabel:
    x: float
    day: date
    show_year: bool


@dataclass(frozen=True)
class Tick:
    y: float
    score: int


@dataclass(frozen=True)
class RecoveryChart:
    series: list[Series]
    dates: list[DateLabel]
    ticks: list[Tick]

    WIDTH = 360
    HEIGHT = 200
    LEFT = 22
    RIGHT = 12
    TOP = 10
    BOTTOM = 40
    DATE_Y = HEIGHT - BOTTOM + 16
    YEAR_Y = HEIGHT - BOTTOM + 30
    LABEL_GAP = 48  # the narrowest distance between two date labels ("28 Nov" at 11 px)
    # Equal scores would hide each other: each line sits a little above or below the level.
    SPREAD = 2.5
    PAD = 8

    @property
    def plot_left(self) -> int:
        return self.LEFT

    @property
    def plot_right(self) -> int:
        return self.WIDTH - self.RIGHT

    @property
    def baseline(self) -> int:
        return self.HEIGHT - self.BOTTOM

    @classmethod
    def _y(cls, score: float) -> float:
        """Score 1 sits a little above the axis, so a line spread below it stays above the axis too."""
        top, bottom = cls.TOP + cls.PAD, cls.HEIGHT - cls.BOTTOM - cls.PAD
        return top + (bottom - top) * (SCORE_MAX - score) / (SCORE_MAX - SCORE_MIN)

    @classmethod
    def of(cls, follow_ups: Sequence[FollowUp]) -> "RecoveryChart | None":
        """Visits placed by their dates, so a long gap between two visits shows as one."""
        if not follow_ups:
            return None
        first, last = follow_ups[0].visited_on, follow_ups[-1].visited_on
        span = (last - first).days
        inset = 16  # room for half a date label left of the first point and right of the last
        width = cls.WIDTH - cls.LEFT - cls.RIGHT - 2 * inset

        def x_of(day: date) -> float:
            share = (day - first).days / span if span else 0.5
            return round(cls.LEFT + inset + width * share, 1)

        middle = (len(RECOVERY_DIMENSIONS) - 1) / 2
        series = [
            Series(
                key=name,
                label=DIMENSION_LABELS[name],
                points=[
                    Point(
                        x=x_of(visit.visited_on),
                        y=round(cls._y(getattr(visit, name)) + (index - middle) * cls.SPREAD, 1),
                        visited_on=visit.visited_on,
                        score=getattr(visit, name),
                    )
                    for visit in follow_ups
                ],
            )
            for index, name in enumerate(RECOVERY_DIMENSIONS)
        ]
        return cls(
            series=series,
            dates=cls._date_labels([(x_of(day), day) for day in sorted({visit.visited_on for visit in follow_ups})]),
            ticks=[Tick(y=round(cls._y(score), 1), score=score) for score in range(SCORE_MIN, SCORE_MAX + 1)],
        )

    @classmethod
    def _date_labels(cls, days: list[tuple[float, date]]) -> list[DateLabel]:
        """The first and the last date always, those between where they do not overlap."""
        kept: list[tuple[float, date]] = []
        for x, day in days:
            if not kept or x - kept[-1][0] >= cls.LABEL_GAP:
                kept.append((x, day))
        if kept[-1][1] != days[-1][1]:
            if len(kept) > 1 and days[-1][0] - kept[-1][0] < cls.LABEL_GAP:
                kept.pop()
            kept.append(days[-1])
        return [
            DateLabel(x=x, day=day, show_year=index == 0 or day.year != kept[index - 1][1].year)
            for index, (x, day) in enumerate(kept)
        ]
