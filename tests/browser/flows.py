"""Steps that more than one journey takes: sending a report, and an officer finding it."""

import secrets
import time

from .support import Shots, follow, path_of, submit

ALERT_WAIT_SECONDS = 30


def unique_marker(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def send_report(page, base_url: str, *, narrative: str, shots: Shots | None = None) -> str:
    """From the home page, open the form, fill it as a neighbour would, send it; return the
    receipt code exactly as the confirmation page shows it."""
    page.goto(f"{base_url}/")
    if shots:
        shots(page, "home")
    follow(page, "main .cta a[href='/lapor/']")
    assert path_of(page) == "/lapor/"
    # Step 1: who is it about. A neighbour is an adult reporting for a child.
    page.check("input[name='tentang'][value='adult']")
    submit(page, "main form.report-form button[type=submit]")
    assert path_of(page) == "/lapor/" and "tentang=adult" in page.url, page.url
    page.fill("#id_narrative", narrative)
    page.check("input[name='violence_types'][value='fisik']")
    page.check("input[name='danger_now'][value='no']")
    page.check("input[name='injured'][value='no']")
    page.select_option("#id_kelurahan", label="Gunung Samarinda")
    page.fill("#id_child_age", "9")
    page.check("input[name='reporter_relation'][value='neighbour']")
    if shots:
        shots(page, "report-form-filled", full_page=True)
    submit(page, "main form.report-form button[type=submit]")
    receipt = page.locator(".receipt-code")
    assert receipt.count() == 1, f"the page after sending shows no receipt code: {page.locator('main').inner_text()}"
    code = receipt.inner_text().strip()
    assert len(code.replace(" ", "")) == 16 and code.replace(" ", "").isdigit(), f"not a receipt code: {code!r}"
    if shots:
        shots(page, "receipt-code-shown")
    return code


def newest_alert_link(page, base_url: str) -> str | None:
    page.goto(f"{base_url}/staf/notifikasi/")
    link = page.locator("li.alert-item a.alert-ref").first
    return link.get_attribute("href") if link.count() else None


def open_new_report(page, base_url: str, *, before: str | None, narrative: str) -> str:
    """The officer on duty is alerted in the application (the Celery worker delivers it): open
    the newest notification once it is there, and check it is the report just sent."""
    deadline = time.monotonic() + ALERT_WAIT_SECONDS
    while True:
        href = newest_alert_link(page, base_url)
        if href and href != before:
            break
        assert time.monotonic() < deadline, "no alert about the new report reached the officer's notifications"
        time.sleep(1)
    follow(page, f"li.alert-item a.alert-ref[href='{href}']")
    assert narrative in page.locator("blockquote.narrative").inner_text(), "the newest alert is about another report"
    return page.url
