"""Journey 5: the quick-exit control leaves the site at once, with JavaScript and without it.

Its destination (a weather search) is answered by a stub here: the test needs no internet,
and nothing leaves the machine.
"""

from urllib.parse import urlsplit

import pytest

from .support import QUICK_EXIT_HOST, Shots, path_of

pytestmark = pytest.mark.services

STUB = (
    "<!doctype html><html lang='id'><title>Cuaca Balikpapan</title><h1>Cuaca Balikpapan hari ini</h1>"
    "<p>(The test's stand-in for the quick-exit destination.)</p></html>"
)
REPORT_PAGES = {"report-form": "/lapor/", "status-form": "/lapor/status/", "home": "/"}


def stub_destination(page, visited: list[str]) -> None:
    def answer(route):
        visited.append(route.request.url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=STUB)

    page.route(f"https://{QUICK_EXIT_HOST}/**", answer)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_quick_exit_leaves_the_site(browsing, app, artifacts, javascript, name):
    start = REPORT_PAGES[name]
    shots = Shots(artifacts / "5-quick-exit" / f"{name}-{'js' if javascript else 'nojs'}")
    page = browsing.page(javascript=javascript)
    visited: list[str] = []
    stub_destination(page, visited)
    page.goto(f"{app.base_url}/")
    if start != "/":
        page.goto(f"{app.base_url}{start}")
    assert path_of(page) == start
    history_before = page.evaluate("history.length") if javascript else None
    control = page.locator("a.quick-exit")
    assert control.is_visible() and control.bounding_box()["y"] < 100, "the control is not at the top of the screen"
    shots(page, "before")

    control.click()
    # Through /keluar/, whose refresh (no script needed) leads on to the destination.
    page.wait_for_url(f"https://{QUICK_EXIT_HOST}/**")

    assert urlsplit(page.url).netloc == QUICK_EXIT_HOST, page.url
    assert not page.url.startswith(app.base_url)
    assert visited, "the destination was never asked for"
    assert page.locator("h1").inner_text() == "Cuaca Balikpapan hari ini"
    if javascript:
        # quick-exit.js replaces the page in the history instead of adding one after it, so
        # the Back button does not lead back to the page the person was on.
        assert page.evaluate("history.length") == history_before
    shots(page, "after")
