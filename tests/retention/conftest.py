"""Records of every kind the retention schedule reads, dated back as the rules need."""

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, ClosureReason
from cases.models import Case
from reports.choices import Channel
from reports.models import Report
from reports.services import report_submit
from tests.reporting import report_input
from triage.services import report_accept, report_mark_duplicate, report_reject


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def date_back(report: Report, when) -> Report:
    Report.objects.filter(pk=report.pk).update(received_at=when)
    report.refresh_from_db()
    return report


def rejected(officer, *, received, reason="spam", files=(), **fields):
    """A submitted report (with its receipt code), rejected, received at `received`."""
    submitted = report_submit(data=report_input(**fields), files=files, channel=Channel.WEB, acting_user=None)
    report_reject(report=submitted.report, reason=reason, acting_user=officer)
    date_back(submitted.report, received)
    return submitted


def duplicate(officer, *, received):
    original = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    copy = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    report_mark_duplicate(report=copy, of_report=original, acting_user=officer)
    return date_back(copy, received)


def a_case(officer, **report_fields) -> Case:
    submitted = report_submit(data=report_input(**report_fields), channel=Channel.WEB, acting_user=None)
    return report_accept(report=submitted.report, acting_user=officer)


def close(case: Case, *, when) -> Case:
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=when, closure_reason=ClosureReason.GOALS_MET
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def now():
    return timezone.now()
