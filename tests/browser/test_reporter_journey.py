"""Journeys 1 and 2: a reporter on a small phone, with JavaScript and without it.

They report from the home page, keep the code, later open the report with it, read the
officer's question and answer it. The officer's side happens in the staff pages, logged in
with the second factor.
"""

import pytest

from .flows import newest_alert_link, open_new_report, send_report, unique_marker
from .support import DESKTOP, Shots, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_reporter_follows_the_report_with_the_code_and_answers_the_officer(
    browsing, app, artifacts, officer_state, javascript
):
    base = app.base_url
    shots = Shots(artifacts / ("1-reporter-js" if javascript else "2-reporter-nojs"))
    marker = unique_marker("reporter")
    officer = browsing.page(viewport=DESKTOP, storage_state=officer_state)
    alert_before = newest_alert_link(officer, base)

    reporter = browsing.page(javascript=javascript)
    code = send_report(
        reporter,
        base,
        narrative=f"Anak tetangga sering dipukul ayahnya malam hari dan terdengar menangis. [{marker}]",
        shots=shots,
    )
    if javascript:  # axe runs as JavaScript in the page; the markup is the same without it
        assert_accessible(reporter, "report-sent")

    # The officer on duty is alerted, opens the report and asks the reporter a question.
    open_new_report(officer, base, before=alert_before, narrative=marker)
    question = f"Terima kasih sudah melapor. Apakah anak itu aman malam ini? [{marker}]"
    officer.fill("form[action$='/pesan/'] textarea[name=body]", question)
    submit(officer, "form[action$='/pesan/'] button[type=submit]")
    assert question in officer.locator(".chat-staff").last.inner_text()
    shots(officer, "officer-asks-a-question", focus=".chat-staff")

    # Later, the reporter opens the report with the code from the home page.
    reporter.goto(f"{base}/")
    follow(reporter, "main .cta a[href='/lapor/status/']")
    assert path_of(reporter) == "/lapor/status/"
    reporter.fill("#id_receipt_code", code)
    shots(reporter, "status-code-typed")
    submit(reporter)
    staff_message = reporter.locator("article.chat-staff")
    assert staff_message.count() == 1, reporter.locator("main").inner_text()
    assert question in staff_message.inner_text()
    shots(reporter, "status-shows-officer-message", focus="article.chat-staff")
    if javascript:
        assert_accessible(reporter, "status-with-thread")

    reply = f"Anaknya masih di rumah itu. Tadi malam terdengar lagi. [{marker}]"
    reporter.fill("#id_body", reply)
    submit(reporter)
    assert reporter.locator("main .message[role=status]").count() == 1, reporter.locator("main").inner_text()
    thread = reporter.locator("article.chat")
    assert [thread.nth(i).get_attribute("class") for i in range(thread.count())] == [
        "chat chat-staff",
        "chat chat-reporter",
    ]
    assert reply in reporter.locator("article.chat-reporter").inner_text()
    shots(reporter, "reply-in-thread", focus="article.chat-reporter")

    # The officer sees the answer on the report page.
    officer.reload()
    assert reply in officer.locator(".chat-reporter").inner_text()
    shots(officer, "officer-reads-reply", focus=".chat-reporter")
