"""The inbox's channel filter (issue 17): one selector argument, read by the page and the API alike;
every door of reports.choices.Channel, the staff intake ones included."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from reports.choices import Channel
from reports.services import IntakeInput, report_submit
from tests.cases_data import new_report
from tests.conftest import login_as
from tests.reporting import report_input
from triage.selectors import report_inbox

pytestmark = pytest.mark.django_db

INBOX = reverse("triage:inbox")
API = reverse("api-report-submit")  # GET is the inbox (core.routing.by_method)
REFERENCE = re.compile(r"LP-\d{4}-\d{6}")
REFERRAL = {
    "source_agency": "police",
    "source_agency_name": "Unit PPA Polresta Balikpapan",
    "source_letter_number": "B/77/XI/2026/Reskrim",
    "source_letter_date": date(2026, 11, 2),
}


def recorded(officer, channel: Channel, **overrides):
    """A complaint an officer recorded from a staff door."""
    fields = {**vars(report_input(reporter_relation="other")), "reporter_role": "parent", **overrides}
    return report_submit(data=IntakeInput(**fields), channel=channel, acting_user=officer).report


@pytest.fixture
def doors(officer):
    return {
        Channel.WEB: new_report(),
        Channel.WALK_IN: recorded(officer, Channel.WALK_IN),
        Channel.SAPA_129: recorded(officer, Channel.SAPA_129),
        Channel.REFERRAL: recorded(officer, Channel.REFERRAL, **REFERRAL),
    }


def references_in(response) -> list[str]:
    assert response.status_code == 200
    return REFERENCE.findall(response.content.decode())


def test_the_selector_keeps_the_reports_of_one_channel(officer, doors):
    for channel, report in doors.items():
        assert list(report_inbox(user=officer, channel=channel)) == [report]
    assert not report_inbox(user=officer, channel=Channel.LETTER).exists()
    assert report_inbox(user=officer, channel="").count() == len(doors)


@pytest.mark.parametrize("channel", Channel.values)
def test_the_page_offers_every_channel(client, officer, channel):
    login_as(client, officer)

    page = client.get(INBOX).content.decode()

    assert f'<option value="{channel}"' in page


def test_the_page_filters_by_channel(client, officer, doors):
    login_as(client, officer)

    walk_ins = references_in(client.get(INBOX, {"channel": "walk_in"}))
    referrals = references_in(client.get(INBOX, {"channel": "referral", "priority": doors[Channel.REFERRAL].priority}))
    letters = client.get(INBOX, {"channel": "letter"})

    assert walk_ins == [doors[Channel.WALK_IN].reference]
    assert referrals == [doors[Channel.REFERRAL].reference]
    assert references_in(letters) == []
    assert 'value="letter" selected' in letters.content.decode()


def test_the_page_ignores_an_unknown_channel_and_says_so(client, officer, doors):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login_as(client, officer)

    response = client.get(INBOX, {"channel": "pigeon"})
    page = response.content.decode()

    assert sorted(references_in(response)) == sorted(report.reference for report in doors.values())
    assert re.search(r'<p class="error" id="id_channel_error">Select a valid choice\. pigeon is not', page)


def test_the_api_filters_by_channel(client, officer, doors):
    login_as(client, officer)

    def ids(channel):
        response = client.get(API, {"channel": channel})
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    for channel, report in doors.items():
        assert ids(channel) == [str(report.uuid)]
    assert ids("outreach") == []
    assert client.get(API, {"channel": "sapa_129"}).json()["results"][0]["channel"] == "sapa_129"


def test_the_api_names_an_unknown_channel(client, officer, doors):
    login_as(client, officer)

    response = client.get(API, {"channel": "pigeon", "priority": "biasa"})

    assert response.status_code == 400
    assert list(response.json()) == ["channel"]
    assert [error["code"] for error in response.json()["channel"]] == ["invalid_choice"]
