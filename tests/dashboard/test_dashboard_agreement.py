"""The dashboard, the exports and the public page count the same things the same way, on the
demo data, and agree with counts made here by hand from the rows themselves."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Child
from core.periods import Period
from dashboard import exports
from dashboard.public_selectors import public_statistics
from dashboard.staff_selectors import monthly_counts
from reports.choices import Status
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, stdout=io.StringIO())


def test_the_three_views_of_the_numbers_agree_with_hand_counts(demo):
    today = timezone.localdate()
    period = Period(start=date(today.year, 1, 1), end=today)
    counted = [r for r in Report.objects.all() if r.status not in (Status.DUPLICATE, Status.REJECTED)]
    by_hand_reports = sum(1 for r in counted if timezone.localtime(r.received_at).date() >= period.start)
    by_hand_cases = sum(1 for c in Case.objects.all() if timezone.localtime(c.opened_at).date() >= period.start)
    # The demo's old cases (for the retention schedule) were opened years before the period.
    by_hand_children = sum(
        1 for c in Child.objects.select_related("case") if timezone.localtime(c.case.opened_at).date() >= period.start
    )

    months = monthly_counts(period=period)
    supervisor = User.objects.get(username="koordinator")
    export_cases = exports.cases_for_export(user=supervisor, period=period, identities=False)
    public = public_statistics(year=today.year, today=today)

    assert by_hand_reports > 0 and by_hand_cases > 0
    assert sum(row.reports for row in months) == by_hand_reports
    assert sum(row.cases for row in months) == by_hand_cases
    assert export_cases.count() == by_hand_cases
    assert len(list(exports.simfoni_rows(export_cases))) == by_hand_children
    # The public totals are shown when they are 5 or more (otherwise "<5" or "*").
    assert public["monthly"]["total"]["reports"] in (str(by_hand_reports), "<5", "*")
    assert public["monthly"]["total"]["cases"] in (str(by_hand_cases), "<5", "*")
    if by_hand_reports >= 5 and public["monthly"]["total"]["reports"] != "*":
        assert public["monthly"]["total"]["reports"] == str(by_hand_reports)
