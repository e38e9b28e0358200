"""The agency's retention policy as the privacy notice states it (issue 21, "Retention schedule").

The figures are the RETENTION_* settings (balikpapan_kla/settings.py, with these defaults); the
retention schedule that applies them (core.retention and the erasers in reports.retention,
cases.retention, outreach.retention) and the notice both read them here and nowhere else.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RetentionPolicy:
    spam_and_rejected_days: int = 90
    duplicate_years: int = 1
    closed_case_years: int = 10
    # ... or until the youngest child of the case turns this old, whichever is later
    youngest_child_age: int = 21
    outreach_photo_years: int = 2


def retention_policy() -> RetentionPolicy:
    default = RetentionPolicy()
    return RetentionPolicy(
        **{
            name: getattr(settings, f"RETENTION_{name.upper()}", getattr(default, name))
            for name in RetentionPolicy.__dataclass_fields__
        }
    )
