"""Each rule of the retention schedule: what is due, what is not yet, the boundaries, and the
legal hold (a supervisor's, an open legal process) that stops a case's erasure."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import legal
from cases.choices import LegalStage
from cases.legal_hold import case_legal_hold_place
from cases.models import Case, CaseReport
from cases.retention import ClosedCases
from cases.services import ChildInput, case_add_child
from core.retention import add_years
from outreach.models import OutreachPhoto, OutreachSession
from outreach.retention import OldOutreachPhotos
from outreach.services import outreach_session_log
from reports.models import ReportMessage
from reports.retention import DuplicateReports, RejectedReports
from reports.services import report_message_add
from tests.outreach_data import session_input
from tests.reporting import jpeg_upload
from tests.retention.conftest import a_case, close, duplicate, rejected

pytestmark = pytest.mark.django_db


def due(eraser, now) -> set:
    return {item.record.pk for item in eraser.due(now)}


# --- rejected reports: 90 days -----------------------------------------------------------------------


def test_a_rejected_report_goes_90_days_after_it_came_and_not_a_minute_before(officer, now):
    gone = rejected(officer, received=now - timedelta(days=90)).report
    kept = rejected(officer, received=now - timedelta(days=90) + timedelta(minutes=1), reason="no_violence").report

    assert due(RejectedReports(), now) == {gone.pk}
    assert kept.pk in due(RejectedReports(), now + timedelta(minutes=1))


def test_the_days_follow_the_setting(officer, now, settings):
    report = rejected(officer, received=now - timedelta(days=40)).report
    assert due(RejectedReports(), now) == set()

    settings.RETENTION_SPAM_AND_REJECTED_DAYS = 30

    assert due(RejectedReports(), now) == {report.pk}


def test_a_message_in_the_thread_starts_the_days_again(officer, now):
    report = rejected(officer, received=now - timedelta(days=200)).report
    report_message_add(report=report, body="Tolong dibaca lagi, ini sungguhan.", acting_user=None)
    ReportMessage.objects.filter(report=report).update(created_at=now - timedelta(days=30))

    assert due(RejectedReports(), now) == set()
    assert due(RejectedReports(), now + timedelta(days=60)) == {report.pk}


def test_a_waiting_or_accepted_report_is_not_rejected_and_stays(officer, now):
    case = a_case(officer)
    report = case.case_reports.get().report
    type(report).objects.filter(pk=report.pk).update(received_at=now - timedelta(days=400))

    assert due(RejectedReports(), now) == set()
    assert due(DuplicateReports(), now) == set()


def test_a_report_linked_to_a_case_is_left_to_the_case(officer, now):
    report = rejected(officer, received=now - timedelta(days=365)).report
    case = a_case(officer)
    CaseReport.objects.create(case=case, report=report)

    assert due(RejectedReports(), now) == set()


# --- duplicates: a year ------------------------------------------------------------------------------


def test_a_duplicate_goes_a_year_after_it_came(officer, now):
    gone = duplicate(officer, received=add_years(now, -1))
    kept = duplicate(officer, received=add_years(now, -1) + timedelta(minutes=1))

    assert due(DuplicateReports(), now) == {gone.pk}
    assert kept.pk not in due(RejectedReports(), now)


# --- closed cases: ten years, and the youngest child 21 ------------------------------------------------


def test_a_closed_case_without_known_ages_goes_ten_years_after_closing(officer, now):
    gone = close(a_case(officer), when=add_years(now, -10))
    kept = close(a_case(officer), when=add_years(now, -10) + timedelta(minutes=1))
    still_open = a_case(officer)
    Case.objects.filter(pk=still_open.pk).update(opened_at=add_years(now, -20))

    assert due(ClosedCases(), now) == {gone.pk}
    assert kept.pk not in due(ClosedCases(), now)


def _case_with_birth_date(officer, *, born, closed):
    case = a_case(officer)
    Case.objects.filter(pk=case.pk).update(occurred_on=born.replace(year=born.year + 10))
    case.refresh_from_db()
    case_add_child(case=case, data=ChildInput(name="Sinta", birth_date=born, sex="P"), acting_user=officer)
    return close(case, when=closed)


def test_a_closed_case_waits_until_its_youngest_child_turns_21(officer, now):
    today = timezone.localdate(now)
    closed = add_years(now, -12)
    gone = _case_with_birth_date(officer, born=add_years(today, -21), closed=closed)
    kept = _case_with_birth_date(officer, born=add_years(today, -21) + timedelta(days=1), closed=closed)

    assert due(ClosedCases(), now) == {gone.pk}
    assert kept.pk in due(ClosedCases(), now + timedelta(days=2))


def test_without_a_birth_date_the_age_at_the_incident_counts_never_early(officer, now):
    today = timezone.localdate(now)
    # A child of 8 at the incident is 21 at the latest 13 years after it.
    gone = a_case(officer, child_name="Budi", child_age=8)
    kept = a_case(officer, child_name="Wati", child_age=8)
    Case.objects.filter(pk=gone.pk).update(occurred_on=add_years(today, -13))
    Case.objects.filter(pk=kept.pk).update(occurred_on=add_years(today, -13) + timedelta(days=1))
    close(gone, when=add_years(now, -11))
    close(kept, when=add_years(now, -11))

    assert gone.children.get().age_at_incident == 8
    assert due(ClosedCases(), now) == {gone.pk}


def test_the_later_of_the_two_counts_the_years_too(officer, now):
    # The child is an adult long ago, but the case closed nine years ago.
    case = _case_with_birth_date(officer, born=add_years(timezone.localdate(now), -40), closed=add_years(now, -9))

    assert due(ClosedCases(), now) == set()
    assert due(ClosedCases(), add_years(now, 1)) == {case.pk}


def test_a_supervisors_legal_hold_stops_it(officer, supervisor, now):
    case = close(a_case(officer), when=add_years(now, -11))
    assert due(ClosedCases(), now) == {case.pk}

    case_legal_hold_place(
        case=case, reason="Penyidik meminta berkas disimpan.", expected_version=case.version, acting_user=supervisor
    )

    assert due(ClosedCases(), now) == set()


def test_an_open_legal_process_stops_it(officer, now):
    case = a_case(officer)
    legal.legal_record_update(
        case=case, data=legal.LegalRecordInput(stage=LegalStage.INVESTIGATION), expected_version=1, acting_user=officer
    )
    close(case, when=add_years(now, -11))

    assert due(ClosedCases(), now) == set()

    case.legal.__class__.objects.filter(case=case).update(stage=LegalStage.VERDICT)
    assert due(ClosedCases(), now) == {case.pk}


def test_a_deidentified_case_is_not_due_again(officer, now):
    case = close(a_case(officer), when=add_years(now, -11))
    Case.objects.filter(pk=case.pk).update(deidentified_at=now)

    assert due(ClosedCases(), now) == set()


# --- outreach photos: two years ----------------------------------------------------------------------


def test_a_session_photo_goes_two_years_after_the_session(volunteer, rt, now):
    old = outreach_session_log(data=session_input(rt), photos=[jpeg_upload()], acting_user=volunteer)
    recent = outreach_session_log(
        data=session_input(rt, held_on=timezone.localdate(now) - timedelta(days=3)),
        photos=[jpeg_upload()],
        acting_user=volunteer,
    )
    OutreachSession.objects.filter(pk=old.pk).update(held_on=add_years(timezone.localdate(now), -2) - timedelta(days=1))
    OutreachPhoto.objects.filter(session=old).update(created_at=add_years(now, -2) - timedelta(days=1))
    OutreachSession.objects.filter(pk=recent.pk).update(
        held_on=add_years(timezone.localdate(now), -2) + timedelta(days=1)
    )

    assert due(OldOutreachPhotos(), now) == {old.photos.get().pk}


def test_a_photo_of_an_old_session_uploaded_late_waits_from_the_upload(volunteer, rt, now):
    session = outreach_session_log(data=session_input(rt), photos=[jpeg_upload()], acting_user=volunteer)
    OutreachSession.objects.filter(pk=session.pk).update(held_on=add_years(timezone.localdate(now), -3))

    assert due(OldOutreachPhotos(), now) == set()
