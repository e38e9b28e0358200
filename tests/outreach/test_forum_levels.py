"""Forum Anak at every level: city (Forum Anak Kota Balikpapan), kecamatan, kelurahan and RT.

The place must match the level (service, form, API and the database each refuse a mismatch);
volunteers log in their RTs and for the kelurahan of those RTs, the agency above the RT."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from areas.models import Kecamatan, Kelurahan
from core.errors import DomainError
from core.models import AuditEvent
from outreach.access import forum_activities_for
from outreach.models import ForumAnakActivity
from outreach.services import forum_activity_log
from tests.conftest import login_as
from tests.outreach.test_outreach_api import as_json, post_json
from tests.outreach_data import forum_input

pytestmark = pytest.mark.django_db

FORUM_API = reverse("api-outreach-forum-activities")
STAFF_LIST = reverse("outreach_staff:forum")
STAFF_RECORD = reverse("outreach_staff:forum_record")


def level_input(level, *, rt=None, **overrides):
    """An activity at `level`; its place (if any) among the overrides."""
    return forum_input(rt, level=level, **overrides)


def city_input(**overrides):
    return level_input("kota", **{"title": "Musyawarah Forum Anak Kota Balikpapan", **overrides})


def kecamatan_input(kecamatan, **overrides):
    return level_input("kecamatan", kecamatan=kecamatan, **overrides)


def kelurahan_input(kelurahan, **overrides):
    return level_input("kelurahan", kelurahan=kelurahan, **overrides)


def elsewhere(rt) -> Kelurahan:
    return Kelurahan.objects.exclude(pk=rt.kelurahan_id).order_by("pk").first()


# --- Services ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "supervisor"])
def test_it_lets_the_agency_record_forum_anak_kota_balikpapan(request, persona):
    staff = request.getfixturevalue(persona)

    activity = forum_activity_log(data=city_input(), acting_user=staff)

    activity.refresh_from_db()
    assert (activity.level, activity.kecamatan, activity.kelurahan, activity.rt) == ("kota", None, None, None)
    assert activity.place_label == "Kota Balikpapan"
    event = AuditEvent.objects.get(action="outreach.forum_activity_logged")
    assert (event.actor, event.data) == (staff, {"level": "kota", "kota": None})


def test_it_lets_the_agency_record_kecamatan_and_kelurahan_forums(officer, rt):
    kecamatan = rt.kelurahan.kecamatan

    at_kecamatan = forum_activity_log(data=kecamatan_input(kecamatan), acting_user=officer)
    at_kelurahan = forum_activity_log(data=kelurahan_input(rt.kelurahan), acting_user=officer)

    assert at_kecamatan.kecamatan == kecamatan
    assert at_kecamatan.place_label == f"Kecamatan {kecamatan.name}"
    assert at_kelurahan.kelurahan == rt.kelurahan
    assert at_kelurahan.place_label == f"Kelurahan {rt.kelurahan.name}, {kecamatan.name}"


@pytest.mark.parametrize(
    ("level", "places", "field"),
    [
        ("kecamatan", {}, "kecamatan"),  # a kecamatan-level activity without its kecamatan
        ("kelurahan", {}, "kelurahan"),
        ("rt", {}, "rt"),
        ("kota", {"kecamatan": True}, "kecamatan"),  # the city level has no place
        ("kecamatan", {"kecamatan": True, "kelurahan": True}, "kelurahan"),
        ("kelurahan", {"kelurahan": True, "rt": True}, "rt"),
        ("rt", {"rt": True, "kecamatan": True}, "kecamatan"),
    ],
)
def test_it_refuses_a_place_that_does_not_match_the_level(supervisor, volunteer, rt, level, places, field):
    values = {"kecamatan": rt.kelurahan.kecamatan, "kelurahan": rt.kelurahan, "rt": rt}
    data = level_input(level, **{name: values[name] for name in places})
    user = volunteer if level == "rt" else supervisor

    with pytest.raises(DomainError) as refused:
        forum_activity_log(data=data, acting_user=user)

    assert refused.value.field == field
    assert ForumAnakActivity.objects.count() == 0
    assert not AuditEvent.objects.filter(action="outreach.forum_activity_logged").exists()


def test_it_refuses_an_unknown_level(supervisor):
    with pytest.raises(DomainError) as refused:
        forum_activity_log(data=level_input("provinsi"), acting_user=supervisor)

    assert refused.value.field == "level"


def test_a_volunteer_logs_their_rt_and_their_kelurahan_forum(volunteer, rt):
    in_rt = forum_activity_log(data=forum_input(rt), acting_user=volunteer)
    in_kelurahan = forum_activity_log(data=kelurahan_input(rt.kelurahan), acting_user=volunteer)

    assert {a.pk for a in forum_activities_for(volunteer)} == {in_rt.pk, in_kelurahan.pk}


@pytest.mark.parametrize(
    ("make", "field", "code"),
    [
        (lambda rt, other_rt: forum_input(other_rt), "rt", "not_your_rt"),
        (lambda rt, other_rt: kelurahan_input(other_rt.kelurahan), "kelurahan", "not_your_rt"),
        (lambda rt, other_rt: kecamatan_input(rt.kelurahan.kecamatan), "level", "level_not_allowed"),
        (lambda rt, other_rt: city_input(), "level", "level_not_allowed"),
    ],
)
def test_a_volunteer_is_kept_to_their_rts_and_kelurahan(volunteer, rt, other_rt, make, field, code):
    with pytest.raises(DomainError) as refused:
        forum_activity_log(data=make(rt, other_rt), acting_user=volunteer)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert ForumAnakActivity.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer", "head", "sysadmin"])
def test_only_volunteers_log_rt_level_activities(request, rt, persona):
    with pytest.raises(DomainError) as refused:
        forum_activity_log(data=forum_input(rt), acting_user=request.getfixturevalue(persona))

    assert refused.value.code == "level_not_allowed"


@pytest.mark.parametrize("persona", ["head", "sysadmin", "volunteer"])
def test_the_city_forum_is_the_agencys(request, persona):
    with pytest.raises(DomainError):
        forum_activity_log(data=city_input(), acting_user=request.getfixturevalue(persona))


def test_a_volunteer_sees_rt_and_kelurahan_activities_of_their_own_area_only(
    volunteer, other_volunteer, officer, rt, other_rt
):
    mine = forum_activity_log(data=kelurahan_input(rt.kelurahan), acting_user=officer)
    forum_activity_log(data=kelurahan_input(other_rt.kelurahan), acting_user=officer)
    forum_activity_log(data=city_input(), acting_user=officer)
    forum_activity_log(data=kecamatan_input(rt.kelurahan.kecamatan), acting_user=officer)
    forum_activity_log(data=forum_input(other_rt), acting_user=other_volunteer)

    assert [a.pk for a in forum_activities_for(volunteer)] == [mine.pk]
    assert forum_activities_for(officer).count() == 5


# --- The database --------------------------------------------------------------------------------


RAW_INSERT = (
    "INSERT INTO outreach_forumanakactivity (uuid, level, kecamatan_id, kelurahan_id, rt_id, held_on, title,"
    " children, topics, other_topic, suggestions, logged_by_id, logged_at)"
    " VALUES (gen_random_uuid(), %s, %s, %s, %s, %s, 'x', 0, '[]'::jsonb, '', '', %s, now())"
)


@pytest.mark.parametrize(
    ("level", "places"),
    [
        ("kota", ["kecamatan"]),
        ("kecamatan", []),
        ("kecamatan", ["rt"]),
        ("kecamatan", ["kecamatan", "kelurahan"]),
        ("kelurahan", ["kecamatan"]),
        ("rt", []),
        ("rt", ["rt", "kelurahan"]),
    ],
)
def test_the_database_refuses_a_place_that_does_not_match_the_level(officer, rt, level, places):
    given = {"kecamatan": rt.kelurahan.kecamatan_id, "kelurahan": rt.kelurahan_id, "rt": rt.pk}
    values = [given[name] if name in places else None for name in ("kecamatan", "kelurahan", "rt")]

    with (
        pytest.raises(IntegrityError, match="outreach_forum_place_matches_level"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(RAW_INSERT, [level, *values, timezone.localdate(), officer.pk])


def test_the_database_accepts_each_level_with_its_own_place(officer, rt):
    today = timezone.localdate()
    rows = [
        ("kota", None, None, None),
        ("kecamatan", rt.kelurahan.kecamatan_id, None, None),
        ("kelurahan", None, rt.kelurahan_id, None),
        ("rt", None, None, rt.pk),
    ]
    with connection.cursor() as cursor:
        for level, kecamatan, kelurahan, rt_id in rows:
            cursor.execute(RAW_INSERT, [level, kecamatan, kelurahan, rt_id, today, officer.pk])

    assert sorted(ForumAnakActivity.objects.values_list("level", flat=True)) == sorted(row[0] for row in rows)


# --- The agency's pages --------------------------------------------------------------------------


def form_post(level, **fields):
    data = {
        "level": level,
        "held_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "title": "Musyawarah Forum Anak",
        "children": "40",
        "topics": ["hak_anak"],
    }
    data.update(fields)
    return data


def test_the_form_asks_only_for_the_place_of_the_chosen_level(client, officer):
    login_as(client, officer)

    city = client.get(STAFF_RECORD).text
    kecamatan = client.get(STAFF_RECORD, {"level": "kecamatan"}).text
    kelurahan = client.get(STAFF_RECORD, {"level": "kelurahan"}).text

    assert 'name="level" value="kota"' in city
    assert all(f'name="{place}"' not in city for place in ("kecamatan", "kelurahan", "rt"))
    assert 'name="kecamatan"' in kecamatan and 'name="kelurahan"' not in kecamatan
    assert 'name="kelurahan"' in kelurahan and 'name="kecamatan"' not in kelurahan
    assert 'name="rt"' not in kelurahan
    # the level chooser offers the agency's levels, not the RT
    assert '<option value="rt"' not in city and '<option value="kota" selected>' in city


def test_the_agency_records_forum_anak_kota_balikpapan_in_the_form(client, supervisor):
    login_as(client, supervisor)

    response = client.post(STAFF_RECORD, form_post("kota", title="Forum Anak Kota Balikpapan: Hari Anak"))

    assert response.status_code == 302
    assert response["Location"] == STAFF_LIST
    activity = ForumAnakActivity.objects.get()
    assert (activity.level, activity.title, activity.logged_by) == (
        "kota",
        "Forum Anak Kota Balikpapan: Hari Anak",
        supervisor,
    )
    listing = client.get(STAFF_LIST).text
    assert "Forum Anak Kota Balikpapan: Hari Anak" in listing and "Kota Balikpapan" in listing


def test_the_form_says_in_indonesian_that_a_kecamatan_activity_needs_its_kecamatan(client, officer):
    login_as(client, officer)

    response = client.post(STAFF_RECORD, form_post("kecamatan", held_on="", title=""))

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["kecamatan"] == ["Pilih kecamatan tempat kegiatan Forum Anak Kecamatan ini."]
    assert "held_on" in form.errors and "title" in form.errors  # every mistake at once
    assert ForumAnakActivity.objects.count() == 0


def test_the_form_records_a_kecamatan_activity(client, officer):
    login_as(client, officer)
    kecamatan = Kecamatan.objects.order_by("name").first()

    response = client.post(STAFF_RECORD, form_post("kecamatan", kecamatan=str(kecamatan.pk)))

    assert response.status_code == 302
    assert ForumAnakActivity.objects.get().kecamatan == kecamatan


def test_the_agency_list_filters_by_level_and_pages(client, head, officer, volunteer, rt):
    forum_activity_log(data=city_input(title="Kegiatan kota"), acting_user=officer)
    forum_activity_log(data=forum_input(rt, title="Kegiatan RT"), acting_user=volunteer)
    login_as(client, head)

    everything = client.get(STAFF_LIST).text
    city_only = client.get(STAFF_LIST, {"level": "kota"}).text

    assert "Kegiatan kota" in everything and "Kegiatan RT" in everything
    assert "Kegiatan kota" in city_only and "Kegiatan RT" not in city_only
    assert "Catat kegiatan Forum Anak" not in everything  # the head reads, does not record


def test_the_agency_list_shows_an_empty_state(client, officer):
    login_as(client, officer)

    assert "Belum ada kegiatan Forum Anak" in client.get(STAFF_LIST).text


def test_the_agency_list_keeps_a_fixed_number_of_queries(client, officer, volunteer, rt, django_assert_max_num_queries):
    login_as(client, officer)
    forum_activity_log(data=city_input(), acting_user=officer)
    client.get(STAFF_LIST)  # warm the session and the language
    with django_assert_max_num_queries(12) as few:
        client.get(STAFF_LIST)
    forum_activity_log(data=kecamatan_input(rt.kelurahan.kecamatan), acting_user=officer)
    forum_activity_log(data=kelurahan_input(rt.kelurahan), acting_user=officer)
    for _ in range(5):
        forum_activity_log(data=forum_input(rt), acting_user=volunteer)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(STAFF_LIST)

    assert response.text.count("<tr>") == 9  # the header and eight activities


# --- The volunteer's page ------------------------------------------------------------------------


def test_a_volunteer_logs_their_kelurahan_forum_in_the_form(client, volunteer, rt):
    login_as(client, volunteer)

    page = client.get(reverse("outreach:forum"), {"level": "kelurahan"}).text
    response = client.post(reverse("outreach:forum"), form_post("kelurahan", kelurahan=str(rt.kelurahan_id)))

    assert 'name="kelurahan"' in page and 'name="rt"' not in page
    assert '<option value="kota"' not in page
    assert response.status_code == 302
    assert ForumAnakActivity.objects.get().kelurahan == rt.kelurahan


def test_a_volunteer_cannot_choose_another_kelurahan_in_the_form(client, volunteer, rt):
    login_as(client, volunteer)

    response = client.post(reverse("outreach:forum"), form_post("kelurahan", kelurahan=str(elsewhere(rt).pk)))

    assert response.status_code == 400
    assert "kelurahan" in response.context["form"].errors
    assert ForumAnakActivity.objects.count() == 0


def test_a_volunteer_cannot_post_the_city_level(client, volunteer, rt):
    """A level the person may not use falls back to their default (RT), which then needs its RT."""
    login_as(client, volunteer)

    response = client.post(reverse("outreach:forum"), form_post("kota"))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["rt"]
    assert ForumAnakActivity.objects.count() == 0


# --- The API -------------------------------------------------------------------------------------


def test_the_api_lets_the_agency_record_the_city_forum(client, officer):
    login_as(client, officer)

    response = post_json(client, FORUM_API, as_json(city_input()))

    body = response.json()
    assert response.status_code == 201, body
    assert {key: body[key] for key in ("level", "place", "kecamatan_id", "kelurahan_id", "rt", "kecamatan")} == {
        "level": "kota",
        "place": "Kota Balikpapan",
        "kecamatan_id": None,
        "kelurahan_id": None,
        "rt": None,
        "kecamatan": None,
    }


def test_the_api_returns_level_and_place_of_a_kelurahan_activity(client, officer, rt):
    login_as(client, officer)

    body = post_json(client, FORUM_API, as_json(kelurahan_input(rt.kelurahan))).json()

    assert (body["level"], body["kelurahan_id"], body["kelurahan"], body["kecamatan"]) == (
        "kelurahan",
        rt.kelurahan_id,
        rt.kelurahan.name,
        rt.kelurahan.kecamatan.name,
    )


def test_the_api_names_the_missing_place_with_a_code(client, officer):
    login_as(client, officer)

    response = post_json(client, FORUM_API, as_json(level_input("kecamatan")))

    assert response.status_code == 400
    assert response.json() == {
        "kecamatan": [{"message": "Pilih kecamatan tempat kegiatan Forum Anak Kecamatan ini.", "code": "invalid"}]
    }


def test_the_api_refuses_a_place_of_another_level(client, officer, rt):
    login_as(client, officer)

    response = post_json(client, FORUM_API, as_json(city_input(kelurahan=rt.kelurahan)))

    assert response.status_code == 400
    assert list(response.json()) == ["kelurahan"]
    assert ForumAnakActivity.objects.count() == 0


def test_the_api_keeps_a_volunteer_to_their_kelurahan(client, volunteer, other_rt):
    login_as(client, volunteer)

    response = post_json(client, FORUM_API, as_json(kelurahan_input(other_rt.kelurahan)))

    assert response.status_code == 400
    assert response.json()["kelurahan"][0]["code"] == "not_your_rt"


def test_the_api_filters_by_level(client, officer, volunteer, rt):
    city = forum_activity_log(data=city_input(), acting_user=officer)
    forum_activity_log(data=forum_input(rt), acting_user=volunteer)
    login_as(client, officer)

    response = client.get(FORUM_API, {"level": "kota"})

    assert [row["id"] for row in response.json()["results"]] == [str(city.uuid)]
    assert client.get(FORUM_API, {"level": "provinsi"}).status_code == 400
