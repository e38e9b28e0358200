"""The frame the month bar charts share (outreach coverage, KLA dashboard).

Charts are laid out in Python and drawn as inline SVG by the templates: no script, no other
host. A month bar chart is WIDTH × HEIGHT, its bars in equal slots between TOP and the
baseline, the month names under the baseline; each chart sets TOP and BOTTOM for the room
its legend and labels need.
"""


class MonthBarFrame:
    WIDTH = 360
    HEIGHT = 190
    TOP = 30
    BOTTOM = 22
    SIDE = 4
    SCALE_Y = 11

    @property
    def baseline(self) -> int:
        return self.HEIGHT - self.BOTTOM

    @property
    def month_y(self) -> int:
        return self.baseline + 14

    @classmethod
    def slot_width(cls, count: int) -> float:
        """The width each of `count` bars (or pairs of bars) gets."""
        return (cls.WIDTH - 2 * cls.SIDE) / max(count, 1)

    @classmethod
    def bar_height(cls, value: int, maximum: int) -> float:
        return round((cls.HEIGHT - cls.TOP - cls.BOTTOM) * value / maximum, 1) if maximum else 0

    @classmethod
    def bar_y(cls, value: int, maximum: int) -> float:
        """Where a bar of `value` starts: it stands on the baseline."""
        return round(cls.HEIGHT - cls.BOTTOM - cls.bar_height(value, maximum), 1)
