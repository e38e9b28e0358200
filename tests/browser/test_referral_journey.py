"""Journey 7: a referral with consent and its letter, then a transfer and its hand-over packet (issue 18).

The officer opens one of their demo cases in the services step, refers the child to RS Bhayangkara
with consent for the chronology only, prints the letter (A4, Indonesian; the child's name is not in
it), then transfers the case to the UPTD PPA of Samarinda: the case closes read-only and its
hand-over packet prints on A4 with the child's initials only.
"""

import re

import pytest

from .flows import unique_marker
from .support import DESKTOP, Shots, assert_accessible, follow, submit
from .test_officer_journey import assert_done, open_action

pytestmark = pytest.mark.services

A4_POINTS = (595.28, 841.89)  # 210 × 297 mm in PDF points: the MediaBox of every page


def printed_on_a4(page) -> bytes:
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert sizes and all(abs(float(w) - A4_POINTS[0]) < 1 and abs(float(h) - A4_POINTS[1]) < 1 for w, h in sizes), sizes
    return pdf


def test_an_officer_refers_with_consent_prints_the_letter_and_transfers_the_case(
    browsing, app, artifacts, officer_state
):
    base = app.base_url
    shots = Shots(artifacts / "7-referral")
    request = unique_marker("rujukan")
    letter_number = unique_marker("400.2/UPTD-PPA")

    page = browsing.page(viewport=DESKTOP, storage_state=officer_state)
    page.goto(f"{base}/staf/kasus/")
    links = page.locator("main table a[href*='/staf/kasus/']")
    case_urls = [f"{base}{links.nth(i).get_attribute('href')}" for i in range(links.count())]
    child_names: list[str] = []
    for case_url in case_urls:  # one of their open cases that names a child
        page.goto(case_url)
        child_names = [n.strip() for n in page.locator("#children table tbody th").all_inner_texts() if n.strip()]
        if child_names and page.locator("details#action-referral").count():
            break
    assert child_names, "the demo gives the officer an open case with a named child"

    # The referral, with consent for the chronology only.
    action = open_action(page, "referral")
    action.locator("select[name='referral-provider']").select_option(label="RS Bhayangkara Balikpapan")
    action.locator("[name='referral-request']").fill(f"Pemeriksaan dan visum. {request}")
    action.locator("input[name='referral-consent_items'][value='chronology']").check()
    action.locator("[name='referral-consent_given_by']").fill("Ibu kandung (contoh)")
    action.locator("[name='referral-letter_number']").fill(letter_number)
    shots(page, "referral-form", focus="#action-referral")
    submit(page, "details#action-referral button[type=submit]")
    assert_done(page)
    assert_accessible(page, "case-with-referrals")
    row = page.locator("#referrals tr", has_text=letter_number)
    assert "Terkirim" in row.inner_text() or "Sent" in row.inner_text()

    # The letter: Indonesian, on A4, only what the consent covers.
    follow(page, f"#referrals tr:has-text('{letter_number}') a[href*='/surat/']")
    text = page.locator("body").inner_text()
    assert "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana Kota Balikpapan" in text
    assert letter_number in text and request in text and "kronologi" in text.lower()
    for name in child_names:
        assert name not in text, "the child's name printed without consent"
    shots(page, "referral-letter", full_page=True)
    assert_accessible(page, "referral-letter")
    (artifacts / "7-referral" / "referral-letter.pdf").write_bytes(printed_on_a4(page))

    # The transfer: the case closes read-only and prints its hand-over packet.
    page.goto(case_url)
    action = open_action(page, "transfer")
    action.locator("[name='transfer-receiving_agency']").fill("UPTD PPA Kota Samarinda")
    action.locator("[name='transfer-letter_number']").fill(f"{letter_number}-P")
    action.locator("[name='transfer-reason']").fill("Keluarga pindah ke Samarinda (contoh).")
    submit(page, "details#action-transfer button[type=submit]")
    assert_done(page)
    assert page.locator("details#action-referral").count() == 0
    assert page.locator("details#action-transfer").count() == 0
    shots(page, "transferred", focus="#referrals")

    follow(page, "#referrals a[href$='/pindah/paket/']")
    packet = page.locator("body").inner_text()
    assert "UPTD PPA Kota Samarinda" in packet and letter_number in packet
    for name in child_names:
        assert name not in packet, "the child's name is not in the hand-over packet"
    shots(page, "hand-over-packet", full_page=True)
    assert_accessible(page, "hand-over-packet")
    (artifacts / "7-referral" / "hand-over-packet.pdf").write_bytes(printed_on_a4(page))
