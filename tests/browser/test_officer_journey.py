"""Journey 3: a report becomes a case and is closed, with both staff members logged in by TOTP.

The officer acknowledges and accepts the report, records the assessment, plans a service and
writes the case plan, which a supervisor approves; then finishes the service, records a
follow-up visit and requests closure; a supervisor approves it.
Each case action is a folded <details id="action-<name>"> whose fields carry the action's
prefix (`assessment-risk_level`). The staff menu holds a logout form, so buttons are looked
for inside <main>.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .flows import newest_alert_link, open_new_report, send_report, unique_marker
from .support import DESKTOP, Shots, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services


def open_action(page, name: str):
    action = page.locator(f"details#action-{name}")
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    return action


def assert_done(page) -> None:
    """A done action redirects to the case page with a success message; a refused one says why."""
    refused = page.locator("main .form-errors, main .error")
    assert refused.count() == 0, "refused: " + " | ".join(refused.all_inner_texts())
    assert page.locator("main .messages .message-success").count() == 1, page.locator("main").inner_text()


def run_action(page, name: str, *, fill=(), choose=()) -> None:
    """Fill one case action (its fields are named `<action>-<field>`), send it, check it was done.

    The forms keep the browser's own checks of required fields: a field left empty by mistake
    shows as a timeout waiting for the next page."""
    action = open_action(page, name)
    for field_name, value in fill:
        widget = action.locator(f"[name='{name}-{field_name}']")
        if isinstance(value, int):  # the n-th option of a select
            widget.select_option(index=value)
        elif widget.evaluate("element => element.tagName") == "SELECT":
            widget.select_option(value)
        else:
            widget.fill(value)
    for field_name, value in choose:
        action.locator(f"input[name='{name}-{field_name}'][value='{value}']").check()
    submit(page, f"details#action-{name} button[type=submit]")
    assert_done(page)


def current_step(page) -> str:
    return page.locator(".case-step[aria-current=step] .case-step-label").inner_text().strip()


def advance(page, expected_step: str) -> None:
    submit(page, "form#action-advance button[type=submit]")
    assert_done(page)
    assert current_step(page) == expected_step


def test_an_officer_takes_a_report_to_a_closed_case_and_a_supervisor_approves(browsing, app, artifacts, authenticator):
    base = app.base_url
    shots = Shots(artifacts / "3-officer")
    today = datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat()
    marker = unique_marker("case")

    # The officer logs in with password and TOTP code.
    officer = browsing.page(viewport=DESKTOP)
    authenticator.login(officer, base, "petugas", shots=shots)
    alert_before = newest_alert_link(officer, base)

    reporter = browsing.page()
    send_report(reporter, base, narrative=f"Seorang anak SD dipukul dengan ikat pinggang oleh pamannya. [{marker}]")

    # Triage: the report from the alert, acknowledged, accepted as a new case.
    report_url = open_new_report(officer, base, before=alert_before, narrative=marker)
    shots(officer, "report-received")
    assert_accessible(officer, "report-detail-new")
    submit(officer, "main form[action$='/konfirmasi/'] button[type=submit]")
    assert officer.locator("main .messages .message-success").count() == 1
    submit(officer, "main form[action$='/terima/'] button[type=submit]")
    assert "/staf/kasus/" in path_of(officer), officer.locator("main").inner_text()
    case_url = officer.url
    reference = officer.locator("#case-title").inner_text()
    assert "BPN-" in reference
    shots(officer, "case-opened")
    assert_accessible(officer, "case-detail-registered")

    # Assessment, then the case plan with one service.
    # The structured assessment: a rating per domain; one rated 2 gives medium risk.
    ratings = [("rating_" + domain, "3") for domain in ("health", "psychological", "family", "education", "legal")]
    run_action(
        officer,
        "assessment",
        fill=[("needs", "Pendampingan psikologis dan pemeriksaan kesehatan.")],
        choose=[("rating_safety", "2"), *ratings],
    )
    assert current_step(officer) == "Asesmen"
    assert "Sedang" in officer.locator("#assessment").inner_text()
    advance(officer, "Rencana penanganan")
    run_action(
        officer, "service", fill=[("service_type", "pendampingan_korban"), ("provider", 1), ("planned_on", today)]
    )
    shots(officer, "service-planned", focus="#services")
    # The case plan: a goal in a recovery domain, sent to the supervisor, who approves it.
    run_action(
        officer,
        "plan_goal",
        fill=[("domain", "safety"), ("goal", "Anak aman di rumah."), ("target_on", today), ("responsible_officer", 1)],
    )
    submit(officer, "form#action-plan_submit button[type=submit]")
    assert_done(officer)
    supervisor = browsing.page(viewport=DESKTOP)
    authenticator.login(supervisor, base, "koordinator", shots=shots)
    supervisor.goto(f"{base}/staf/")
    assert reference.split()[-1] in supervisor.locator("#pending-approvals").inner_text()
    follow(supervisor, f"#pending-approvals a[href^='{path_of(officer)}']")
    assert supervisor.locator("#approval-context").count() == 1
    shots(supervisor, "plan-decision", focus="#plan")
    submit(supervisor, "#action-plan_decision button[value=approve]")
    assert_done(supervisor)
    officer.reload()
    advance(officer, "Layanan")
    assert "Anak aman di rumah." in officer.locator("#plan").inner_text()

    # The service is done.
    follow(officer, "#services a[href*='/layanan/']")
    officer.select_option("#id_status", "done")
    officer.fill("#id_started_on", today)
    officer.fill("#id_completed_on", today)
    officer.check("#id_consent_recorded")
    officer.fill("#id_outcome", "Anak didampingi ke puskesmas dan ke psikolog.")
    assert_accessible(officer, "service-update")
    submit(officer, "main form.case-service-form button[type=submit]")
    assert_done(officer)
    advance(officer, "Pemantauan")

    # A follow-up visit with the recovery scores, then the request to close.
    run_action(
        officer,
        "follow_up",
        fill=[("notes", "Anak kembali bersekolah, paman sudah tidak serumah.")],
        choose=[
            ("safety", "4"),
            ("physical_health", "4"),
            ("emotional_wellbeing", "3"),
            ("schooling", "4"),
            ("family_support", "3"),
        ],
    )
    shots(officer, "follow-up-recorded", focus="#follow-ups")
    # The plan's goal stands against the latest follow-up score of its domain.
    safety_goal = officer.locator("#plan table.plan-goals tbody tr", has_text="Anak aman di rumah.")
    assert safety_goal.locator("td.num").first.inner_text().strip() == "4", officer.locator("#plan").inner_text()
    shots(officer, "plan-against-scores", focus="#plan")
    run_action(
        officer,
        "closure",
        fill=[
            ("explanation", "Tujuan rencana kasus tercapai."),
            ("closing_message", "Terima kasih sudah berani bercerita."),
        ],
        choose=[("reason", "goals_met")],
    )
    assert current_step(officer) == "Penutupan diajukan"
    shots(officer, "closure-requested")

    # The supervisor approves the closure.
    supervisor.goto(case_url)
    assert supervisor.locator("#action-decision").count() == 1, supervisor.locator("main").inner_text()
    proposed = supervisor.locator("#action-decision .case-closing-proposed").inner_text()
    assert "Terima kasih sudah berani bercerita." in proposed, proposed
    shots(supervisor, "supervisor-sees-request", focus="#action-decision")
    submit(supervisor, "#action-decision button[value=approve]")
    assert_done(supervisor)
    # The officer's closing words went to the reporter with the approval, in the case's thread.
    assert "Terima kasih sudah berani bercerita." in supervisor.locator("main").inner_text()
    assert current_step(supervisor) == "Selesai"
    facts = supervisor.locator(".case-facts").inner_text()
    assert "Selesai" in facts and "Tujuan rencana kasus tercapai" in facts, facts
    shots(supervisor, "case-closed")
    assert_accessible(supervisor, "case-detail-closed")

    # The report page says the case, too.
    officer.goto(report_url)
    assert reference.split()[-1] in officer.locator("main .facts").first.inner_text()
