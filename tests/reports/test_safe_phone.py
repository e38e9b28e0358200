"""A phone someone else checks (issue 19): the reporter's pages say nothing in their tab title,
keep nothing (no-store, autocomplete off), show the numbers to call at the top, lead from an
error summary to each field, and the quick exit leaves through a page of its own."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reports.models import Report
from tests.reporting import report_post_data

pytestmark = pytest.mark.django_db

FORM = reverse("reports:form")
STATUS = reverse("reports:status")
LEAVE = reverse("core:leave")
EMERGENCY = ('href="tel:112"', 'href="tel:110"', 'href="tel:129"', 'href="https://wa.me/628111129129"')
TELLING_WORDS = ("lapor", "kekerasan", "report", "violence", "anak", "child")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def title_of(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "the page has no title"
    return match.group(1).strip()


def sent_code(client) -> str:
    html = client.post(FORM, report_post_data()).content.decode()
    match = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', html)
    assert match, "the answer page shows the code"
    return match.group(1)


def reporter_pages(client) -> dict[str, object]:
    """Every page a reporter sees, as answered."""
    code = sent_code(Client())
    return {
        "home": client.get("/"),
        "form": client.get(FORM),
        "form-with-errors": client.post(FORM, {}),
        "submitted": client.post(FORM, report_post_data()),
        "status-lookup": client.get(STATUS),
        "status-wrong-code": client.post(STATUS, {"receipt_code": "0000 0000 0000 0000"}),
        "status": client.post(STATUS, {"receipt_code": code}),
        "status-reply-errors": client.post(STATUS, {"receipt_code": code, "body": ""}),
        "leave": client.get(LEAVE),
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_names_no_reporter_page_by_what_it_is_for(client, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        for name, response in reporter_pages(client).items():
            title = title_of(response.content.decode())
            assert not [word for word in TELLING_WORDS if word in title.lower()], f"{name}: {title!r}"
            assert title.startswith("Layanan Kota Balikpapan" if language == "id" else "Balikpapan City Services")


def test_it_keeps_no_reporter_page_in_any_cache(client):
    for name, response in reporter_pages(client).items():
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, f"{name}: {response['Cache-Control']}"
        assert not response.cookies, name


def test_the_forms_keep_nothing_typed_for_the_next_visit(client):
    code = sent_code(client)
    for html in (
        client.get(FORM).content.decode(),
        client.get(STATUS).content.decode(),
        client.post(STATUS, {"receipt_code": code}).content.decode(),
    ):
        forms = re.findall(r"<form [^>]*>", html)
        assert forms and all('autocomplete="off"' in form for form in forms), forms


def test_the_numbers_to_call_are_buttons_at_the_top_of_the_report_and_status_pages(client):
    code = sent_code(client)
    for response in (client.get(FORM), client.get(STATUS), client.post(STATUS, {"receipt_code": code})):
        html = response.content.decode()
        main = html[html.index("<main") :]
        top = main[: main.index("</section>")]  # the first section of the page is the numbers
        assert 'class="card emergency emergency-top"' in top
        for link in EMERGENCY:
            assert re.search(rf'<a class="button[^"]*" {re.escape(link)}', top), link


def test_an_empty_report_lists_each_mistake_as_a_link_to_its_field_and_takes_the_focus(client):
    response = client.post(FORM, {"narrative": ""})

    html = response.content.decode()
    assert response.status_code == 400
    summary = re.search(
        r'<div class="form-errors error-summary" id="error-summary" tabindex="-1" autofocus.*?</div>', html, re.S
    )
    assert summary, "no error summary with the focus"
    targets = re.findall(r'<a href="#([\w-]+)">', summary.group(0))
    assert {"id_narrative", "id_violence_types_0", "id_danger_now_0", "id_kelurahan"} <= set(targets), targets
    for target in targets:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"
    assert "hal yang perlu diperbaiki" in summary.group(0)
    assert Report.objects.count() == 0


def test_a_report_without_mistakes_has_no_summary(client):
    assert 'id="error-summary"' not in client.get(FORM).content.decode()
    assert 'id="error-summary"' not in client.post(FORM, report_post_data()).content.decode()


def test_an_empty_reply_on_the_status_page_leads_to_the_message_box(client):
    code = sent_code(client)

    response = client.post(STATUS, {"receipt_code": code, "body": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary" tabindex="-1" autofocus' in html
    assert '<a href="#id_body">' in html and 'id="id_body"' in html


def test_the_safety_tips_say_to_keep_the_code_on_paper_not_as_a_photo(client):
    form = client.get(FORM).content.decode()
    submitted = client.post(FORM, report_post_data()).content.decode()

    for html in (form, submitted):
        assert "Tips aman" in html and "tab pribadi" in html and "hapus riwayat" in html
        assert "di kertas" in html and "Jangan simpan sebagai foto" in html
    assert "Tulis sekarang di kertas" in submitted and "Foto atau catatan di HP bisa ditemukan" in submitted


def test_the_quick_exit_leaves_through_a_page_that_keeps_nothing(client):
    home = client.get("/").content.decode()
    assert re.search(rf'<a class="quick-exit" href="{LEAVE}"[^>]*data-quick-exit', home)

    response = client.get(LEAVE)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache"'
    assert response["Referrer-Policy"] == "no-referrer"
    assert (
        '<meta http-equiv="refresh" content="0;url=https://www.google.com/search?q=cuaca+balikpapan+hari+ini">' in html
    )
    assert "<script" not in html
    assert client.post(LEAVE).status_code == 405
