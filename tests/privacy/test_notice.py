"""The privacy notice: public, for adults and for a child, linked from every reporter page, kept by
no cache, under the neutral title, its retention figures and the DPO's contact from settings."""

import re

import pytest
from django.urls import reverse

from tests.reporting import report_post_data

pytestmark = pytest.mark.django_db

NOTICE, CHILD = "/privasi/", "/privasi/anak/"
NEUTRAL_TITLE = "<title>Layanan Kota Balikpapan</title>"


def test_the_urls_are_the_documented_ones():
    assert reverse("privacy:notice") == NOTICE and reverse("privacy:notice_child") == CHILD


@pytest.mark.parametrize("url", [NOTICE, CHILD])
def test_it_is_public_uncached_and_neutrally_titled(client, url):
    response = client.get(url)

    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache
    assert response["Referrer-Policy"] == "no-referrer"
    assert NEUTRAL_TITLE in response.text
    assert not response.cookies, "a reporter page sets no cookie"


@pytest.mark.parametrize("url", ["/", "/lapor/", "/lapor/?tentang=child_other", "/lapor/status/"])
def test_every_reporter_page_links_to_both_notices(client, url):
    page = client.get(url).text

    assert f'href="{NOTICE}"' in page and f'href="{CHILD}"' in page


def test_the_receipt_page_and_the_reporters_conversation_link_to_the_notice(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    receipt = client.post("/lapor/", report_post_data())
    code = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', receipt.text).group(1)

    conversation = client.post("/lapor/status/", {"receipt_code": code})

    assert f'href="{NOTICE}"' in receipt.text
    assert f'href="{NOTICE}"' in conversation.text


def test_it_states_the_legal_basis_the_rights_and_the_retention_in_indonesian(client):
    page = client.get(NOTICE).text

    for words in ("UU 35/2014", "UU 12/2022", "Permen PPPA 2/2022", "Pasal 20", "3×24 jam", "Pasal 46"):
        assert words in page, words
    assert "90 hari" in page and "1 tahun" in page and "10 tahun" in page and "21" in page and "2 tahun" in page
    for right in ("melihat", "memperbaiki", "menghapus", "keberatan"):
        assert right in page, right


def test_the_retention_figures_and_the_officer_come_from_settings(client, settings):
    settings.RETENTION_CLOSED_CASE_YEARS = 12
    settings.RETENTION_SPAM_AND_REJECTED_DAYS = 30
    settings.PRIVACY_OFFICER_EMAIL = "ppd@example.go.id"
    settings.PRIVACY_OFFICER_PHONE = "0542 123456"

    page = client.get(NOTICE).text
    child = client.get(CHILD).text

    assert "12 tahun" in page and "30 hari" in page and "90 hari" not in page
    assert "mailto:ppd@example.go.id" in page and 'href="tel:0542123456"' in page
    assert "12 tahun" in child and "ppd@example.go.id" in child


def test_without_a_phone_no_phone_line_is_shown(client, settings):
    settings.PRIVACY_OFFICER_PHONE = ""

    assert 'href="tel:0' not in client.get(NOTICE).text


def test_the_childs_notice_is_short_sentences_with_the_way_to_ask(client):
    page = client.get(CHILD).text
    body = re.sub(r"<[^>]+>", " ", page[page.index("<main") : page.index("</main>")])
    sentences = [s for s in re.split(r"[.?!]", body) if s.strip()]

    assert "tanpa nama" in body and "/lapor/status/" in page
    assert max(len(s.split()) for s in sentences) <= 30, "short sentences for a child"


def test_it_is_complete_in_english(client):
    client.get("/bahasa/en/")

    page = client.get(NOTICE).text
    child = client.get(CHILD).text

    assert "How we look after your data" in page and "Who sees it" in page
    assert "What happens to what you tell us" in child
