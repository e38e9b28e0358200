"""Journey 8: the legal process of a case (issue 18, UU TPKS).

The officer opens one of their open demo cases, records that the report went to the police with the
police unit, then the legal record (stage, police report number, visum, restitution) and a court
hearing; the case page shows them, and has no serious accessibility violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .flows import unique_marker
from .support import DESKTOP, Shots, assert_accessible, follow
from .test_officer_journey import open_action, run_action

pytestmark = pytest.mark.services


def test_an_officer_records_the_legal_process_of_a_case(browsing, app, artifacts, officer_state):
    base = app.base_url
    shots = Shots(artifacts / "8-legal")
    number = unique_marker("LP/B")

    page = browsing.page(viewport=DESKTOP, storage_state=officer_state)
    page.goto(f"{base}/staf/kasus/")
    follow(page, "main table a[href*='/staf/kasus/']")
    assert page.locator("#legal").count() == 1, page.locator("main").inner_text()

    if page.locator("details#action-police_refer").count():
        run_action(page, "police_refer", fill=[("police_unit", "Unit PPA Polresta Balikpapan")])
    open_action(page, "legal")
    shots(page, "legal-form", focus="#action-legal")
    today = timezone.localdate().isoformat()
    run_action(
        page,
        "legal",
        fill=[
            ("stage", "penyidikan"),
            ("police_report_number", number),
            ("visum_requested_on", today),
            ("visum_done_on", today),
            ("restitution", "requested"),
        ],
    )
    held_at = (timezone.localtime() + timedelta(days=7)).replace(hour=9, minute=0)
    run_action(page, "hearing", fill=[("held_at", held_at.strftime("%Y-%m-%dT%H:%M")), ("court", "PN Balikpapan")])

    legal = page.locator("#legal").inner_text()
    assert number in legal and "PN Balikpapan" in legal, legal
    assert "Penyidikan" in legal or "Investigation" in legal, legal
    shots(page, "legal-recorded", focus="#legal")
    assert_accessible(page, "case-legal")
