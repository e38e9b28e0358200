"""One rule, two voices: a contact needs consent (reports.services.report_input_errors). The
public form tells the reporter ("kamu"); the staff intake form and API tell the officer to
record whether the reporter agrees (intake_input_errors asks the same rule with `to_staff`)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from reports.services import IntakeInput, intake_input_errors, report_input_errors
from tests.conftest import login_as
from tests.reporting import report_input, report_post_data

pytestmark = pytest.mark.django_db

TO_REPORTER = {
    "en": "Tick the box if you agree to be contacted, or leave the contact field empty.",
    "id": "Centang kotaknya kalau kamu setuju dihubungi, atau kosongkan isian kontak.",
}
TO_OFFICER = {
    "en": "Record whether the reporter agrees to be contacted: tick the box if they do, or leave their contact empty.",
    "id": "Catat apakah pelapor setuju dihubungi: centang kotaknya kalau setuju, atau kosongkan kontaknya.",
}
WITHOUT_CONSENT = {"reporter_contact": "0812 0000 0202", "contact_consent": False}


def intake_without_consent() -> IntakeInput:
    return IntakeInput(**{**vars(report_input(**WITHOUT_CONSENT)), "reporter_role": "parent"})


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_rule_speaks_to_the_reporter_on_the_public_form_and_to_the_officer_at_intake(language):
    today = timezone.localdate()
    with translation.override(language):
        public = report_input_errors(report_input(**WITHOUT_CONSENT), today=today)
        staff = intake_input_errors(intake_without_consent(), channel="walk_in", today=today)

    assert public["contact_consent"] == [TO_REPORTER[language]]
    assert staff["contact_consent"] == [TO_OFFICER[language]]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_rule_is_the_same_in_both_voices(language):
    today = timezone.localdate()
    consenting = {"reporter_contact": "0812 0000 0202", "contact_consent": True}
    with translation.override(language):
        assert "contact_consent" not in report_input_errors(report_input(**consenting), today=today)
        intake = IntakeInput(**{**vars(report_input(**consenting)), "reporter_role": "parent"})
        assert "contact_consent" not in intake_input_errors(intake, channel="walk_in", today=today)
        no_contact = IntakeInput(**{**vars(report_input()), "reporter_role": "parent"})
        assert "contact_consent" not in intake_input_errors(no_contact, channel="walk_in", today=today)


@pytest.mark.parametrize("language", ["en", "id"])
def test_each_page_shows_its_own_voice(client, officer, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    public = client.post(reverse("reports:form"), report_post_data(reporter_contact="0812 0000 0202"))
    login_as(client, officer)
    staff_data = report_post_data(
        channel="walk_in", reporter_role="parent", reporter_contact="0812 0000 0202", reporter_relation=None
    )
    staff = client.post(reverse("reports:intake"), staff_data)

    assert public.status_code == staff.status_code == 400
    assert TO_REPORTER[language] in public.text and TO_OFFICER[language] not in public.text
    assert TO_OFFICER[language] in staff.text and TO_REPORTER[language] not in staff.text


def test_the_staff_form_never_says_kamu(client, officer):
    login_as(client, officer)
    data = report_post_data(channel="walk_in", reporter_role="parent", reporter_contact="0812", reporter_relation=None)

    for response in (client.get(reverse("reports:intake")), client.post(reverse("reports:intake"), data)):
        form = response.text.split("<main", 1)[1]
        assert "kamu" not in form.lower() and "namamu" not in form.lower()


def test_the_intake_api_speaks_to_the_officer(client, officer):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login_as(client, officer)
    payload = report_post_data(
        kelurahan="Gunung Samarinda",
        channel="walk_in",
        reporter_role="parent",
        reporter_relation=None,
        **WITHOUT_CONSENT,
    )

    response = client.post(reverse("api-report-intake"), payload, content_type="application/json")

    assert response.status_code == 400
    assert [error["message"] for error in response.json()["contact_consent"]] == [TO_OFFICER["en"]]
