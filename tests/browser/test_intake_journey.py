"""Journey 6: complaints recorded by staff (issue 17), on the 1366×768 laptop screen of the agency.

An officer records a walk-in and accepts it into a case in the same step; then a police
referral with its letter attached (a PDF), which goes through triage like any report: the inbox,
the report page, acknowledged and accepted. The inbox, the case list, the dashboard and the cases
export then show the door each one came in by. Neither the inbox nor the case list scrolls
sideways at this width.
"""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .flows import unique_marker
from .support import LAPTOP, Shots, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services

WALK_IN = "Datang langsung"
REFERRAL = "Rujukan dari lembaga lain"
POLICE = "Polisi (Unit PPA)"
AGENCY = "Unit PPA Polresta Balikpapan"
LETTER_NUMBER = "B/412/XI/2026/Reskrim"
CONTACT_PERSON = "Bripka Contoh Wulandari"
INTAKE = "/staf/pengaduan/baru/"


def tiny_pdf() -> bytes:
    """A one-page PDF that any reader opens: catalog, page tree, page, and a correct xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return body


def fits_the_width(page) -> bool:
    """Neither the page nor a table in it scrolls sideways (a table may wrap its text)."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth
        && [...document.querySelectorAll("main table")].every(
            table => table.offsetWidth <= table.parentElement.clientWidth)"""
    )


def fill_the_questions(page, *, narrative: str, age: str) -> None:
    """The questions the staff form shares with the public one."""
    page.fill("#id_narrative", narrative)
    page.check("input[name='violence_types'][value='fisik']")
    page.check("input[name='danger_now'][value='no']")
    page.check("input[name='injured'][value='no']")
    page.select_option("#id_kelurahan", label="Gunung Samarinda")
    page.fill("#id_child_age", age)


def recorded_reference(page) -> str:
    title = page.locator("#recorded-title")
    assert title.count() == 1, f"the complaint was not recorded: {page.locator('main').inner_text()}"
    return next(word for word in title.inner_text().split() if word.startswith("LP-"))


def row_of(page, table: str, reference: str):
    row = page.locator(f"{table} tbody tr", has=page.locator(f"a:text-is('{reference}')"))
    assert row.count() == 1, f"{reference} is not listed once: {page.locator('main').inner_text()}"
    return row


def test_an_officer_records_a_walk_in_and_a_police_referral_and_both_become_cases(
    browsing, app, artifacts, officer_state, supervisor_state, tmp_path
):
    base = app.base_url
    shots = Shots(artifacts / "6-intake")
    local_today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    officer = browsing.page(viewport=LAPTOP, storage_state=officer_state)

    # A mother walks in. The officer first forgets the consent box: the form asks the officer.
    walk_in = unique_marker("walk-in")
    officer.goto(f"{base}{INTAKE}")
    shots(officer, "intake-form-empty", full_page=True)
    assert_accessible(officer, "intake-form")
    officer.select_option("#id_channel", "walk_in")
    fill_the_questions(officer, narrative=f"Ibu datang ke kantor: anaknya dipukul ayah tirinya. [{walk_in}]", age="8")
    officer.select_option("#id_reporter_role", "parent")
    officer.fill("#id_reporter_name", "Ibu Contoh Fiktif")
    officer.fill("#id_reporter_contact", "0812 0000 0101")
    officer.check("#id_accept")
    submit(officer, "main form.report-form button[type=submit]")
    consent_error = officer.locator(".field-error #id_contact_consent ~ p.error")
    assert consent_error.count() == 1, officer.locator("main").inner_text()
    assert "Catat apakah pelapor setuju dihubungi" in consent_error.inner_text()
    assert "kamu" not in consent_error.inner_text().lower()
    shots(officer, "intake-form-consent-missing", focus="#id_contact_consent")
    assert_accessible(officer, "intake-form-with-errors")

    officer.check("#id_contact_consent")
    officer.fill("#id_contact_consent_note", "Boleh ditelepon sore hari.")
    submit(officer, "main form.report-form button[type=submit]")
    walk_in_report = recorded_reference(officer)
    assert "BPN-" in officer.locator("main .receipt").inner_text(), "the walk-in was not accepted in the same step"
    shots(officer, "walk-in-recorded-and-accepted")
    follow(officer, "main a.button[href^='/staf/kasus/']")
    walk_in_case = officer.locator("#case-title").inner_text().split()[-1]
    assert walk_in_case.startswith("BPN-"), walk_in_case

    # A letter from the police unit arrives, with the letter scanned as a PDF.
    referral = unique_marker("referral")
    letter = tmp_path / "surat-rujukan.pdf"
    letter.write_bytes(tiny_pdf())
    officer.goto(f"{base}{INTAKE}")
    officer.select_option("#id_channel", "referral")
    officer.select_option("#id_source_agency", "police")
    officer.fill("#id_source_agency_name", AGENCY)
    officer.fill("#id_source_letter_number", LETTER_NUMBER)
    officer.fill("#id_source_letter_date", (local_today - timedelta(days=1)).isoformat())
    officer.fill("#id_source_contact_person", CONTACT_PERSON)
    fill_the_questions(
        officer, narrative=f"Rujukan Unit PPA: anak korban pemukulan oleh tetangga. [{referral}]", age="11"
    )
    officer.select_option("#id_reporter_role", "police")
    officer.set_input_files("#id_attachments", str(letter))
    shots(officer, "referral-form-filled", full_page=True)
    submit(officer, "main form.report-form button[type=submit]")
    referral_report = recorded_reference(officer)
    assert "BPN-" not in officer.locator("main .receipt").inner_text()
    shots(officer, "referral-recorded")

    # Triage: the inbox, filtered to referrals, shows it with its agency; the page at this width.
    officer.goto(f"{base}/staf/laporan/")
    officer.locator("details.triage-filter > summary").click()  # the filters are folded until used
    officer.select_option("#id_channel", "referral")
    submit(officer, ".triage-filter form button[type=submit]")
    row = row_of(officer, "table.inbox", referral_report)
    assert f"{REFERRAL} · {POLICE}" in row.inner_text(), row.inner_text()
    assert fits_the_width(officer), "the inbox scrolls sideways at 1366 px"
    shots(officer, "inbox-referrals")
    follow(officer, f"table.inbox a:text-is('{referral_report}')")
    assert referral in officer.locator("blockquote.narrative").inner_text()
    facts = officer.locator("main .facts").first.inner_text()
    assert AGENCY in facts and LETTER_NUMBER in facts and CONTACT_PERSON in facts, facts
    assert officer.locator("main a[href*='/lampiran/']").count() == 1, "the letter is not attached"
    shots(officer, "referral-report-page")
    submit(officer, "main form[action$='/konfirmasi/'] button[type=submit]")
    submit(officer, "main form[action$='/terima/'] button[type=submit]")
    assert "/staf/kasus/" in path_of(officer), officer.locator("main").inner_text()
    referral_case = officer.locator("#case-title").inner_text().split()[-1]
    assert referral_case.startswith("BPN-") and referral_case != walk_in_case

    # Every status, by door: both complaints are listed with the door they came in by. (Filtered by
    # channel: unfiltered, the other journeys' reports may push them to a later page.)
    officer.goto(f"{base}/staf/laporan/?status=all&channel=walk_in")
    assert WALK_IN in row_of(officer, "table.inbox", walk_in_report).inner_text()
    assert fits_the_width(officer), "the inbox scrolls sideways at 1366 px"
    shots(officer, "inbox-every-status")
    officer.goto(f"{base}/staf/laporan/?status=all&channel=referral")
    assert REFERRAL in row_of(officer, "table.inbox", referral_report).inner_text()

    # The officer's case list shows each case's channel, without scrolling sideways.
    officer.goto(f"{base}/staf/kasus/")
    assert WALK_IN in row_of(officer, "table.case-list", walk_in_case).inner_text()
    assert REFERRAL in row_of(officer, "table.case-list", referral_case).inner_text()
    assert fits_the_width(officer), "the case list scrolls sideways at 1366 px"
    shots(officer, "case-list")

    # The supervisor's list of every case (with its officer filter and more columns filled) too.
    supervisor = browsing.page(viewport=LAPTOP, storage_state=supervisor_state)
    supervisor.goto(f"{base}/staf/kasus/?status=all")
    assert REFERRAL in row_of(supervisor, "table.case-list", referral_case).inner_text()
    assert fits_the_width(supervisor), "the list of every case scrolls sideways at 1366 px"
    shots(supervisor, "case-list-every-case", full_page=True)

    # The supervisor's dashboard counts reports by channel, and the cases export names them.
    supervisor.goto(f"{base}/staf/dasbor/")
    by_channel = supervisor.locator("#dash-channel").inner_text()
    assert WALK_IN in by_channel and REFERRAL in by_channel, by_channel
    shots(supervisor, "dashboard-by-channel", focus="#dash-channel-title")
    supervisor.goto(f"{base}/staf/ekspor/")
    with supervisor.expect_download() as download:
        supervisor.locator("main form button[type=submit]").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    channels = rows[0].index("Saluran")
    exported = {row[0]: row[channels] for row in rows[1:]}
    assert exported.get(walk_in_case) == WALK_IN, exported.get(walk_in_case)
    assert exported.get(referral_case) == REFERRAL, exported.get(referral_case)
