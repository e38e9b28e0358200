"""A child's age on a day, from the date of birth: the one computation (the case page, the
services that record a child, and through them the dashboard and both exports)."""

from datetime import date


def age_on(birth_date: date, day: date) -> int:
    """Whole years from `birth_date` to `day` (a child born on 29 February is a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def parse_birth_date(value: str) -> date | None:
    """`Child.birth_date` is stored (encrypted) as an ISO date; blank or unreadable is unknown."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
