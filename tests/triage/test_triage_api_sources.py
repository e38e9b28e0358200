"""The staff API tells where a report came from (issue 17): the channel and the referring agency
for every reader, the contact person and the reporter's identity from a staff intake only for
those who may see identities; the head of agency gets the channels, never an identity."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.capabilities import ROLE_CAPABILITIES, Capability
from accounts.models import Role
from reports.choices import Channel
from reports.services import IntakeInput, report_submit
from tests.conftest import login_as
from tests.reporting import report_input
from triage.services import report_accept

pytestmark = pytest.mark.django_db

LIST = reverse("api-report-submit")
REFERRAL = {
    "source_agency": "police",
    "source_agency_name": "Unit PPA Polresta Balikpapan",
    "source_letter_number": "B/123/XI/2026/Reskrim",
    "source_letter_date": date(2026, 11, 2),
    "source_contact_person": "Bripka Sari Wulandari",
}
IDENTITIES = {
    "reporter_name": "Ibu Ratna Dewi",
    "reporter_contact": "0812 5555 1234",
    "contact_consent_note": "Boleh ditelepon sore hari",
    "source_contact_person": "Bripka Sari Wulandari",
}


@pytest.fixture
def referral(officer):
    data = IntakeInput(
        **{
            **vars(report_input(reporter_relation="other")),
            "reporter_role": "police",
            "reporter_name": IDENTITIES["reporter_name"],
            "reporter_contact": IDENTITIES["reporter_contact"],
            "contact_consent": True,
            "contact_consent_note": IDENTITIES["contact_consent_note"],
            **REFERRAL,
        }
    )
    return report_submit(data=data, channel=Channel.REFERRAL, acting_user=officer).report


def detail(report) -> str:
    return reverse("api-report-detail", args=[report.uuid])


def referral_fields(row: dict) -> dict:
    return {name: row[name] for name in ("channel", "source_agency", "source_agency_name", "source_letter_number")} | {
        "source_letter_date": row["source_letter_date"]
    }


EXPECTED_SOURCE = {
    "channel": "referral",
    "source_agency": "police",
    "source_agency_name": "Unit PPA Polresta Balikpapan",
    "source_letter_number": "B/123/XI/2026/Reskrim",
    "source_letter_date": "2026-11-02",
}


@pytest.mark.parametrize("persona", ["officer", "supervisor"])
def test_it_lists_the_channel_and_the_referring_agency_without_any_identity(client, request, referral, persona):
    login_as(client, request.getfixturevalue(persona))
    response = client.get(LIST)

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert referral_fields(row) == EXPECTED_SOURCE
    body = response.content.decode()
    assert not any(value in body for value in IDENTITIES.values())


@pytest.mark.parametrize("persona", ["officer", "supervisor"])
def test_it_shows_the_intake_identities_to_those_who_see_identities(client, request, referral, persona):
    login_as(client, request.getfixturevalue(persona))
    body = client.get(detail(referral)).json()

    assert referral_fields(body) == EXPECTED_SOURCE
    assert {name: body[name] for name in IDENTITIES} == IDENTITIES
    assert body["reporter_role"] == "police" and body["recorded_by"] == "petugas"


def test_it_gives_a_public_report_blank_sources(client, officer):
    report = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None).report
    login_as(client, officer)
    body = client.get(detail(report)).json()

    assert body["channel"] == "web" and body["source_agency"] is None and body["source_letter_date"] is None
    assert body["reporter_name"] == "" and body["recorded_by"] is None


def test_it_hides_every_identity_from_a_reader_who_triages_without_identities(client, monkeypatch, head, referral):
    # No role triages without identities today; the rule is the capability's, not a role's.
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.HEAD, ROLE_CAPABILITIES[Role.HEAD] | {Capability.TRIAGE})
    login_as(client, head)
    response = client.get(detail(referral))

    assert response.status_code == 200
    body = response.json()
    assert referral_fields(body) == EXPECTED_SOURCE
    assert not set(IDENTITIES) & set(body)
    assert not {"narrative", "child_name", "address_detail", "messages"} & set(body)
    assert not any(value in response.content.decode() for value in IDENTITIES.values())


@pytest.mark.parametrize("persona", ["head", "sysadmin", "volunteer"])
def test_it_refuses_the_reports_to_those_who_do_not_triage(client, request, referral, persona):
    login_as(client, request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(referral)).status_code == 403


def test_the_head_sees_the_channel_and_agency_of_a_cases_report_never_an_identity(client, officer, head, referral):
    case = report_accept(report=referral, acting_user=officer)
    login_as(client, head)
    response = client.get(reverse("api-case", args=[case.uuid]))

    assert response.status_code == 200
    (link,) = response.json()["reports"]
    assert referral_fields(link) == EXPECTED_SOURCE
    assert not any(value in response.content.decode() for value in IDENTITIES.values())


def test_the_schema_documents_the_sources_and_the_identities(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]

    item, detail_schema = schema["StaffReportListItem"]["properties"], schema["StaffReportDetail"]["properties"]
    assert {"channel", "source_agency", "source_agency_name", "source_letter_number", "source_letter_date"} <= set(item)
    assert set(IDENTITIES) | {"reporter_role", "recorded_by"} <= set(detail_schema)
    assert not set(IDENTITIES) & set(item)
