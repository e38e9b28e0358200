"""The privacy notice from the report form, on a phone: the footer link on /lapor/ leads to it, the
child's version is one link further, and axe-core finds nothing on either (issue 21)."""

import pytest

from .support import PHONE, Shots, assert_accessible, path_of

pytestmark = pytest.mark.services


def test_the_privacy_notice_is_reached_from_the_report_form_and_passes_axe(browsing, app, artifacts):
    shots = Shots(artifacts / "10-privacy")
    page = browsing.page(viewport=PHONE)
    page.goto(f"{app.base_url}/lapor/")

    with page.expect_navigation():
        page.locator("footer a[href='/privasi/']").click()

    assert path_of(page) == "/privasi/"
    assert page.title() == "Layanan Kota Balikpapan"
    assert page.locator("h1").inner_text() == "Cara kami menjaga data Anda"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    assert_accessible(page, "privacy-notice")
    shots(page, "privacy-notice", full_page=True)

    with page.expect_navigation():
        page.locator("main a[href='/privasi/anak/']").first.click()

    assert path_of(page) == "/privasi/anak/"
    assert page.locator("h1").inner_text() == "Apa yang terjadi dengan ceritamu"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    assert_accessible(page, "privacy-notice-child")
    shots(page, "privacy-notice-child", full_page=True)
