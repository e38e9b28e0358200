import uuid
from dataclasses import fields
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from outreach.models import ChildCareGroup, ForumAnakActivity, OutreachPhoto, OutreachSession
from outreach.services import child_care_group_register, forum_activity_log, outreach_session_log
from tests.conftest import login_as
from tests.outreach_data import forum_input, group_input, session_input
from tests.reporting import jpeg_upload

pytestmark = pytest.mark.django_db

SESSIONS = reverse("api-outreach-sessions")
GROUPS = reverse("api-outreach-groups")
FORUM = reverse("api-outreach-forum-activities")
READERS = ["officer", "supervisor", "head"]


def session_url(key) -> str:
    return reverse("api-outreach-session", args=[key])


def group_url(key) -> str:
    return reverse("api-outreach-group", args=[key])


def as_json(data) -> dict:
    """The API body for one of the tests' service inputs."""
    payload = {}
    for field in fields(data):
        value = getattr(data, field.name)
        if field.name in ("rt", "kelurahan", "kecamatan") and value is not None:
            value = value.pk
        elif isinstance(value, (date, time)):
            value = value.isoformat()
        payload[field.name] = value
    return payload


def session_payload(rt, **overrides) -> dict:
    return {**as_json(session_input(rt)), **overrides}


def post_json(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def no_outreach_writes() -> bool:
    return (
        OutreachSession.objects.count() == 0
        and ChildCareGroup.objects.count() == 0
        and not AuditEvent.objects.filter(action__startswith="outreach").exists()
    )


@pytest.fixture
def logged_session(volunteer, rt):
    return outreach_session_log(data=session_input(rt), acting_user=volunteer)


@pytest.fixture
def others_session(other_volunteer, other_rt):
    return outreach_session_log(data=session_input(other_rt, facilitators="Pak Lain"), acting_user=other_volunteer)


# --- Logging a session ---------------------------------------------------------------------------


def test_it_lets_a_volunteer_log_a_session_in_their_own_rt(client, volunteer, rt):
    login_as(client, volunteer)

    response = post_json(client, SESSIONS, session_payload(rt))

    body = response.json()
    assert response.status_code == 201, body
    session = OutreachSession.objects.get()
    assert (session.rt, session.logged_by, session.people) == (rt, volunteer, 40)
    assert body["id"] == str(session.uuid)
    assert {key: body[key] for key in ("rt", "rt_label", "kelurahan", "kecamatan")} == {
        "rt": rt.pk,
        "rt_label": "RT 001, Gunung Samarinda",
        "kelurahan": "Gunung Samarinda",
        "kecamatan": rt.kelurahan.kecamatan.name,
    }
    assert (body["children"], body["adults"], body["photos"], body["editable"]) == (27, 13, 0, True)
    assert (body["start_time"], body["topics"]) == ("16:00:00", ["hak_anak", "cara_melapor"])
    event = AuditEvent.objects.get(action="outreach.session_logged")
    assert (event.actor, event.target_id) == (volunteer, str(session.pk))


def test_it_takes_photos_with_a_multipart_session(client, volunteer, rt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login_as(client, volunteer)

    response = client.post(SESSIONS, {**session_payload(rt), "photos": [jpeg_upload(), jpeg_upload("dua.jpg")]})

    assert response.status_code == 201, response.json()
    assert response.json()["photos"] == 2
    assert OutreachPhoto.objects.filter(session__uuid=response.json()["id"]).count() == 2


def test_it_refuses_a_session_in_another_rt_on_the_rt_field(client, volunteer, other_rt):
    login_as(client, volunteer)

    response = post_json(client, SESSIONS, session_payload(other_rt))

    assert response.status_code == 400
    [error] = response.json()["rt"]
    assert error["code"] == "not_your_rt" and error["message"]
    assert no_outreach_writes()


def test_it_refuses_an_rt_that_does_not_exist(client, volunteer, rt):
    login_as(client, volunteer)

    response = post_json(client, SESSIONS, {**session_payload(rt), "rt": 999_999})

    assert response.status_code == 400
    assert response.json()["rt"][0]["code"] == "does_not_exist"
    assert no_outreach_writes()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"boys": -1}, "boys", "min_value"),
        ({"women": 10_001}, "women", "max_value"),
        ({"men": "banyak"}, "men", "invalid"),
        ({"duration_minutes": 0}, "duration_minutes", "min_value"),
        ({"topics": ["astrologi"]}, "topics", "invalid_choice"),
        ({"topics": "hak_anak"}, "topics", "not_a_list"),
        ({"topics": []}, "topics", "invalid"),
        ({"topics": ["lainnya"]}, "other_topic", "invalid"),
        ({"facilitators": "   "}, "facilitators", "invalid"),
        ({"held_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "held_on", "invalid"),
        ({"held_on": "kemarin"}, "held_on", "invalid"),
        ({"start_time": "25:00"}, "start_time", "invalid"),
    ],
)
def test_it_refuses_bad_session_input_per_field_and_saves_nothing(client, volunteer, rt, overrides, field, code):
    login_as(client, volunteer)

    response = post_json(client, SESSIONS, session_payload(rt, **overrides))

    body = response.json()
    assert response.status_code == 400
    assert list(body) == [field], body
    [error] = body[field]
    assert error["code"] == code and isinstance(error["message"], str) and error["message"]
    assert no_outreach_writes()


def test_it_names_every_missing_required_field(client, volunteer):
    login_as(client, volunteer)

    response = post_json(client, SESSIONS, {})

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"rt", "held_on", "start_time", "duration_minutes", "topics", "facilitators"}
    assert {error["code"] for errors in body.values() for error in errors} == {"required"}


@pytest.mark.parametrize("persona", READERS)
def test_it_refuses_writes_from_readers(client, request, rt, persona):
    login_as(client, request.getfixturevalue(persona))

    assert post_json(client, SESSIONS, session_payload(rt)).status_code == 403
    assert post_json(client, GROUPS, as_json(group_input(rt))).status_code == 403
    forum = post_json(client, FORUM, as_json(forum_input(rt)))
    if persona == "head":
        assert forum.status_code == 403
    else:  # the agency records Forum Anak at city, kecamatan and kelurahan level; RTs are the volunteers'
        assert forum.status_code == 400
        assert forum.json() == {
            "level": [{"message": forum.json()["level"][0]["message"], "code": "level_not_allowed"}]
        }
    assert no_outreach_writes()
    assert ForumAnakActivity.objects.count() == 0


# --- Who may read --------------------------------------------------------------------------------


def listed_ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_it_lists_only_the_volunteers_own_rt_sessions(client, volunteer, logged_session, others_session):
    login_as(client, volunteer)

    response = client.get(SESSIONS)

    assert listed_ids(response) == {str(logged_session.uuid)}
    assert response.json()["count"] == 1


@pytest.mark.parametrize("persona", READERS)
def test_it_lists_every_session_to_readers(client, request, persona, logged_session, others_session):
    login_as(client, request.getfixturevalue(persona))

    response = client.get(SESSIONS)

    assert listed_ids(response) == {str(logged_session.uuid), str(others_session.uuid)}
    assert not any(item["editable"] for item in response.json()["results"])


def test_it_filters_sessions_by_rt_and_dates(client, officer, volunteer, rt, other_rt, logged_session, others_session):
    old = outreach_session_log(
        data=session_input(rt, held_on=timezone.localdate() - timedelta(days=30)), acting_user=volunteer
    )
    login_as(client, officer)
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()

    assert listed_ids(client.get(SESSIONS, {"rt": rt.pk})) == {str(logged_session.uuid), str(old.uuid)}
    assert listed_ids(client.get(SESSIONS, {"rt": rt.pk, "from": week_ago})) == {str(logged_session.uuid)}
    assert listed_ids(client.get(SESSIONS, {"to": week_ago})) == {str(old.uuid)}


def test_it_refuses_a_bad_filter_per_field(client, officer):
    login_as(client, officer)

    response = client.get(SESSIONS, {"from": "kemarin", "rt": "satu"})

    assert response.status_code == 400
    assert {field: errors[0]["code"] for field, errors in response.json().items()} == {
        "from": "invalid",
        "rt": "invalid",
    }


def all_endpoints(session, group) -> list[str]:
    return [SESSIONS, session_url(session.uuid), GROUPS, group_url(group.uuid), FORUM]


@pytest.fixture
def group(volunteer, rt):
    return child_care_group_register(
        data=group_input(rt, contact_person="Ibu Rina, 0812 3456 7890"), acting_user=volunteer
    )


def test_it_refuses_a_sysadmin(client, sysadmin, rt, logged_session, group):
    login_as(client, sysadmin)

    for url in all_endpoints(logged_session, group):
        assert client.get(url).status_code == 403, url
    assert post_json(client, SESSIONS, session_payload(rt)).status_code == 403


def test_it_refuses_anonymous_callers(client, rt, logged_session, group):
    for url in all_endpoints(logged_session, group):
        assert client.get(url).status_code == 403, url
    assert post_json(client, SESSIONS, session_payload(rt)).status_code == 403


def test_it_refuses_staff_who_have_not_given_the_second_factor(client, officer, logged_session, group, settings):
    settings.STAFF_2FA_REQUIRED = True
    client.force_login(officer)

    for url in all_endpoints(logged_session, group):
        assert client.get(url).status_code == 403, url

    login_as(client, officer)
    assert client.get(SESSIONS).status_code == 200


def test_it_answers_an_invisible_session_exactly_like_a_missing_one(client, volunteer, others_session):
    login_as(client, volunteer)

    invisible = client.get(session_url(others_session.uuid))
    missing = client.get(session_url(uuid.uuid4()))

    assert invisible.status_code == missing.status_code == 404
    assert invisible.json() == missing.json()


def test_it_shows_a_session_to_its_volunteer_and_to_readers(client, volunteer, officer, logged_session):
    login_as(client, volunteer)
    mine = client.get(session_url(logged_session.uuid)).json()
    login_as(client, officer)
    read = client.get(session_url(logged_session.uuid)).json()

    assert mine["id"] == read["id"] == str(logged_session.uuid)
    assert (mine["editable"], read["editable"]) == (True, False)
    assert "logged_by" not in mine and mine["facilitators"] == "Ibu Sari, Pak Budi"


# --- Changing a session --------------------------------------------------------------------------


def test_it_lets_the_volunteer_change_their_session_within_7_days_then_locks_it(client, volunteer, rt, logged_session):
    login_as(client, volunteer)
    url = session_url(logged_session.uuid)

    put = client.put(url, session_payload(rt, boys=20), content_type="application/json")
    assert put.status_code == 200, put.json()
    assert put.json()["boys"] == 20
    patch = client.patch(url, {"girls": 1}, content_type="application/json")
    assert patch.status_code == 200, patch.json()
    assert (patch.json()["boys"], patch.json()["girls"], patch.json()["children"]) == (20, 1, 21)
    assert [event.data for event in AuditEvent.objects.filter(action="outreach.session_updated").order_by("pk")] == [
        {"fields": ["boys"]},
        {"fields": ["girls"]},
    ]

    OutreachSession.objects.update(logged_at=timezone.now() - timedelta(days=8))
    locked = client.patch(url, {"girls": 2}, content_type="application/json")

    assert locked.status_code == 400
    assert locked.json()["non_field_errors"][0]["code"] == "session_locked"
    assert OutreachSession.objects.get().girls == 1
    assert client.get(url).json()["editable"] is False


def test_it_checks_a_partial_change_against_the_whole_session(client, volunteer, logged_session):
    login_as(client, volunteer)

    response = client.patch(session_url(logged_session.uuid), {"topics": ["lainnya"]}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["other_topic"][0]["code"] == "invalid"
    assert OutreachSession.objects.get().topics == ["hak_anak", "cara_melapor"]


def test_it_answers_a_change_to_an_invisible_session_with_404(client, volunteer, other_rt, others_session):
    login_as(client, volunteer)

    response = client.patch(session_url(others_session.uuid), {"boys": 1}, content_type="application/json")

    assert response.status_code == 404
    assert OutreachSession.objects.get().boys == 12


@pytest.mark.parametrize("persona", READERS)
def test_it_refuses_changes_from_readers(client, request, persona, logged_session):
    login_as(client, request.getfixturevalue(persona))

    response = client.patch(session_url(logged_session.uuid), {"boys": 1}, content_type="application/json")

    assert response.status_code == 403
    assert OutreachSession.objects.get().boys == 12


# --- Child-care groups ---------------------------------------------------------------------------


def test_it_lets_a_volunteer_register_a_group_and_see_its_contact_person(client, volunteer, rt):
    login_as(client, volunteer)

    response = post_json(client, GROUPS, as_json(group_input(rt, contact_person="Ibu Rina", members=12)))

    body = response.json()
    assert response.status_code == 201, body
    group = ChildCareGroup.objects.get()
    assert body["id"] == str(group.uuid)
    assert (body["name"], body["members"], body["contact_person"], body["has_contact"]) == (
        "Kelompok Peduli Anak Melati",
        12,
        "Ibu Rina",
        True,
    )
    assert AuditEvent.objects.filter(action="outreach.group_registered").count() == 1


def test_it_refuses_a_second_group_of_the_same_name_in_an_rt(client, volunteer, rt, group):
    login_as(client, volunteer)

    response = post_json(client, GROUPS, as_json(group_input(rt, name="kelompok peduli anak melati")))

    assert response.status_code == 400
    assert response.json()["name"][0]["code"] == "group_exists"
    assert ChildCareGroup.objects.count() == 1


@pytest.mark.parametrize("persona", READERS)
def test_it_hides_a_groups_contact_person_from_readers(client, request, persona, group):
    login_as(client, request.getfixturevalue(persona))

    [listed] = client.get(GROUPS).json()["results"]
    detail = client.get(group_url(group.uuid)).json()

    for body in (listed, detail):
        assert body["has_contact"] is True
        assert "contact_person" not in body
    assert b"Rina" not in client.get(GROUPS).content


def test_it_shows_a_groups_contact_person_to_its_volunteer(client, volunteer, group):
    login_as(client, volunteer)

    [listed] = client.get(GROUPS).json()["results"]
    detail = client.get(group_url(group.uuid)).json()

    assert listed["contact_person"] == detail["contact_person"] == "Ibu Rina, 0812 3456 7890"


def test_it_hides_a_group_from_a_volunteer_of_another_rt(client, other_volunteer, group):
    login_as(client, other_volunteer)

    assert client.get(GROUPS).json()["results"] == []
    assert client.get(group_url(group.uuid)).status_code == 404
    assert client.patch(group_url(group.uuid), {"members": 1}, content_type="application/json").status_code == 404


def test_it_lets_the_volunteer_change_their_group(client, volunteer, group):
    login_as(client, volunteer)
    formed = group.formed_on

    response = client.patch(
        group_url(group.uuid),
        {"last_activity_on": (formed - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["last_activity_on"][0]["code"] == "invalid"

    response = client.patch(
        group_url(group.uuid), {"members": 30, "contact_person": ""}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["members"], response.json()["has_contact"]) == (30, False)
    assert AuditEvent.objects.get(action="outreach.group_updated").data == {"fields": ["contact_person", "members"]}


def test_it_refuses_group_changes_from_an_officer(client, officer, group):
    login_as(client, officer)

    response = client.put(group_url(group.uuid), as_json(group_input(group.rt)), content_type="application/json")

    assert response.status_code == 403
    assert ChildCareGroup.objects.get().contact_person == "Ibu Rina, 0812 3456 7890"


# --- Forum Anak ----------------------------------------------------------------------------------


def test_it_lets_a_volunteer_log_a_forum_activity(client, volunteer, rt):
    login_as(client, volunteer)

    response = post_json(client, FORUM, as_json(forum_input(rt)))

    body = response.json()
    assert response.status_code == 201, body
    activity = ForumAnakActivity.objects.get()
    assert (body["id"], body["title"], body["children"], body["rt_label"]) == (
        str(activity.uuid),
        "Diskusi hak anak",
        20,
        "RT 001, Gunung Samarinda",
    )
    assert AuditEvent.objects.filter(action="outreach.forum_activity_logged").count() == 1


def test_it_refuses_a_forum_activity_with_a_bad_count(client, volunteer, rt):
    login_as(client, volunteer)

    response = post_json(client, FORUM, as_json(forum_input(rt, children=10_001)))

    assert response.status_code == 400
    assert response.json()["children"][0]["code"] == "max_value"
    assert ForumAnakActivity.objects.count() == 0


def test_it_lists_forum_activities_by_rt(client, volunteer, other_volunteer, officer, rt, other_rt):
    mine = forum_activity_log(data=forum_input(rt), acting_user=volunteer)
    theirs = forum_activity_log(data=forum_input(other_rt), acting_user=other_volunteer)

    login_as(client, volunteer)
    assert listed_ids(client.get(FORUM)) == {str(mine.uuid)}
    login_as(client, officer)
    assert listed_ids(client.get(FORUM)) == {str(mine.uuid), str(theirs.uuid)}


# --- Query budget and schema ---------------------------------------------------------------------


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["volunteer", "officer"])
def test_it_lists_sessions_in_a_fixed_number_of_queries(client, request, persona, volunteer, rt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login_as(client, request.getfixturevalue(persona))

    def log(count):
        for _ in range(count):
            outreach_session_log(data=session_input(rt), photos=[jpeg_upload()], acting_user=volunteer)

    log(3)
    few = queries_for(client, SESSIONS)
    log(17)
    many = queries_for(client, SESSIONS)

    assert few == many
    assert [item["photos"] for item in client.get(SESSIONS).json()["results"]] == [1] * 20


def test_it_lists_groups_in_a_fixed_number_of_queries(client, volunteer, rt):
    login_as(client, volunteer)

    def register(names):
        for name in names:
            child_care_group_register(data=group_input(rt, name=name, contact_person="Ibu"), acting_user=volunteer)

    register(["A", "B", "C"])
    few = queries_for(client, GROUPS)
    register([f"Kelompok {n}" for n in range(10)])

    assert queries_for(client, GROUPS) == few


def test_it_documents_every_operation_in_the_schema(client):
    response = client.get(reverse("api-schema"))

    schema = response.content.decode()
    assert response.status_code == 200
    for operation_id in (
        "outreach_session_list",
        "outreach_session_log",
        "outreach_session_detail",
        "outreach_session_update",
        "outreach_session_partial_update",
        "outreach_group_list",
        "outreach_group_register",
        "outreach_group_detail",
        "outreach_group_update",
        "outreach_group_partial_update",
        "outreach_forum_activity_list",
        "outreach_forum_activity_log",
        "outreach_partner_list",
        "outreach_partner_register",
        "outreach_partner_detail",
        "outreach_partner_deactivate",
        "outreach_partner_activity_list",
        "outreach_partner_activity_log",
    ):
        assert f"operationId: {operation_id}\n" in schema
