"""The date of the incident and the SIMFONI-PPA registration number of a case: one service
(cases.services.case_update_simfoni), the case page and the API."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import services as cs
from cases.models import Case, Child
from core.errors import DomainError
from core.models import AuditEvent
from tests.cases_data import new_report
from tests.conftest import login_as
from triage import services as ts

pytestmark = pytest.mark.django_db

NUMBER = "SIMFONI/6471/2026/0042"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def open_case(officer, **report_overrides) -> Case:
    report_overrides.setdefault("child_name", "Anak Uji")
    report_overrides.setdefault("child_age", 9)
    return ts.report_accept(report=new_report(**report_overrides), acting_user=officer)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def update(case, user, *, occurred_on=date(2026, 5, 1), simfoni_number=NUMBER, version=None) -> Case:
    return cs.case_update_simfoni(
        case=case,
        occurred_on=occurred_on,
        simfoni_number=simfoni_number,
        expected_version=fresh(case).version if version is None else version,
        acting_user=user,
    )


# --- the service ------------------------------------------------------------------------------------


def test_a_case_takes_its_incident_date_from_the_report(officer):
    case = open_case(officer, occurred_on=date(2026, 4, 20))
    assert case.occurred_on == date(2026, 4, 20)


def test_it_records_both_and_audits_what_changed(officer):
    case = open_case(officer)
    version = fresh(case).version

    update(case, officer, simfoni_number=f"  {NUMBER} ")

    case = fresh(case)
    assert (case.occurred_on, case.simfoni_number, case.version) == (date(2026, 5, 1), NUMBER, version + 1)
    event = AuditEvent.objects.get(action="cases.simfoni_updated")
    assert (event.actor, event.target_id) == (officer, str(case.pk))
    assert event.data == {"occurred_on": "2026-05-01", "simfoni_number": NUMBER}
    update(case, officer, occurred_on=None)
    assert fresh(case).occurred_on is None
    assert AuditEvent.objects.filter(action="cases.simfoni_updated").order_by("pk").last().data == {"occurred_on": None}


def test_changing_the_date_does_not_rewrite_the_childrens_ages(officer):
    case = open_case(officer, occurred_on=date(2026, 5, 1))
    ages = list(Child.objects.filter(case=case).values_list("age", "age_at_incident"))
    update(case, officer, occurred_on=date(2020, 5, 1))
    assert list(Child.objects.filter(case=case).values_list("age", "age_at_incident")) == ages


def test_it_refuses_a_future_date_and_a_stale_version(officer):
    case = open_case(officer)
    with pytest.raises(DomainError) as future:
        update(case, officer, occurred_on=timezone.localdate() + timedelta(days=1))
    assert (future.value.code, future.value.field) == ("invalid", "occurred_on")
    with pytest.raises(DomainError) as stale:
        update(case, officer, version=fresh(case).version - 1 if fresh(case).version > 1 else 99)
    assert stale.value.code == "stale_version"
    assert (fresh(case).occurred_on, fresh(case).simfoni_number) == (None, "")
    assert not AuditEvent.objects.filter(action="cases.simfoni_updated").exists()


def test_only_case_workers_record_it(head, officer):
    case = open_case(officer)
    with pytest.raises(DomainError) as refused:
        update(case, head)
    assert refused.value.code == "not_allowed"


def test_a_number_is_used_once_and_named_only_to_who_may_see_its_case(officer, other_officer, supervisor):
    theirs = open_case(other_officer)
    update(theirs, other_officer)
    mine = open_case(officer)

    with pytest.raises(DomainError) as hidden, translation.override("en"):
        update(mine, officer)
    assert (hidden.value.code, hidden.value.field) == ("simfoni_number_taken", "simfoni_number")
    assert theirs.reference not in hidden.value.message
    assert "another case" in hidden.value.message

    with pytest.raises(DomainError) as named:
        update(mine, supervisor)
    assert theirs.reference in named.value.message
    assert fresh(mine).simfoni_number == ""

    update(mine, officer, simfoni_number="")  # blank is "not entered yet", as many as there are
    update(theirs, other_officer, simfoni_number="")
    assert Case.objects.filter(simfoni_number="").count() == 2


# --- the case page ----------------------------------------------------------------------------------


def page_url(case, name="detail"):
    return reverse(f"cases:{name}", args=[case.uuid])


def post(client, case, **fields):
    data = {f"simfoni-{key}": value for key, value in fields.items()}
    data["simfoni-version"] = str(fresh(case).version)
    return client.post(page_url(case, "simfoni"), data)


def test_the_officer_records_both_on_the_case_page(client, officer):
    case = open_case(officer)
    client = login_as(client, officer)
    page = client.get(page_url(case)).content.decode()
    assert 'name="simfoni-simfoni_number"' in page
    assert "The date of the incident is not known" in page

    response = post(client, case, occurred_on="2026-05-01", simfoni_number=NUMBER)

    assert response.status_code == 302
    assert response["Location"].endswith("#summary")
    page = client.get(page_url(case)).content.decode()
    assert NUMBER in page
    assert "1 May 2026" in page
    assert "Ages at the incident count from the date of the incident, 1 May 2026" in page


def test_the_page_refuses_a_taken_number_with_the_message_at_the_field(client, officer, other_officer):
    theirs = open_case(other_officer)
    update(theirs, other_officer)
    mine = open_case(officer)

    response = post(login_as(client, officer), mine, occurred_on="", simfoni_number=NUMBER)

    html = response.content.decode()
    assert response.status_code == 400
    assert "This SIMFONI-PPA number is already used by another case." in html
    assert theirs.reference not in html
    assert fresh(mine).simfoni_number == ""


@pytest.mark.parametrize(("persona", "status"), [("head", 403), ("other_officer", 404)])
def test_the_head_and_other_officers_cannot_change_it(client, request, officer, persona, status):
    case = open_case(officer)
    response = post(login_as(client, request.getfixturevalue(persona)), case, occurred_on="2026-05-01")
    assert response.status_code == status
    assert fresh(case).occurred_on is None


def test_the_head_reads_both_without_a_form(client, officer, head):
    case = open_case(officer)
    update(case, officer)
    page = login_as(client, head).get(page_url(case)).content.decode()
    assert NUMBER in page
    assert 'name="simfoni-simfoni_number"' not in page


# --- the API ----------------------------------------------------------------------------------------


def put(client, case, payload):
    return client.put(reverse("api-case-simfoni", args=[case.uuid]), payload, content_type="application/json")


def test_the_api_reads_and_writes_both(client, officer):
    case = open_case(officer)
    client = login_as(client, officer)

    response = put(
        client, case, {"version": fresh(case).version, "occurred_on": "2026-05-01", "simfoni_number": NUMBER}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["occurred_on"], response.json()["simfoni_number"]) == ("2026-05-01", NUMBER)
    detail = client.get(reverse("api-case", args=[case.uuid])).json()
    assert (detail["occurred_on"], detail["simfoni_number"]) == ("2026-05-01", NUMBER)


def test_the_api_answers_a_taken_number_machine_readably(client, officer, other_officer, head):
    theirs = open_case(other_officer)
    update(theirs, other_officer)
    mine = open_case(officer)
    payload = {"version": fresh(mine).version, "occurred_on": None, "simfoni_number": NUMBER}

    response = put(login_as(client, officer), mine, payload)

    assert response.status_code == 400
    [error] = response.json()["simfoni_number"]
    assert error["code"] == "simfoni_number_taken"
    assert theirs.reference not in error["message"]
    response = put(client, mine, {**payload, "simfoni_number": "x" * 65, "occurred_on": "kemarin"})
    assert response.status_code == 400
    assert set(response.json()) >= {"simfoni_number", "occurred_on"}
    client.logout()
    assert put(login_as(client, head), mine, {**payload, "simfoni_number": "LAIN"}).status_code == 403
    assert fresh(mine).simfoni_number == ""
