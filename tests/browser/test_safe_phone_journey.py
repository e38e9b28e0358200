"""Journey 7: a safe phone, with JavaScript and without it, at 360 px.

A child reporting on a phone that someone else checks: the tab says nothing about reporting,
the numbers to call are large buttons at the top, a form sent with mistakes says what is wrong
first and each mistake leads to its field, "Tips aman" is there, and Back after the quick exit
never brings back what was typed. Later the child opens the report with the code and reads that
the case is finished, with the officer's last words.
"""

import time
from urllib.parse import urlsplit

import pytest

from .flows import newest_alert_link, open_new_report, unique_marker
from .support import DESKTOP, PHONE, QUICK_EXIT_HOST, Shots, assert_accessible, follow, path_of, submit
from .test_quick_exit import stub_destination

pytestmark = pytest.mark.services

FOLDER = "7-safe-phone"
# Words that would tell whoever looks at the tabs or the history what the visit was about.
TELLING_WORDS = ("lapor", "kekerasan", "report", "violence", "anak", "child")
EMERGENCY = ("tel:112", "tel:110", "tel:129", "https://wa.me/628111129129")
MODES = pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])


def assert_neutral_title(page) -> None:
    title = page.title()
    assert title, f"{page.url} has no title"
    assert not [word for word in TELLING_WORDS if word in title.lower()], f"the tab tells: {title!r}"


def assert_emergency_buttons_on_top(page) -> None:
    """Every number is a button of at least 44 px, on the first screen, inside the 360 px width."""
    for href in EMERGENCY:
        button = page.locator(f"main .emergency-top a[href='{href}']")
        assert button.count() == 1, f"no button for {href} on {page.url}"
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, f"{href} is too small to tap: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{href} is off the screen: {box}"
        assert box["y"] + box["height"] <= PHONE["height"], f"{href} is not on the first screen: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"


def assert_summary_focused(page) -> None:
    """The browser moves the focus (autofocus) at its next rendering after the page loaded."""
    deadline = time.monotonic() + 3
    while (focused := page.evaluate("document.activeElement && document.activeElement.id")) != "error-summary":
        assert time.monotonic() < deadline, f"the focus is on {focused!r}, not on the error summary"
        time.sleep(0.1)


def walk_the_summary_links(page, shots: Shots) -> int:
    """Each link of the error summary leads to the field it names (in view, and focused)."""
    links = page.locator("#error-summary a")
    count = links.count()
    for index in range(count):
        link = links.nth(index)
        target = link.get_attribute("href")
        assert target and target.startswith("#"), target
        field = page.locator(target)
        assert field.count() == 1, f"the summary links to {target}, which is not on the page"
        link.click()
        assert urlsplit(page.url).fragment == target[1:]
        assert field.is_visible() and field.evaluate("el => el === document.activeElement"), f"{target} not focused"
        if index == 0:
            shots(page, "summary-link-followed")
        page.locator("#error-summary").scroll_into_view_if_needed()
    return count


@MODES
def test_a_child_sends_an_empty_form_and_is_led_to_each_mistake(browsing, app, artifacts, javascript):
    shots = Shots(artifacts / FOLDER / f"form-{'js' if javascript else 'nojs'}")
    page = browsing.page(javascript=javascript)
    page.goto(f"{app.base_url}/")
    assert_neutral_title(page)
    follow(page, "main .cta a[href='/lapor/']")
    assert_neutral_title(page)
    assert_emergency_buttons_on_top(page)
    assert page.locator("main form.report-form").get_attribute("autocomplete") == "off"
    tips = page.locator("main details.safety-tips")
    assert tips.count() == 1
    shots(page, "form-top")
    tips.locator("summary").click()
    assert "kertas" in tips.inner_text()  # the code on paper, not a photo
    shots(page, "safety-tips-open", focus="details.safety-tips")

    page.check("input[name='tentang'][value='child_self']")
    submit(page, "main form.report-form button[type=submit]")
    assert page.locator("#id_narrative").count() == 1, page.locator("main").inner_text()
    assert page.locator("main form.report-form").get_attribute("autocomplete") == "off"

    submit(page, "main form.report-form button[type=submit]")
    summary = page.locator("#error-summary")
    assert summary.count() == 1, page.locator("main").inner_text()
    assert summary.is_visible()
    assert_summary_focused(page)
    assert_neutral_title(page)
    shots(page, "summary-focused")
    if javascript:  # axe runs as JavaScript in the page; the markup is the same without it
        assert_accessible(page, "safe-phone-form-errors")
    assert walk_the_summary_links(page, shots) >= 5, summary.inner_text()


@MODES
def test_back_after_the_quick_exit_never_shows_the_story(browsing, app, artifacts, javascript):
    shots = Shots(artifacts / FOLDER / f"back-{'js' if javascript else 'nojs'}")
    page = browsing.page(javascript=javascript)
    visited: list[str] = []
    stub_destination(page, visited)
    story = f"Aku dipukul di rumah tadi malam. [{unique_marker('back')}]"
    page.goto(f"{app.base_url}/")
    page.goto(f"{app.base_url}/lapor/?tentang=child_self")
    page.fill("#id_narrative", story)
    shots(page, "story-typed")

    page.locator("a.quick-exit").click()
    page.wait_for_url(f"https://{QUICK_EXIT_HOST}/**")
    assert urlsplit(page.url).netloc == QUICK_EXIT_HOST and visited, page.url
    shots(page, "left")

    page.go_back()
    page.wait_for_load_state()
    shots(page, "after-back")
    assert story not in page.content()
    if urlsplit(page.url).netloc == QUICK_EXIT_HOST:
        return  # still the other site: nothing of ours shown
    assert_neutral_title(page)
    if javascript:
        # quick-exit.js put the other site in the form's place: Back goes to the page before it.
        assert path_of(page) == "/", page.url
    else:
        # Without JavaScript Back does lead to the form, asked for afresh (no-store), and empty
        # (autocomplete="off": the browser does not put back what was typed).
        assert path_of(page) == "/lapor/" and "tentang=child_self" in page.url, page.url
        assert page.input_value("#id_narrative") == ""


def report_as_the_child(page, base_url: str, *, narrative: str) -> str:
    """A child tells about herself, from the home page; the receipt code as the page shows it."""
    page.goto(f"{base_url}/")
    follow(page, "main .cta a[href='/lapor/']")
    page.check("input[name='tentang'][value='child_self']")
    submit(page, "main form.report-form button[type=submit]")
    page.fill("#id_narrative", narrative)
    page.check("input[name='violence_types'][value='fisik']")
    page.check("input[name='danger_now'][value='no']")
    page.check("input[name='injured'][value='no']")
    page.select_option("#id_kelurahan", label="Gunung Samarinda")
    page.fill("#id_child_age", "13")
    submit(page, "main form.report-form button[type=submit]")
    receipt = page.locator(".receipt-code")
    assert receipt.count() == 1, f"no receipt code: {page.locator('main').inner_text()}"
    return receipt.inner_text().strip()


def write_to_the_reporter(officer, body: str) -> None:
    officer.fill("form[action$='/pesan/'] textarea[name=body]", body)
    submit(officer, "form[action$='/pesan/'] button[type=submit]")
    assert body in officer.locator(".chat-staff").last.inner_text()


def transfer_the_case(officer) -> None:
    action = officer.locator("details#action-transfer")
    action.locator("summary").click()
    action.locator("[name='transfer-receiving_agency']").fill("UPTD PPA Kota Samarinda")
    action.locator("[name='transfer-reason']").fill("Keluarga pindah ke Samarinda.")
    submit(officer, "details#action-transfer button[type=submit]")
    assert officer.locator("main .messages .message-success").count() == 1, officer.locator("main").inner_text()


@MODES
def test_the_child_reads_that_the_case_is_finished_with_the_officers_last_words(
    browsing, app, artifacts, officer_state, javascript
):
    base = app.base_url
    shots = Shots(artifacts / FOLDER / f"closed-{'js' if javascript else 'nojs'}")
    marker = unique_marker("closed")
    officer = browsing.page(viewport=DESKTOP, storage_state=officer_state)
    alert_before = newest_alert_link(officer, base)
    child = browsing.page(javascript=javascript)
    code = report_as_the_child(child, base, narrative=f"Aku sering dipukul kakakku di rumah. [{marker}]")
    assert_neutral_title(child)
    assert child.locator("main details.safety-tips").count() == 1

    # The officer accepts it into a case, writes the last words, and the case closes (the family
    # moved: a transfer closes it at once).
    report_url = open_new_report(officer, base, before=alert_before, narrative=marker)
    submit(officer, "main form[action$='/konfirmasi/'] button[type=submit]")
    submit(officer, "main form[action$='/terima/'] button[type=submit]")
    case_url = officer.url
    assert "/staf/kasus/" in path_of(officer), officer.locator("main").inner_text()
    last_words = f"Kasusmu kami serahkan ke UPTD PPA Samarinda. Kamu tetap bisa menulis di sini. [{marker}]"
    officer.goto(report_url)
    write_to_the_reporter(officer, last_words)
    officer.goto(case_url)
    transfer_the_case(officer)

    child.goto(f"{base}/lapor/status/")
    assert_neutral_title(child)
    assert_emergency_buttons_on_top(child)
    assert child.locator("main form").get_attribute("autocomplete") == "off"
    child.fill("#id_receipt_code", code)
    submit(child)
    assert_neutral_title(child)
    assert_emergency_buttons_on_top(child)
    assert child.locator("main .status-closed").count() == 1, child.locator("main").inner_text()
    closing = child.locator("main blockquote.chat-staff")
    assert last_words in closing.inner_text()
    shots(child, "status-top")
    shots(child, "closed-with-last-words", focus="main blockquote.chat-staff")
    if javascript:
        assert_accessible(child, "safe-phone-status-closed")

    # An empty reply: the summary says so, has the focus and leads to the message box.
    submit(child, "main form[enctype] button[type=submit]")
    assert_summary_focused(child)
    shots(child, "reply-summary-focused")
    assert walk_the_summary_links(child, shots) == 1
    assert child.locator("#id_body").count() == 1
    if javascript:
        assert_accessible(child, "safe-phone-status-reply-errors")
