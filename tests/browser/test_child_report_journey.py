"""Issue 19, the child reporting: a child reports what happens to herself on a 360 px phone, with
JavaScript and without it. She is asked first who the report is about and answers "aku
sendiri"; the form then speaks to her ("kamu") and does not ask who she is. She does not know
the kelurahan, so she chooses "tidak tahu" and writes a landmark. She sends, gets her code, and
reloads the receipt page: the report is not filed twice, the page says it was already sent.

The served application's database is only read here, once, to count the reports (nothing on a
page says how many reports exist, and that is the point of the check).
"""

import pytest

from .flows import unique_marker
from .support import Shots, _with_database, assert_accessible, follow, path_of, submit

pytestmark = pytest.mark.services


def reports_since(app, since) -> int:
    import psycopg2

    connection = psycopg2.connect(_with_database(app.database_url, app._database), connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM reports_report WHERE received_at >= %s", [since])
            return cursor.fetchone()[0]
    finally:
        connection.close()


def database_now(app):
    import psycopg2

    connection = psycopg2.connect(_with_database(app.database_url, app._database), connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT now()")
            return cursor.fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_child_reports_about_herself_and_a_reload_files_nothing_twice(browsing, app, artifacts, javascript):
    base = app.base_url
    shots = Shots(artifacts / ("19-child-report-js" if javascript else "19-child-report-nojs"))
    marker = unique_marker("child")
    page = browsing.page(javascript=javascript)  # PHONE, 360 px

    # Step 1: one question, on a short page.
    page.goto(f"{base}/")
    follow(page, "main .cta a[href='/lapor/']")
    assert path_of(page) == "/lapor/"
    assert page.locator("#id_narrative").count() == 0, "step 1 asks only who the report is about"
    step_one = page.locator("main form.report-form")
    assert "Laporan ini tentang siapa?" in step_one.inner_text()
    assert "Aku sendiri" in step_one.inner_text()
    shots(page, "step-1-who-is-it-about", full_page=True)
    if javascript:
        assert_accessible(page, "report-step-1")
    page.check("input[name='tentang'][value='child_self']")
    submit(page, "main form.report-form button[type=submit]")

    # Step 2: the form speaks to her, and does not ask who she is or the child's name apart from hers.
    assert path_of(page) == "/lapor/" and "tentang=child_self" in page.url, page.url
    form = page.locator("main form.report-form")
    text = form.inner_text()
    assert "Laporan ini tentang dirimu." in text
    assert "Apakah kamu dalam bahaya sekarang?" in text and "Berapa umurmu?" in text
    assert "Apakah anak dalam bahaya" not in text and "Nama anak" not in text
    assert page.locator("input[name='reporter_relation']").count() == 0
    shots(page, "step-2-form-top")

    since = database_now(app)
    page.fill("#id_narrative", f"Aku sering dipukul paman kalau ibu tidak di rumah, aku takut pulang. [{marker}]")
    page.check("input[name='violence_types'][value='fisik']")
    page.check("input[name='danger_now'][value='no']")
    page.check("input[name='injured'][value='no']")
    page.select_option("#id_kelurahan", value="unknown")  # "Aku tidak tahu kelurahannya"
    page.fill("#id_landmark", "Dekat masjid besar dan pasar ikan")
    page.fill("#id_child_age", "12")
    shots(page, "step-2-filled", full_page=True)
    if javascript:
        assert_accessible(page, "report-step-2-about-herself")
    submit(page, "main form.report-form button[type=submit]")

    receipt = page.locator(".receipt-code")
    assert receipt.count() == 1, page.locator("main").inner_text()
    code = receipt.inner_text().strip()
    assert len(code.replace(" ", "")) == 16
    shots(page, "receipt-code-shown")

    # The receipt page reloaded (the browser posts the form again): no second report, no new code.
    page.reload()
    main = page.locator("main").inner_text()
    assert "Laporan ini sudah terkirim" in main, main
    assert "Diterima" in main  # the same status as the first answer
    assert page.locator(".receipt-code").count() == 0
    assert code not in main
    shots(page, "reload-already-sent")
    if javascript:
        assert_accessible(page, "report-already-sent")

    assert reports_since(app, since) == 1
