"""The retention schedule's rule for cases (core.retention): de-identify closed cases.

A closed case is de-identified once both have passed (whichever is later):
- `RETENTION_CLOSED_CASE_YEARS` (10) since it was closed, and
- the day its youngest child turns `RETENTION_YOUNGEST_CHILD_AGE` (21).

A child's day is read from the date of birth; without one, from the age at the incident (the
case's date of the incident, else the day it was opened) or else the age when the child was
recorded, counted so it is never early (a child 8 at the incident is 21 at the latest 13 years
after it). A child of whom nothing is known does not count; a case with no such child at all
goes by the years alone. A case on legal hold (a supervisor's, or an open legal process:
`Case.objects.on_legal_hold()`) is never touched.

De-identifying erases every encrypted value of the case and its rows and of its reports
(core.datakeys.erase_owned for both, their keys shredded, files deleted), blanks the children's
match keys, sets `Case.deidentified_at` and the reports' `erased_at`. What counts stays: the
kelurahan, the dates, the forms of violence, the sexes and ages, the services and the legal
stages, so the dashboard and the SIMFONI-PPA export still count the case.
"""

from datetime import date

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.datakeys import erase_owned
from core.retention import Due, Eraser, add_years, register
from privacy.policy import retention_policy
from reports.models import Report

from .ages import parse_birth_date
from .audit import CaseAction
from .choices import CaseStatus
from .models import Case, Child


def _birthday(birth_date: date, age: int) -> date:
    """The day a child born on `birth_date` turns `age` (born on 29 February: 1 March, cases.ages)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)


def turns_age_on(child: Child, case: Case, age: int) -> date | None:
    """The day `child` is `age` years old for sure, or None when nothing tells."""
    birth_date = parse_birth_date(child.birth_date)
    if birth_date is not None:
        return _birthday(birth_date, age)
    if child.age_at_incident is not None:
        incident = case.occurred_on or timezone.localdate(case.opened_at)
        return add_years(incident, age - child.age_at_incident)
    if child.age is not None:
        return add_years(timezone.localdate(child.added_at), age - child.age)
    return None


class ClosedCases(Eraser):
    name = "cases.closed"
    action = CaseAction.DEIDENTIFIED
    description = _(
        "Closed cases are de-identified %(years)d years after closing, or when the youngest child turns "
        "%(age)d, whichever is later; never a case on legal hold. The figures stay."
    )

    def describe(self) -> str:
        policy = retention_policy()
        return gettext(self.description) % {"years": policy.closed_case_years, "age": policy.youngest_child_age}

    def queryset(self, now):
        cutoff = add_years(now, -retention_policy().closed_case_years)
        return (
            Case.objects.filter(status=CaseStatus.CLOSED, deidentified_at__isnull=True, closed_at__lte=cutoff)
            .free_of_legal_hold()
            .order_by("closed_at", "pk")
        )

    def _checked(self, cases, now) -> list[tuple[Case, str]]:
        """(case, why) for each of `cases` whose youngest child is old enough."""
        policy = retention_policy()
        today = timezone.localdate(now)
        found = []
        for case in cases:
            days = [turns_age_on(child, case, policy.youngest_child_age) for child in case.children.all()]
            days = [day for day in days if day is not None]
            closed = formats.date_format(timezone.localdate(case.closed_at), "j F Y")
            if not days:
                why = gettext("closed %(closed)s, more than %(years)d years ago; no child's age known") % {
                    "closed": closed,
                    "years": policy.closed_case_years,
                }
            elif max(days) <= today:
                why = gettext(
                    "closed %(closed)s, more than %(years)d years ago; youngest child %(age)d or older since %(day)s"
                ) % {
                    "closed": closed,
                    "years": policy.closed_case_years,
                    "age": policy.youngest_child_age,
                    "day": formats.date_format(max(days), "j F Y"),
                }
            else:
                continue
            found.append((case, why))
        return found

    def _with_children(self, cases):
        children = Child.objects.only("pk", "case", "birth_date", "age", "age_at_incident", "added_at")
        return cases.only("pk", "reference", "closed_at", "occurred_on", "opened_at", "data_key").prefetch_related(
            Prefetch("children", queryset=children)
        )

    def due(self, now):
        return [
            Due(case, case.reference, why) for case, why in self._checked(self._with_children(self.queryset(now)), now)
        ]

    def erase(self, records, now):
        pks = [record.pk for record in records]
        # Locked, and checked again: a case reopened or put on hold since the list was made stays.
        locked = self._with_children(Case.objects.filter(pk__in=pks).select_for_update(of=("self",)))
        still_due = set(self.queryset(now).filter(pk__in=pks).values_list("pk", flat=True))
        cases = [case for case, _why in self._checked([c for c in locked if c.pk in still_due], now)]
        if not cases:
            return {}
        reports = list(Report.objects.filter(case_link__case__in=cases).only("pk", "data_key", "received_at"))
        erase_owned(cases, now=now)
        erase_owned(reports, now=now)
        Child.objects.filter(case__in=cases).update(match_key="")
        Case.objects.filter(pk__in=[case.pk for case in cases]).update(deidentified_at=now)
        Report.objects.filter(pk__in=[report.pk for report in reports], erased_at__isnull=True).update(erased_at=now)
        by_case: dict[int, list[int]] = {case.pk: [] for case in cases}
        for case_pk, report_pk in Report.objects.filter(pk__in=[r.pk for r in reports]).values_list(
            "case_link__case", "pk"
        ):
            by_case[case_pk].append(report_pk)
        return {pk: {"reports": sorted(report_pks)} for pk, report_pks in by_case.items()}


register(ClosedCases())
