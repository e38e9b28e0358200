"""Journey 9: the agency records a Forum Anak Kota Balikpapan activity (issue 20), on a laptop
and on a small phone: the level is chosen first, then only that level's place is asked."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .flows import unique_marker
from .support import PHONE, Shots, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services

LAPTOP = {"width": 1366, "height": 900}
SAVE = "main form[method=post] button[type=submit]"
CHOOSE_LEVEL = "main form.forum-level button[type=submit]"


def record_city_activity(page, base: str, shots: Shots, title: str, suffix: str) -> None:
    page.goto(f"{base}/staf/sosialisasi/")
    follow(page, "nav.staff-nav a[href='/staf/sosialisasi/forum-anak/']")
    follow(page, "main a[href='/staf/sosialisasi/forum-anak/catat/']")
    assert path_of(page) == "/staf/sosialisasi/forum-anak/catat/"
    # The city level is the agency's default and asks for no place.
    assert page.locator("#id_level").input_value() == "kota"
    for place in ("kecamatan", "kelurahan", "rt"):
        assert page.locator(f"main [name='{place}']").count() == 0, place
    today = datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat()
    page.fill("#id_held_on", today)
    page.fill("#id_title", title)
    page.fill("#id_children", "64")
    page.check("input[name='topics'][value='hak_anak']")
    page.fill("#id_suggestions", "Anak-anak meminta ruang bermain yang aman.")
    shots(page, f"city-form-{suffix}", full_page=True)
    assert_accessible(page, f"forum-city-form-{suffix}")
    submit(page, SAVE)
    assert path_of(page) == "/staf/sosialisasi/forum-anak/", page.locator("main").inner_text()
    assert page.locator("main .messages").inner_text().strip() != ""
    row = page.locator("main table tbody tr", has_text=title)
    assert row.count() == 1
    assert "Kota Balikpapan" in row.inner_text()
    shots(page, f"forum-list-{suffix}", full_page=True)
    assert_accessible(page, f"forum-list-{suffix}")


def test_a_supervisor_records_forum_anak_kota_balikpapan(browsing, app, artifacts, supervisor_state):
    base = app.base_url
    shots = Shots(artifacts / "9-forum")

    laptop = browsing.page(viewport=LAPTOP, storage_state=supervisor_state)
    record_city_activity(laptop, base, shots, f"Musyawarah Forum Anak Kota ({unique_marker('forum')})", "1366")

    # A kecamatan-level activity asks for its kecamatan, and says so when it is missing.
    laptop.goto(f"{base}/staf/sosialisasi/forum-anak/catat/")
    laptop.select_option("#id_level", "kecamatan")
    submit(laptop, CHOOSE_LEVEL)
    assert laptop.locator("main select[name='kecamatan']").count() == 1
    assert laptop.locator("main [name='kelurahan']").count() == 0
    laptop.fill("#id_title", "Forum Anak Kecamatan")
    submit(laptop, SAVE)
    assert (
        "Pilih kecamatan tempat kegiatan Forum Anak Kecamatan ini."
        in laptop.locator("#id_kecamatan_error").inner_text()
    )
    shots(laptop, "kecamatan-form-error-1366", full_page=True)

    phone = browsing.page(viewport=PHONE, storage_state=supervisor_state)
    record_city_activity(phone, base, shots, f"Hari Anak Nasional ({unique_marker('forum')})", "360")
    # Nothing sticks out sideways on a small phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_officer_reads_a_partner_and_logs_its_activity(browsing, app, artifacts, officer_state):
    base = app.base_url
    shots = Shots(artifacts / "9-forum" / "partners")
    page = browsing.page(viewport=LAPTOP, storage_state=officer_state)

    page.goto(f"{base}/staf/sosialisasi/")
    follow(page, "nav.staff-nav a[href='/staf/sosialisasi/mitra/']")
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 2, page.locator("main").inner_text()  # the demo's business and media partners
    shots(page, "partner-list-1366", full_page=True)
    assert_accessible(page, "partner-list")

    follow(page, "main table tbody tr a")
    assert "[CONTOH FIKTIF]" in page.locator("main dl.facts").inner_text()  # the contact person, for staff
    follow(page, "main a[href$='/kegiatan/']")
    title = f"Liputan Hari Anak ({unique_marker('partner')})"
    page.fill("#id_held_on", datetime.now(ZoneInfo("Asia/Makassar")).date().isoformat())
    page.select_option("#id_kind", "liputan")
    page.fill("#id_title", title)
    submit(page)
    assert title in page.locator("main table").inner_text()
    shots(page, "partner-detail-1366", full_page=True)
    assert_accessible(page, "partner-detail")

    phone = browsing.page(viewport=PHONE, storage_state=officer_state)
    phone.goto(page.url)
    follow(phone, "main a[href$='/nonaktifkan/']")
    shots(phone, "partner-deactivate-confirm-360", full_page=True)
    assert_accessible(phone, "partner-deactivate-confirm")
