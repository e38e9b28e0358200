"""Journey 4: an RT volunteer on a small phone logs a socialisation session and finds it listed.

The form marks every required field and tells every mistake at once (issue 19); the list and
the edit page say until when the session can be changed."""

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
    # Every required field says so in words, and to assistive technology.
    for name in ("rt", "held_on", "start_time", "duration_minutes", "facilitators"):
        assert volunteer.locator(f"label[for='id_{name}'] .required").inner_text() == "(wajib)", name
        assert volunteer.locator(f"#id_{name}").get_attribute("required") is not None, name
    assert volunteer.locator("fieldset:has(input[name='topics']) legend .required").inner_text() == "(wajib)"
    assert volunteer.locator("label[for='id_notes'] .required").count() == 0

    # Sent with the RT, the date and the topics missing: all three are told at once.
    today = datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat()
    volunteer.fill("#id_held_on", "")
    volunteer.fill("#id_start_time", "16:00")
    volunteer.fill("#id_facilitators", facilitators)
    submit(volunteer)
    for name in ("rt", "held_on", "topics"):
        assert volunteer.locator(f"#id_{name}_error").is_visible(), (name, volunteer.locator("main").inner_text())
    assert "Pilih paling sedikit satu topik." in volunteer.locator("#id_topics_error").inner_text()
    shots(volunteer, "session-form-three-errors-at-once", full_page=True)
    assert_accessible(volunteer, "volunteer-session-form-three-errors")

    volunteer.select_option("#id_rt", index=1)
    volunteer.fill("#id_held_on", today)
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
    assert "Bisa diubah sampai" in listed.locator(".editable-until").inner_text()
    shots(volunteer, "session-listed", full_page=True)
    assert_accessible(volunteer, "volunteer-session-list-after-save")

    follow(volunteer, "article.session:has-text('" + facilitators + "') a[href*='/ubah/']")
    until = volunteer.locator("main p.editable-until").inner_text()
    assert until.startswith("Anda bisa mengubah sesi ini sampai "), until
    shots(volunteer, "session-edit-editable-until")
    assert_accessible(volunteer, "volunteer-session-edit")


def test_the_small_things_say_what_is_true(browsing, app, artifacts):
    """The login error, and the public statistics' one period and its finger-sized selector."""
    shots = Shots(artifacts / "4-volunteer")
    page = browsing.page()

    page.goto(f"{app.base_url}/akun/masuk/")
    page.fill("#id_username", "relawan")
    page.fill("#id_password", "not-the-password")
    submit(page)
    summary = page.locator("main").inner_text().lower()
    assert "nama pengguna atau kata sandi tidak benar" in summary, summary
    assert "nama pengguna nama pengguna" not in summary
    shots(page, "login-wrong-password")

    page.goto(f"{app.base_url}/statistik/")
    lead = page.locator("main p.lead").inner_text()
    assert lead.startswith("Bulan ini dan 11 bulan sebelumnya:"), lead
    assert "12 bulan terakhir" not in page.locator("main").inner_text()
    outreach_dates = page.locator("section[aria-labelledby='outreach-title'] p.small").inner_text()
    start_end = lead.split(":", 1)[1].split("(")[0].strip().rstrip(".")
    start, end = (part.strip() for part in start_end.split("–"))
    assert start in outreach_dates and end in outreach_dates, (lead, outreach_dates)
    chosen = page.locator("#id_tahun option:checked")
    assert chosen.inner_text() == "Bulan ini + 11 sebelumnya"  # short enough for a 360 px select
    for control in ("#id_tahun", "form.stats-period button"):
        height = page.locator(control).bounding_box()["height"]
        assert height >= 44, (control, height)
    shots(page, "statistics-period")
    assert_accessible(page, "statistics-one-period")
