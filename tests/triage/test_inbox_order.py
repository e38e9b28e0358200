"""The inbox of an officer's day (issue 19): within a priority the unacknowledged reports (their clock
is running) come first, each row says who handles the report, and the filters fold away."""

import re

import pytest
from django.urls import reverse

from reports.models import Report
from tests.cases_data import new_report
from tests.conftest import login_as
from triage import services as ts
from triage.selectors import report_inbox

pytestmark = pytest.mark.django_db

INBOX = reverse("triage:inbox")
API = reverse("api-report-submit")  # GET is the inbox (core.routing.by_method)


def test_unacknowledged_reports_come_first_within_a_priority(officer):
    earlier = new_report()
    later = new_report()
    assert earlier.priority == later.priority and earlier.acknowledge_due_at < later.acknowledge_due_at
    ts.report_acknowledge(report=earlier, acting_user=officer)

    assert list(report_inbox(user=officer)) == [later, earlier]


def test_priority_still_comes_before_acknowledgement(officer):
    normal = new_report()
    urgent = new_report(danger_now="yes")
    ts.report_acknowledge(report=urgent, acting_user=officer)

    assert list(report_inbox(user=officer)) == [urgent, normal]


def test_the_api_lists_in_the_same_order(client, officer):
    earlier, later = new_report(), new_report()
    ts.report_acknowledge(report=earlier, acting_user=officer)
    login_as(client, officer)

    listed = [item["reference"] for item in client.get(API).json()["results"]]

    assert listed == [later.reference, earlier.reference]


def name_of(user) -> str:
    return user.get_full_name() or user.username


def row_of(html: str, report: Report) -> str:
    start = html.index(report.reference)
    return html[start : html.index("</tr>", start)]


def test_each_row_says_who_handles_the_report(client, officer, supervisor):
    waiting = new_report()
    seen = new_report()
    ts.report_acknowledge(report=seen, acting_user=supervisor)
    accepted = new_report()
    ts.report_accept(report=accepted, acting_user=officer)
    login_as(client, officer)

    html = client.get(INBOX, {"status": "all"}).content.decode()

    assert "Ditangani oleh" in html
    assert "Belum ada" in row_of(html, waiting)
    assert name_of(supervisor) in row_of(html, seen)
    assert name_of(officer) in row_of(html, accepted)


def test_the_handler_costs_no_query_per_row(client, officer, django_assert_max_num_queries):
    for _ in range(3):
        ts.report_acknowledge(report=new_report(), acting_user=officer)
    login_as(client, officer)
    client.get(INBOX)
    with django_assert_max_num_queries(30) as few:
        client.get(INBOX)
    for _ in range(6):
        ts.report_acknowledge(report=new_report(), acting_user=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INBOX)


def test_the_filters_are_folded_unless_one_is_chosen(client, officer):
    new_report()
    login_as(client, officer)

    folded = client.get(INBOX).content.decode()
    chosen = client.get(INBOX, {"priority": "biasa"}).content.decode()

    assert re.search(r'<details class="card triage-filter">', folded)
    assert re.search(r'<details class="card triage-filter" open>', chosen)
