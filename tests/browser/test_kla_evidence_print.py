"""The KLA evidence page as the head of agency sees it (issue 20): on screen at 1366 px, and printed on
A4 without the navigation, in few pages."""

import re

import pytest

from tests.browser.conftest import _logged_in_state
from tests.browser.support import assert_accessible

WIDE = {"width": 1366, "height": 900}
A4_MAX_PAGES = 3


@pytest.fixture(scope="module")
def head_state(browser, app, authenticator):
    """The demo's head of agency (`kepala`), logged in with the second factor."""
    return _logged_in_state(browser, app, authenticator, "kepala", WIDE)


def test_the_head_prints_the_kla_evidence_on_a4(browsing, app, artifacts, head_state):
    folder = artifacts / "kla"
    folder.mkdir(parents=True, exist_ok=True)
    page = browsing.page(viewport=WIDE, storage_state=head_state)

    page.goto(f"{app.base_url}/staf/dasbor/")
    page.screenshot(path=str(folder / "00-dashboard-headlines.png"))
    page.locator('[data-headline="children_served"] a.headline-link').click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{app.base_url}/staf/dasbor/kla/?start=")
    assert page.locator("h1").inner_text().startswith("Bukti KLA")
    for key in ("served", "simfoni", "monitoring", "participation", "partners"):
        assert page.locator(f"#kla-{key}").is_visible()
    page.screenshot(path=str(folder / "01-kla-1366.png"), full_page=True)
    assert_accessible(page, "kla-evidence")

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".kla-screen-only").is_visible()
    assert page.locator(".kla-agency").is_visible() and page.locator(".kla-printed").is_visible()
    page.screenshot(path=str(folder / "02-kla-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=False, prefer_css_page_size=True)
    (folder / "kla.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= A4_MAX_PAGES, pages
