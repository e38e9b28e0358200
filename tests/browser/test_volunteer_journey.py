"""Journey 4: an RT volunteer on a small phone logs a socialisation session and finds it listed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .flows import unique_marker
from .support import Shots, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services


def test_a_volunteer_logs_an_outreach_session_and_sees_it_listed(browsing, app, artifacts, authenticator):
    base = app.base_url
    shots = Shots(artifacts / "4-volunteer")
    facilitators = f"Bu Sari dan Pak RT ({unique_marker('session')})"

    volunteer = browsing.page()
    authenticator.login(volunteer, base, "relawan", shots=shots)  # password only: volunteers have no second factor
    assert path_of(volunteer) == "/relawan/", volunteer.url
    shots(volunteer, "volunteer-home", full_page=True)

    follow(volunteer, "main a[href='/relawan/sesi/baru/']")
    volunteer.select_option("#id_rt", index=1)
    today = datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat()
    assert volunteer.input_value("#id_held_on") == today
    volunteer.fill("#id_start_time", "16:00")
    volunteer.fill("#id_duration_minutes", "90")
    volunteer.check("input[name='topics'][value='hak_anak']")
    volunteer.check("input[name='topics'][value='cara_melapor']")
    volunteer.fill("#id_facilitators", facilitators)
    volunteer.fill("#id_boys", "6")
    volunteer.fill("#id_girls", "8")
    volunteer.fill("#id_men", "3")
    volunteer.fill("#id_women", "9")
    volunteer.fill("#id_notes", "Warga bertanya cara melapor tanpa menyebut nama.")
    shots(volunteer, "session-form-filled", full_page=True)
    submit(volunteer)

    assert path_of(volunteer) == "/relawan/sesi/", volunteer.locator("main").inner_text()
    assert volunteer.locator("main .messages .message-success").count() == 1
    listed = volunteer.locator("article.session", has_text=facilitators)
    assert listed.count() == 1, volunteer.locator("main").inner_text()
    counts = listed.locator("p.small").inner_text()
    assert "14" in counts and "12" in counts, counts  # 6 + 8 children, 3 + 9 adults
    shots(volunteer, "session-listed")
    assert_accessible(volunteer, "volunteer-session-list-after-save")
