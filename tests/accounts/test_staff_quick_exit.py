"""The staff pages' quick exit (issue 19): it ends the session too, works without JavaScript (a form)
and is told apart from "Log out" by its label."""

import pytest
from django.urls import reverse

from tests.conftest import login_as

pytestmark = pytest.mark.django_db

QUICK_EXIT = reverse("accounts:quick_exit")
INBOX = reverse("triage:inbox")


def test_it_ends_the_session_and_goes_on_to_the_quick_exit(client, officer):
    login_as(client, officer)
    assert client.get(INBOX).status_code == 200

    response = client.post(QUICK_EXIT)

    assert response.status_code == 302 and response.url == reverse("core:leave")
    after = client.get(INBOX)
    assert after.status_code == 302 and after.url.startswith(reverse("accounts:login"))


def test_a_stale_form_never_stops_someone_leaving(officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login_as(client, officer)

    assert client.post(QUICK_EXIT).status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_is_a_post_only(client):
    assert client.get(QUICK_EXIT).status_code == 405


def test_staff_pages_offer_the_form_with_its_own_label(client, officer):
    login_as(client, officer)
    html = client.get(INBOX).content.decode()

    assert f'<form action="{QUICK_EXIT}" method="post" class="staff-quick-exit">' in html
    assert "Keluar cepat & akhiri sesi" in html or "Keluar cepat &amp; akhiri sesi" in html
    assert "data-quick-exit" not in html  # not the public link, which would leave the session open


def test_the_login_page_keeps_the_public_quick_exit(client):
    html = client.get(reverse("accounts:login")).content.decode()

    assert "data-quick-exit" in html and QUICK_EXIT not in html
