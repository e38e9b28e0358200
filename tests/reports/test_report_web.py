import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from reports.models import Report, ReportMessage
from reports.receipt import receipt_hash
from reports.services import report_message_add
from tests.reporting import jpeg_upload, report_post_data

pytestmark = pytest.mark.django_db

FORM = reverse("reports:form")
STATUS = reverse("reports:status")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def code_on_page(html: str) -> str:
    match = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', html)
    assert match, "the answer page shows the code"
    return match.group(1)


def test_it_shows_the_form_in_indonesian_without_setting_any_cookie(client):
    first = client.get(FORM)  # step 1: who is it about
    assert first.status_code == 200 and not first.cookies
    assert "Aku sendiri" in first.content.decode() and 'name="narrative"' not in first.content.decode()
    response = client.get(FORM, {"tentang": "child_other"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aku keluarganya" in html and "Aku sendiri yang mengalami" not in html
    assert 'name="kelurahan"' in html and "Gunung Samarinda" in html and "<optgroup" in html
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in html


def test_a_reporter_submits_gets_a_grouped_code_once_and_follows_the_report(client):
    response = client.post(FORM, report_post_data(), HTTP_USER_AGENT="Mozilla/5.0")

    html = response.content.decode()
    assert response.status_code == 200
    shown = code_on_page(html)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown)
    assert "hanya sekali" in html
    assert "3 hari" in html  # biasa: within 72 hours, in words
    report = Report.objects.get()
    assert report.receipt_hash == receipt_hash(shown.replace(" ", ""))
    assert not response.cookies

    status = client.post(STATUS, {"receipt_code": shown})
    assert status.status_code == 200
    assert "Diterima" in status.content.decode()

    reply = client.post(STATUS, {"receipt_code": shown, "body": "Kejadiannya terjadi lagi tadi malam."})
    assert reply.status_code == 200
    assert "Pesan Anda sudah terkirim" in reply.content.decode() or "Pesanmu sudah terkirim" in reply.content.decode()
    assert ReportMessage.objects.get().body == "Kejadiannya terjadi lagi tadi malam."


def test_an_officer_message_shows_on_the_status_page(client, officer):
    response = client.post(FORM, report_post_data())
    code = code_on_page(response.content.decode())
    report_message_add(report=Report.objects.get(), body="Halo, kami sudah menerima laporanmu.", acting_user=officer)

    html = client.post(STATUS, {"receipt_code": code}).content.decode()

    assert "Halo, kami sudah menerima laporanmu." in html
    assert "Petugas" in html


def test_an_urgent_report_tells_the_reporter_to_call_112(client):
    response = client.post(FORM, report_post_data(danger_now="yes"))

    html = response.content.decode()
    assert "1 jam" in html and "112" in html
    assert Report.objects.get().priority == "darurat"


def test_bad_input_is_shown_per_field_in_indonesian_and_nothing_is_stored(client):
    response = client.post(
        FORM, report_post_data(narrative="pendek", violence_types=None, kelurahan="99999", child_age="30")
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert html.count('class="error"') >= 4
    assert "Periksa kembali" in html or "periksa" in html.lower()
    assert Report.objects.count() == 0


def test_a_filled_honeypot_stores_nothing(client):
    response = client.post(FORM, report_post_data(website="http://spam.example"))

    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_a_wrong_code_gets_the_same_404_whatever_the_reason(client):
    client.post(FORM, report_post_data())

    answers = [client.post(STATUS, {"receipt_code": code}) for code in ("1234567890123456", "abc", "", "9" * 60)]

    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.content for answer in answers}) == 1, "every wrong code gets the very same page"
    assert "Kami tidak menemukan laporan" in answers[0].content.decode()


def test_the_status_page_never_takes_a_code_from_the_url(client):
    response = client.post(FORM, report_post_data())
    code = code_on_page(response.content.decode()).replace(" ", "")

    answer = client.get(STATUS, {"receipt_code": code})

    assert code not in answer.content.decode()
    assert 'method="post"' in answer.content.decode()


def test_code_guessing_is_limited_per_client_with_a_plain_429(client, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "3/15m"
    for _ in range(3):
        assert client.post(STATUS, {"receipt_code": "0000000000000000"}, REMOTE_ADDR="198.51.100.1").status_code == 404

    blocked = client.post(STATUS, {"receipt_code": "0000000000000000"}, REMOTE_ADDR="198.51.100.1")
    elsewhere = client.post(STATUS, {"receipt_code": "0000000000000000"}, REMOTE_ADDR="198.51.100.2")

    assert blocked.status_code == 429
    assert "Tunggu" in blocked.content.decode()
    assert elsewhere.status_code == 404


def test_code_guessing_is_limited_globally_but_the_right_code_still_gets_in(client, settings):
    settings.RECEIPT_GUESS_RATE_GLOBAL = "4/m"
    code = code_on_page(client.post(FORM, report_post_data()).content.decode())
    for index in range(4):
        client.post(STATUS, {"receipt_code": "0000000000000000"}, REMOTE_ADDR=f"198.51.100.{index}")

    again = client.post(STATUS, {"receipt_code": "1"}, REMOTE_ADDR="198.51.100.0")
    right = client.post(STATUS, {"receipt_code": code}, REMOTE_ADDR="198.51.100.99")

    assert again.status_code == 429 and 1 <= int(again["Retry-After"]) <= 60
    assert right.status_code == 200


def test_the_real_reporter_gets_in_again_once_the_window_has_passed(client, settings):
    from django.core.cache import cache

    settings.RECEIPT_GUESS_RATE_CLIENT = "2/15m"
    code = code_on_page(client.post(FORM, report_post_data()).content.decode())
    for _ in range(3):  # two "not found", then the one more try after them
        client.post(STATUS, {"receipt_code": "0000000000000000"})
    assert client.post(STATUS, {"receipt_code": code}).status_code == 429

    cache.clear()  # what the end of the 15-minute window does

    assert client.post(STATUS, {"receipt_code": code}).status_code == 200


def test_submissions_are_limited_per_client_and_the_typed_text_is_kept(client, settings):
    settings.REPORT_SUBMIT_RATE_CLIENT = "2/h"
    for _ in range(2):
        assert client.post(FORM, report_post_data()).status_code == 200

    response = client.post(FORM, report_post_data(narrative="Teks yang diketik anak tidak boleh hilang sama sekali."))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Teks yang diketik anak tidak boleh hilang sama sekali." in html
    assert Report.objects.count() == 2
    # How long, in words that agree with Retry-After, and what to do if it cannot wait.
    minutes = -(-int(response["Retry-After"]) // 60)
    assert f"Anda bisa mengirim laporan ini dalam {minutes} menit" in html, html
    assert "hubungi 112" in html and "SAPA 129" in html
    assert "Tunggu sebentar" not in html


def test_only_reports_that_went_through_count_against_the_limit(client, settings):
    settings.REPORT_SUBMIT_RATE_CLIENT = "1/h"
    for _ in range(5):
        assert client.post(FORM, report_post_data(narrative="pendek")).status_code == 400

    assert client.post(FORM, report_post_data()).status_code == 200
    assert client.post(FORM, report_post_data()).status_code == 429


def test_a_post_from_another_sites_page_is_refused(client):
    cross_site = client.post(FORM, report_post_data(), HTTP_SEC_FETCH_SITE="cross-site")
    foreign_origin = client.post(STATUS, {"receipt_code": "1"}, HTTP_ORIGIN="https://evil.example")
    same_site = client.post(FORM, report_post_data(), HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="null")

    assert cross_site.status_code == foreign_origin.status_code == 403
    assert same_site.status_code == 200
    assert Report.objects.count() == 1


def test_every_address_of_one_ipv6_64_counts_as_one_client(client, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "2/15m"
    client.post(STATUS, {"receipt_code": "1"}, REMOTE_ADDR="2001:db8:1:2::1")
    client.post(STATUS, {"receipt_code": "1"}, REMOTE_ADDR="2001:db8:1:2::ffff")

    assert client.post(STATUS, {"receipt_code": "1"}, REMOTE_ADDR="2001:db8:1:2:aaaa::9").status_code == 429
    assert client.post(STATUS, {"receipt_code": "1"}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 404


def test_an_attachment_is_accepted_from_the_form(client):
    data = report_post_data()
    data["attachments"] = [jpeg_upload()]

    response = client.post(FORM, data)

    assert response.status_code == 200
    assert Report.objects.get().attachments.count() == 1


def test_an_unsupported_file_is_refused_with_a_message_and_nothing_stored(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = report_post_data()
    data["attachments"] = [SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>")]

    response = client.post(FORM, data)

    assert response.status_code == 400
    assert "pilih lagi" in response.content.decode().lower()
    assert Report.objects.count() == 0


@pytest.mark.parametrize("url", [FORM, STATUS, "/"])
def test_public_pages_send_the_strict_headers(client, url):
    response = client.get(url)

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize("url", [FORM, STATUS])
def test_the_reporter_pages_are_never_cached_and_send_no_referrer(client, url):
    response = client.get(url)

    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_answer_page_is_never_cached(client):
    response = client.post(FORM, report_post_data())

    assert "no-store" in response.headers["Cache-Control"]


def test_a_volunteer_reports_on_someones_behalf_and_cannot_open_it_afterwards(client, volunteer):
    from tests.conftest import login_as

    login_as(client, volunteer)
    url = reverse("reports:volunteer_form")
    assert client.get(url).status_code == 200

    response = client.post(url, report_post_data())

    assert response.status_code == 200
    assert 'class="receipt-code"' not in response.content.decode(), "no code: the volunteer cannot follow it"
    assert not re.search(r"\d{4} \d{4} \d{4} \d{4}", response.content.decode())
    assert "no-store" in response.headers["Cache-Control"]
    report = Report.objects.get()
    assert report.channel == "volunteer" and report.submitted_by == volunteer
    assert AuditEvent.objects.get(action="reports.submitted").actor == volunteer


def test_the_volunteer_form_keeps_django_csrf_protection(volunteer):
    from django.test import Client

    from tests.conftest import login_as

    client = login_as(Client(enforce_csrf_checks=True), volunteer)

    response = client.post(reverse("reports:volunteer_form"), report_post_data())

    assert response.status_code == 403
    assert Report.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer", "supervisor", "head", "sysadmin"])
def test_the_volunteer_form_is_for_volunteers_only(client, persona, request):
    from tests.conftest import login_as

    login_as(client, request.getfixturevalue(persona))

    assert client.get(reverse("reports:volunteer_form")).status_code == 403


def test_the_volunteer_form_sends_an_anonymous_visitor_to_login(client):
    response = client.get(reverse("reports:volunteer_form"))

    assert response.status_code == 302 and "/akun/masuk/" in response.url
