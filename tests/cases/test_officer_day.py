"""An officer's day on the case page (issue 19): a save returns to its section and says what changed,
the next step shows what is missing instead of a button that fails, a refusal says why at the top,
the child comes from the report, and each report's summary is on the case page."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Case, Child
from cases.services import advance_missing
from reports.models import Report
from tests.cases.test_case_web import assessment_fields
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.reporting import NARRATIVE
from triage import services as ts

pytestmark = pytest.mark.django_db

CHILD_NAME = "Sari Wulandari"


def url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.uuid, *args])


def open_case(officer, **overrides) -> Case:
    overrides.setdefault("child_name", CHILD_NAME)
    overrides.setdefault("child_age", 9)
    return ts.report_accept(report=new_report(**overrides), acting_user=officer)


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_it_returns_to_the_saved_section_with_its_message_there(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    response = client.post(url("add_note", case), {"note-body": "Kunjungan rumah dijadwalkan."})

    assert response.status_code == 302 and response.url == url("detail", case) + "#notes"
    html = client.get(response.url).content.decode()
    assert "Catatan sudah ditambahkan." in section(html, "notes")
    # Shown once, where the officer lands: not also at the top of the page.
    assert html.count("Catatan sudah ditambahkan.") == 1


def test_it_returns_a_new_child_to_the_children_section(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    response = client.post(url("add_child", case), {"child-name": "Budi", "child-age": "7"})

    assert response.url == url("detail", case) + "#children"
    assert "Anak sudah ditambahkan." in section(client.get(response.url).content.decode(), "children")


def test_a_refusal_says_why_at_the_top(client, officer):
    case = open_case(officer)
    login_as(client, officer)

    response = client.post(url("add_note", case), {"note-body": ""})

    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert "Lihat pesan di samping formulir" not in html
    assert re.search(r'<a href="#action-note">[^<]+: [^<]+</a>', summary), summary


def test_the_next_step_lists_everything_missing_instead_of_a_failing_button(client, officer):
    case = open_case(officer)
    case.status = CaseStatus.CASE_PLAN
    case.save(update_fields=["status"])

    missing = advance_missing(case)
    assert [item.section for item in missing] == ["services", "plan"]

    login_as(client, officer)
    actions = section(client.get(url("detail", case)).content.decode(), "actions")
    assert "Sebelum pindah ke Layanan:" in actions
    assert 'href="#services"' in actions and 'href="#plan"' in actions
    assert url("advance", case) not in actions  # no button the service would refuse


def test_the_button_is_offered_when_nothing_is_missing(client, officer):
    case = open_case(officer)
    login_as(client, officer)
    fields = {f"assessment-{key}": value for key, value in assessment_fields().items()}
    assert client.post(url("assess", case), {**fields, "assessment-version": case.version}).status_code == 302

    actions = section(client.get(url("detail", case)).content.decode(), "actions")

    assert url("advance", case) in actions and "Sebelum pindah" not in actions


def test_the_child_comes_from_the_report_with_sex_ages_and_disability(officer):
    occurred = timezone.localdate() - timedelta(days=2 * 365 + 10)
    case = open_case(officer, child_age=9, child_sex="P", child_disability="yes", occurred_on=occurred)

    child = Child.objects.get(case=case)
    assert (child.name, child.sex, child.age, child.age_at_incident, child.disability) == (CHILD_NAME, "P", 9, 7, True)


def test_accepting_into_an_open_case_adds_the_child_it_names_once(officer):
    case = open_case(officer)

    sibling = new_report(child_name="Dimas", child_age=6, child_sex="L")
    ts.report_accept(report=sibling, acting_user=officer, case=case)
    again = new_report(child_name=CHILD_NAME, child_age=9)
    ts.report_accept(report=again, acting_user=officer, case=case)

    assert sorted(child.name for child in Child.objects.filter(case=case)) == ["Dimas", CHILD_NAME]


def test_the_case_page_shows_each_reports_summary(client, officer, head):
    occurred = timezone.localdate() - timedelta(days=3)
    case = open_case(officer, violence_types=["fisik", "psikis"], occurred_on=occurred)
    report = Report.objects.get(case_link__case=case)

    login_as(client, officer)
    summary = section(client.get(url("detail", case)).content.decode(), "case-title")
    assert report.reference in summary and NARRATIVE[:40] in summary
    assert "Fisik" in summary and "Psikis" in summary and "terjadi" in summary

    login_as(client, head)
    hidden = section(client.get(url("detail", case)).content.decode(), "case-title")
    assert report.reference in hidden and "Fisik" in hidden
    assert NARRATIVE[:40] not in hidden  # the head sees no identities
