"""Whose unread a reporter's message is (triage.threads, issue 17): the officers of its case (or,
in no case, everyone who triages) at once; anyone else who may open it (a supervisor) only once
it reached them: sent after the case closed, or left unread by everyone past the window. A
supervisor who never opened a thread is not buried under every message ever sent."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.access import reports_for
from cases.choices import CaseStatus, ClosureReason
from cases.models import Case
from reports.models import ReportMessage
from reports.services import report_message_add
from tests.cases_data import new_report
from tests.conftest import login_as
from triage import services as ts
from triage.threads import thread_mark_read, unread_messages, unread_total

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def write(report, body="Aku takut", *, hours_ago=0):
    message = report_message_add(report=report, body=body, acting_user=None)
    if hours_ago:
        ReportMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return message


def window(report) -> int:
    return settings.REPORT_RESPONSE_HOURS[report.priority]["acknowledge"]


def unread(user) -> set[int]:
    return set(unread_messages(user).values_list("pk", flat=True))


def read(report, user):
    thread_mark_read(report=report, user=user, up_to=report.messages.order_by("pk").last().pk)


def close(case, *, hours_ago=0):
    closed_at = timezone.now() - timedelta(hours=hours_ago)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_at=closed_at, closure_reason=ClosureReason.GOALS_MET
    )


@pytest.fixture
def accepted(officer):
    report = new_report()
    return report, ts.report_accept(report=report, acting_user=officer)


def test_the_cases_officer_has_every_message_unread_until_read(officer, accepted):
    report, _case = accepted
    old, new = write(report, hours_ago=500), write(report)
    assert unread(officer) == {old.pk, new.pk}
    read(report, officer)
    assert unread(officer) == set()


def test_the_second_officer_too(officer, other_officer, supervisor, accepted):
    report, case = accepted
    Case.objects.filter(pk=case.pk).update(second_officer=other_officer)
    message = write(report)
    assert unread(other_officer) == {message.pk}


def test_a_supervisor_is_not_given_what_the_officer_answers_in_time(officer, supervisor, accepted):
    report, _case = accepted
    fresh = write(report)
    assert unread(officer) == {fresh.pk} and unread(supervisor) == set()
    read(report, officer)
    old = write(report, hours_ago=window(report) + 1)
    # A message the officer read, however old, is never the supervisor's.
    ReportMessage.objects.filter(pk=fresh.pk).update(created_at=timezone.now() - timedelta(hours=500))
    assert unread(supervisor) == {old.pk}


def test_a_message_left_unread_past_the_window_is_the_supervisors_until_someone_reads_it(officer, supervisor, accepted):
    report, _case = accepted
    late = write(report, hours_ago=window(report) + 1)
    assert unread(supervisor) == {late.pk}
    read(report, officer)
    assert unread(supervisor) == set()


def test_a_message_after_closure_is_the_supervisors_those_before_are_not(officer, supervisor, accepted):
    report, case = accepted
    before = write(report, hours_ago=2)
    read(report, officer)
    close(case, hours_ago=1)
    after = write(report)
    assert unread(supervisor) == {after.pk}
    assert unread(officer) == {after.pk}
    assert before.pk not in unread(supervisor)


def test_a_reopened_case_is_the_officers_again(officer, supervisor, accepted):
    report, case = accepted
    close(case)
    on_closed = write(report)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MONITORING, closed_at=None, closure_reason="")
    # Reopened, it is the officer's to answer: the supervisors' only if it stays unread too long.
    assert unread(officer) == {on_closed.pk} and unread(supervisor) == set()


def test_a_report_in_no_case_is_everyones_who_triages(officer, other_officer, supervisor):
    report = new_report()
    message = write(report, hours_ago=1)
    assert unread(officer) == unread(other_officer) == unread(supervisor) == {message.pk}
    read(report, officer)  # per person
    assert unread(officer) == set() and unread(supervisor) == {message.pk}


def test_a_supervisor_who_never_opened_a_thread_is_not_buried(client, officer, supervisor):
    """Many old conversations the officers answered: the supervisor's inbox and case list count
    none of them; the one left unread too long and the one on a closed case count."""
    cases = []
    for _ in range(3):
        report = new_report()
        case = ts.report_accept(report=report, acting_user=officer)
        for hours in (900, 400, 2):
            write(report, hours_ago=hours)
        read(report, officer)
        cases.append((report, case))
    late_report, late_case = cases[0]
    write(late_report, hours_ago=window(late_report) + 1)
    closed_report, closed_case = cases[1]
    close(closed_case, hours_ago=1)
    write(closed_report)

    assert unread_total(supervisor, reports_for(supervisor)) == 2
    login_as(client, supervisor)
    inbox = client.get(reverse("triage:inbox"), follow=True).content.decode()
    assert 'badge-unread">2</span> unread messages from reporters' in inbox
    assert inbox.count("1 unread message</span>") == 2
    case_list = client.get(reverse("cases:list"), {"status": "all"}).content.decode()
    assert case_list.count("1 unread message") == 2 and cases[2][1].reference in case_list
    page = client.get(reverse("cases:detail", args=[cases[2][1].uuid])).content.decode()
    assert "unread message" not in page
    assert "1 unread message" in client.get(reverse("cases:detail", args=[late_case.uuid])).content.decode()


def test_the_sweep_escalates_exactly_what_becomes_the_supervisors(officer, supervisor, accepted):
    from alerts.services import unread_message_sweep

    report, _case = accepted
    late = write(report)
    ReportMessage.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=window(report) + 1))
    assert unread(supervisor) == {late.pk}
    assert unread_message_sweep(now=timezone.now()) == 1


def test_the_supervisors_staff_home_counts_what_is_theirs_to_answer(client, officer, supervisor, accepted):
    report, case = accepted
    login_as(client, supervisor)
    home = reverse("accounts:staff_home")
    write(report, hours_ago=2)  # the officer's to answer: not on the supervisor's home
    assert 'id="unread-messages"' not in client.get(home).content.decode()

    close(case, hours_ago=1)
    write(report, "Aku takut lagi")  # after closure: the supervisor's

    page = client.get(home).content.decode()
    assert 'id="unread-messages"' in page
    assert '<span class="badge badge-unread">1</span> unread message from a reporter waits for you.' in page
