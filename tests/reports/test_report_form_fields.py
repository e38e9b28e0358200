"""The empty report form's fields are rendered once per process (reports/blank_form.py, issue 9):
what the page shows must be exactly what rendering them afresh gives, in the visitor's
language and with today's kelurahan list."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from areas.models import Kecamatan, Kelurahan
from reports import blank_form
from reports.forms import ReportForm
from tests.conftest import login_as

pytestmark = pytest.mark.django_db

FORM = reverse("reports:form") + "?tentang=adult"  # step 2 of the public form


def fresh_fields(language: str, about: str = "adult") -> str:
    with translation.override(language):
        return render_to_string(blank_form.TEMPLATE, {"form": ReportForm(about=about)})


def test_the_page_holds_the_fields_as_a_fresh_render_would_give_them(client):
    first = client.get(FORM).content.decode()
    second = client.get(FORM).content.decode()
    assert fresh_fields("id") in first
    assert fresh_fields("id") in second
    assert 'name="narrative"' in second


def test_each_language_gets_its_own_fields(client):
    client.get(FORM)  # the Indonesian fields are kept now
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(FORM).content.decode()
    assert fresh_fields("en") in english
    assert fresh_fields("id") not in english
    assert "What happened" in english


def test_a_new_kelurahan_shows_at_once(client):
    client.get(FORM)
    kecamatan = Kecamatan.objects.order_by("pk").first()
    Kelurahan.objects.create(kecamatan=kecamatan, name="Kelurahan Uji Baru", code="64.71.99.1999")
    assert "Kelurahan Uji Baru" in client.get(FORM).content.decode()


def test_a_form_with_errors_is_rendered_with_them_and_keeps_what_was_typed(client):
    client.get(FORM)
    response = client.post(
        reverse("reports:form"), {"narrative": "Teks yang terlalu pendek? tidak", "danger_now": "yes"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Teks yang terlalu pendek? tidak" in html
    assert 'class="error"' in html


def test_the_volunteer_form_shares_the_fields(client, volunteer):
    login_as(client, volunteer)
    response = client.get(reverse("reports:volunteer_form"))
    assert response.status_code == 200
    assert fresh_fields("id", about="") in response.content.decode()


def test_each_answer_to_who_it_is_about_gets_its_own_fields(client):
    client.get(FORM)
    child_self = client.get(reverse("reports:form") + "?tentang=child_self").content.decode()
    assert fresh_fields("id", about="child_self") in child_self
    assert fresh_fields("id") not in child_self


def test_nothing_is_kept_with_debug(client, settings):
    settings.DEBUG = True
    blank_form._rendered.clear()
    client.get(FORM)
    assert blank_form._rendered == {}
