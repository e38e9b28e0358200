"""The legal hold on a case (issue 21, cases.legal_hold): who may place and release it, the reason's
rules, the database's all-or-nothing constraint, an audit trail without the reason, the case page's
panel and its release confirmation, the API, and `Case.objects.on_legal_hold()`, which the retention
schedule reads (a supervisor's hold or an open legal process)."""

import json

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.capabilities import Capability, roles_with
from accounts.models import Role
from cases import legal
from cases.audit import CaseAction
from cases.choices import LegalStage
from cases.legal_hold import case_legal_hold_place, case_legal_hold_release, legal_hold_state
from cases.models import Case, CaseNote
from core.errors import DomainError
from core.models import AuditEvent
from tests.cases_data import new_report
from tests.conftest import login_as
from triage import services as ts

pytestmark = pytest.mark.django_db
REASON = "Surat Polresta Balikpapan B/123/2026: perkara masih disidik"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def open_case(officer) -> Case:
    return ts.report_accept(report=new_report(), acting_user=officer)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def place(case, user, reason=REASON) -> Case:
    return case_legal_hold_place(case=case, reason=reason, expected_version=fresh(case).version, acting_user=user)


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def hold_events(case):
    return AuditEvent.objects.filter(
        target_type="cases.case",
        target_id=str(case.pk),
        action__in=[CaseAction.LEGAL_HOLD_PLACED, CaseAction.LEGAL_HOLD_RELEASED],
    ).order_by("pk")


# --- who may ----------------------------------------------------------------------------------------------


def test_only_supervisors_hold_the_capability():
    assert roles_with(Capability.PLACE_LEGAL_HOLD) == {Role.SUPERVISOR}


def test_an_officer_and_the_head_are_refused_a_supervisor_places_it(officer, supervisor, head):
    case = open_case(officer)

    for user in (officer, head):
        assert refusal(lambda user=user: place(case, user)).code == "not_allowed"
    assert fresh(case).legal_hold_at is None

    held = place(case, supervisor)

    held = fresh(held)
    assert held.legal_hold_at is not None and held.legal_hold_by == supervisor
    assert held.legal_hold_reason == REASON
    assert held.version == case.version + 1


def test_an_officer_cannot_release_it(officer, supervisor):
    case = place(open_case(officer), supervisor)

    error = refusal(
        lambda: case_legal_hold_release(case=case, expected_version=fresh(case).version, acting_user=officer)
    )

    assert error.code == "not_allowed" and fresh(case).legal_hold_at is not None


# --- the reason -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "terlalu p", "x" * 1001])
def test_the_reason_is_required_from_10_to_1000_characters(officer, supervisor, reason):
    case = open_case(officer)

    error = refusal(lambda: place(case, supervisor, reason))

    assert (error.field, error.code) == ("reason", "invalid")
    assert fresh(case).legal_hold_at is None and fresh(case).version == case.version


def test_a_reason_of_exactly_10_and_1000_characters_is_taken_trimmed(officer, supervisor):
    short, long = open_case(officer), open_case(officer)

    place(short, supervisor, "  " + "a" * 10 + "  ")
    place(long, supervisor, "b" * 1000)

    assert fresh(short).legal_hold_reason == "a" * 10 and fresh(long).legal_hold_reason == "b" * 1000


def test_a_case_already_held_and_a_stale_version_are_refused(officer, supervisor):
    case = open_case(officer)
    stale_version = case.version
    place(case, supervisor)

    assert refusal(lambda: place(case, supervisor)).code == "already_held"
    stale = refusal(
        lambda: case_legal_hold_place(case=case, reason=REASON, expected_version=stale_version, acting_user=supervisor)
    )
    assert stale.code == "stale_version"


def test_a_de_identified_case_cannot_be_held(officer, supervisor):
    case = open_case(officer)
    Case.objects.filter(pk=case.pk).update(deidentified_at=timezone.now())

    assert refusal(lambda: place(case, supervisor)).code == "deidentified"


# --- the database -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "half",
    [
        {"legal_hold_at": "now"},
        {"legal_hold_at": "now", "legal_hold_by": "supervisor"},
        {"legal_hold_by": "supervisor", "legal_hold_reason": REASON},
        {"legal_hold_reason": REASON},
    ],
)
def test_the_database_refuses_a_half_set_hold(officer, supervisor, half):
    case = open_case(officer)
    values = {"now": timezone.now(), "supervisor": supervisor}
    update = {name: values.get(value, value) for name, value in half.items()}

    with pytest.raises(IntegrityError, match="case_legal_hold_complete"), transaction.atomic():
        case.__dict__.update(update)
        case.save(update_fields=list(update))


def test_the_reason_is_stored_encrypted(officer, supervisor):
    case = place(open_case(officer), supervisor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_hold_reason FROM cases_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]

    assert stored and "Polresta" not in stored


# --- the audit trail --------------------------------------------------------------------------------------


def test_placing_and_releasing_leave_audit_rows_without_the_reason(officer, supervisor):
    case = place(open_case(officer), supervisor)
    released_because = "Putusan sudah berkekuatan hukum tetap, perkara selesai"

    case_legal_hold_release(
        case=case, reason=released_because, expected_version=fresh(case).version, acting_user=supervisor
    )

    placed, released = hold_events(case)
    assert (placed.action, placed.actor, placed.data) == (CaseAction.LEGAL_HOLD_PLACED, supervisor, {})
    assert (released.action, released.actor) == (CaseAction.LEGAL_HOLD_RELEASED, supervisor)
    for event in (placed, released):
        written = json.dumps(event.data)
        assert "Polresta" not in written and "Putusan" not in written
    # The release's reason is a case note (encrypted with the case), named by its id only.
    note = CaseNote.objects.get(pk=released.data["note"])
    assert note.body == released_because and note.author == supervisor


# --- release --------------------------------------------------------------------------------------------


def test_release_clears_the_hold_and_a_case_not_held_is_refused(officer, supervisor):
    case = place(open_case(officer), supervisor)

    case_legal_hold_release(case=case, expected_version=fresh(case).version, acting_user=supervisor)

    released = fresh(case)
    assert (released.legal_hold_at, released.legal_hold_by, released.legal_hold_reason) == (None, None, "")
    assert hold_events(case).last().data == {} and not CaseNote.objects.filter(case=case).exists()
    error = refusal(
        lambda: case_legal_hold_release(case=case, expected_version=released.version, acting_user=supervisor)
    )
    assert error.code == "not_held"
    too_long = refusal(
        lambda: case_legal_hold_release(
            case=place(case, supervisor),
            reason="x" * 1001,
            expected_version=fresh(case).version,
            acting_user=supervisor,
        )
    )
    assert too_long.field == "reason" and fresh(case).legal_hold_at is not None


# --- what the retention schedule reads ----------------------------------------------------------------------


def legal_stage(case, officer, stage):
    record = getattr(fresh(case), "legal", None)
    legal.legal_record_update(
        case=case,
        data=legal.LegalRecordInput(stage=stage, verdict_on=timezone.localdate() if stage == "putusan" else None),
        expected_version=record.version if record else 1,
        acting_user=officer,
    )


def test_on_legal_hold_covers_a_supervisors_hold_and_an_open_legal_process(officer, supervisor):
    free, held, in_court, verdict = (open_case(officer) for _ in range(4))
    place(held, supervisor)
    legal_stage(in_court, officer, LegalStage.TRIAL)
    legal_stage(verdict, officer, LegalStage.INVESTIGATION)
    legal_stage(verdict, officer, LegalStage.VERDICT)  # a verdict with no appeal: the process ended

    assert set(Case.objects.on_legal_hold()) == {held, in_court}
    assert set(Case.objects.free_of_legal_hold()) == {free, verdict}
    assert legal_hold_state(fresh(in_court)).by_legal_process and not legal_hold_state(fresh(in_court)).placed
    assert legal_hold_state(fresh(held)).placed and not legal_hold_state(fresh(verdict)).held


# --- the case page ----------------------------------------------------------------------------------------


def person(user) -> str:
    return user.get_full_name() or user.username


def url(name, case):
    return reverse(f"cases:{name}", args=[case.uuid])


def test_a_supervisor_places_the_hold_from_the_case_page(client, officer, supervisor):
    case = open_case(officer)
    login_as(client, supervisor)
    html = client.get(url("detail", case)).content.decode()
    assert 'id="legal-hold"' in html and 'id="action-legal_hold"' in html
    assert "will not erase this case's data" in html and "Not held." in html

    response = client.post(
        url("legal_hold_place", case), {"legal_hold-version": str(case.version), "legal_hold-reason": REASON}
    )

    assert response.status_code == 302 and response["Location"].endswith("#legal-hold")
    page = client.get(response["Location"]).content.decode()
    assert f"by {person(supervisor)}." in page and REASON in page and "Release the hold" in page
    assert 'id="action-legal_hold"' not in page


def test_a_short_reason_is_shown_next_to_its_field(client, officer, supervisor):
    case = open_case(officer)
    login_as(client, supervisor)

    response = client.post(
        url("legal_hold_place", case), {"legal_hold-version": str(case.version), "legal_hold-reason": "short"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_legal_hold-reason_error"' in html and "at least 10 characters" in html
    assert '<details class="case-action case-action-legal_hold" id="action-legal_hold" open>' in html
    assert fresh(case).legal_hold_at is None


def test_the_officer_sees_the_hold_and_its_reason_the_head_without_it_neither_may_place(
    client, officer, supervisor, head
):
    case = place(open_case(officer), supervisor)

    login_as(client, officer)
    officer_page = client.get(url("detail", case)).content.decode()
    assert f"by {person(supervisor)}." in officer_page and REASON in officer_page
    assert 'id="action-legal_hold"' not in officer_page and url("legal_hold_release", case) not in officer_page
    assert "Only a supervisor can place or release a legal hold." in officer_page
    refused = client.post(url("legal_hold_place", case), {"legal_hold-version": "9", "legal_hold-reason": REASON})
    assert refused.status_code == 403
    assert client.get(url("legal_hold_release", case)).status_code == 403

    login_as(client, head)
    head_page = client.get(url("detail", case)).content.decode()
    assert f"by {person(supervisor)}." in head_page and REASON not in head_page
    assert client.post(url("legal_hold_release", case), {"release-version": "9"}).status_code == 403
    assert fresh(case).legal_hold_at is not None


def test_an_open_legal_process_shows_as_a_hold(client, officer):
    case = open_case(officer)
    legal_stage(case, officer, LegalStage.INVESTIGATION)
    login_as(client, officer)

    html = client.get(url("detail", case)).content.decode()

    assert "Held because the legal process is open" in html and "Not held." not in html


def test_release_asks_for_confirmation_first(client, officer, supervisor):
    case = place(open_case(officer), supervisor)
    login_as(client, supervisor)

    confirm = client.get(url("legal_hold_release", case))

    html = confirm.content.decode()
    assert confirm.status_code == 200 and "Release the legal hold?" in html
    assert "may erase this case's data" in html and REASON in html
    assert fresh(case).legal_hold_at is not None  # asking changed nothing

    done = client.post(url("legal_hold_release", case), {"release-version": str(fresh(case).version)})

    assert done.status_code == 302 and done["Location"].endswith("#legal-hold")
    assert fresh(case).legal_hold_at is None
    assert "The legal hold has been released." in client.get(done["Location"]).content.decode()
    # Nothing to release any more: back to the case page.
    again = client.get(url("legal_hold_release", case))
    assert again.status_code == 302 and again["Location"].endswith("#legal-hold")


def test_a_stale_release_is_refused_on_the_confirmation_page(client, officer, supervisor):
    case = place(open_case(officer), supervisor)
    login_as(client, supervisor)

    response = client.post(url("legal_hold_release", case), {"release-version": str(case.version - 1)})

    assert response.status_code == 400 and "after you opened it" in response.content.decode()
    assert fresh(case).legal_hold_at is not None


# --- the API ------------------------------------------------------------------------------------------------


def api(case):
    return reverse("api-case-legal-hold", args=[case.uuid])


def post_json(client, address, payload):
    return client.post(address, payload, content_type="application/json")


def test_the_api_reads_the_hold_on_the_case_and_places_and_releases_it(client, officer, supervisor, head):
    case = open_case(officer)
    login_as(client, officer)
    assert client.get(reverse("api-case", args=[case.uuid])).json()["legal_hold"] == {
        "held": False,
        "held_at": None,
        "held_by": None,
        "reason": "",
        "by_legal_process": False,
    }
    refused = post_json(client, api(case), {"action": "place", "version": case.version, "reason": REASON})
    assert refused.status_code == 403

    login_as(client, supervisor)
    short = post_json(client, api(case), {"action": "place", "version": case.version, "reason": "short"})
    assert short.status_code == 400 and [e["code"] for e in short.json()["reason"]] == ["invalid"]

    placed = post_json(client, api(case), {"action": "place", "version": case.version, "reason": REASON})
    assert placed.status_code == 200, placed.json()
    hold = placed.json()["legal_hold"]
    assert hold["held"] and hold["reason"] == REASON and hold["held_by"]["username"] == supervisor.username

    again = post_json(client, api(case), {"action": "place", "version": placed.json()["version"], "reason": REASON})
    assert again.status_code == 400 and [e["code"] for e in again.json()["non_field_errors"]] == ["already_held"]

    login_as(client, head)
    seen_by_head = client.get(reverse("api-case", args=[case.uuid])).json()["legal_hold"]
    assert seen_by_head["held"] and "reason" not in seen_by_head
    assert post_json(client, api(case), {"action": "release", "version": 99}).status_code == 403

    login_as(client, supervisor)
    released = post_json(client, api(case), {"action": "release", "version": placed.json()["version"]})
    assert released.status_code == 200 and released.json()["legal_hold"]["held"] is False
    not_held = post_json(client, api(case), {"action": "release", "version": released.json()["version"]})
    assert [e["code"] for e in not_held.json()["non_field_errors"]] == ["not_held"]
