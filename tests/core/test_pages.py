import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", reverse("accounts:login")]


def test_it_serves_the_home_page_in_indonesian_even_to_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Keluar cepat" in html
    for number in ("tel:112", "tel:110", "tel:129", "wa.me/628111129129"):
        assert number in html


def test_it_switches_to_english_with_a_plain_link_and_back(client):
    home = client.get("/").content.decode()
    assert 'href="/bahasa/en/?next=/"' in home

    response = client.get("/bahasa/en/", {"next": "/lapor/"})
    assert response.status_code == 302 and response.url == "/lapor/"

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Quick exit" in html

    client.get("/bahasa/id/", {"next": "/"})
    assert '<html lang="id">' in client.get("/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_the_language_switch_never_sends_anyone_to_another_site(client, target):
    assert client.get("/bahasa/en/", {"next": target}).url == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/bahasa/xx/").status_code == 404


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_a_quick_exit_link_that_works_without_javascript(client, url):
    html = client.get(url).content.decode()

    link = re.search(r'<a class="quick-exit" href="([^"]+)"[^>]*data-quick-exit', html)
    assert link, "the quick exit must be a plain link, usable without JavaScript"
    # It leaves through a page of ours (core.views.leave) whose refresh needs no script either.
    onward = re.search(
        r'<meta http-equiv="refresh" content="0;url=(https://[^"]+)">', client.get(link.group(1)).content.decode()
    )
    assert onward, "the quick exit's page must lead on without JavaScript"
    assert "balikpapan" not in onward.group(1).split("?")[0]
    assert html.index("quick-exit") < html.index("<main"), "quick exit comes first in the page"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_loads_nothing_from_another_host(client, url):
    response = client.get(url)
    html = response.content.decode()

    loaded = re.findall(r'<(?:script|img|link|iframe|source|audio|video)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert loaded
    for address in loaded:
        assert address.startswith(("/", "data:")) and not address.startswith("//"), address
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    expected = "same-origin" if url == reverse("accounts:login") else "no-referrer"
    assert response.headers["Referrer-Policy"] == expected
    assert f'<meta name="referrer" content="{expected}">' in html


def test_it_offers_staff_a_login_page(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_it_answers_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
