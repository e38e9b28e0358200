"""The head of agency's landing (issue 19): the dashboard opens with its headline figures (reports
this month, urgent reports acknowledged in time, open cases, children served) before any chart;
chart names are whole and the month legend is text that wraps."""

import re

import pytest
from django.urls import reverse

from accounts.views import _start_page
from tests.cases_data import new_report
from tests.conftest import login_as
from triage.services import report_accept, report_acknowledge

pytestmark = pytest.mark.django_db

URL = reverse("dashboard_staff:index")


def headline(html: str, key: str) -> str:
    found = re.search(rf'data-headline="{key}"><span class="headline-value">([^<]+)</span>', html)
    assert found, key
    return found[1]


def test_the_head_lands_on_the_dashboard_asked_by_capability(head, supervisor, officer, volunteer, sysadmin):
    assert _start_page(head) == "dashboard_staff:index"
    assert _start_page(officer) == "triage:inbox"
    assert _start_page(volunteer) == "outreach:home"
    assert _start_page(supervisor) is None and _start_page(sysadmin) is None


def test_the_dashboard_opens_with_the_headline_figures(client, head, officer):
    urgent = new_report(danger_now="yes")
    report_acknowledge(report=urgent, acting_user=officer)
    report_accept(report=urgent, acting_user=officer)
    new_report()
    login_as(client, head)

    html = client.get(URL).content.decode()

    assert headline(html, "reports_month") == "2"
    assert headline(html, "urgent_in_time") == "100%"
    assert headline(html, "open_cases") == "1"
    assert headline(html, "children_served") == "0"
    assert html.index('id="dash-headlines"') < html.index("<svg")


def test_chart_names_are_whole_and_the_legend_is_text(client, head, officer):
    report_accept(report=new_report(violence_types=["penelantaran", "eksploitasi"]), acting_user=officer)
    login_as(client, head)

    html = client.get(URL).content.decode()

    assert "…</text>" not in html
    assert re.search(r'<ul class="chart-legend dash-legend">\s*<li>', html)
