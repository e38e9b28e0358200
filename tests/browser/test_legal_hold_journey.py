"""Journey 11: the legal hold on a case (issue 21).

A supervisor, on a phone 360 px wide, opens a demo case, holds its data with a reason, sees the
hold in the case's panel, then releases it through the confirmation page. The panel and the
confirmation page have no accessibility violation, and neither is wider than the screen."""

import pytest

from .flows import unique_marker
from .support import PHONE, Shots, assert_accessible, follow, submit
from .test_officer_journey import open_action

pytestmark = pytest.mark.services


def assert_fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen"


def test_a_supervisor_places_and_releases_a_legal_hold(browsing, app, artifacts, supervisor_state):
    base = app.base_url
    shots = Shots(artifacts / "11-legal-hold")
    reason = unique_marker("Surat Polresta Balikpapan B/")

    page = browsing.page(viewport=PHONE, storage_state=supervisor_state)
    page.goto(f"{base}/staf/kasus/")
    follow(page, "main table a[href*='/staf/kasus/']")
    panel = page.locator("#legal-hold")
    assert panel.count() == 1, page.locator("main").inner_text()

    open_action(page, "legal_hold")
    page.locator("[name='legal_hold-reason']").fill("terlalu")
    submit(page, "details#action-legal_hold button[type=submit]")
    error = page.locator("#id_legal_hold-reason_error")
    assert error.count() == 1 and "10" in error.inner_text(), page.locator("main").inner_text()
    shots(page, "hold-refused", focus="#action-legal_hold")
    assert_accessible(page, "case-legal-hold-refused")

    page.locator("[name='legal_hold-reason']").fill(reason)
    submit(page, "details#action-legal_hold button[type=submit]")
    assert page.locator("#legal-hold .messages .message-success").count() == 1, panel.inner_text()
    assert reason in page.locator("#legal-hold .legal-hold-reason").inner_text()
    assert page.locator("details#action-legal_hold").count() == 0
    shots(page, "held", focus="#legal-hold")
    assert_fits(page)
    assert_accessible(page, "case-legal-hold")

    follow(page, "#legal-hold .legal-hold-tools a")
    assert page.locator("main h1").count() == 1 and reason in page.locator("main").inner_text()
    shots(page, "release-confirm", full_page=True)
    assert_fits(page)
    assert_accessible(page, "case-legal-hold-release")

    submit(page, "main form.legal-hold-release button[type=submit]")
    assert page.locator("#legal-hold .messages .message-success").count() == 1, page.locator("main").inner_text()
    assert page.locator("#legal-hold .legal-hold-reason").count() == 0
    assert page.locator("details#action-legal_hold").count() == 1
    shots(page, "released", focus="#legal-hold")
