from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from outreach.models import ChildCareGroup, ForumAnakActivity, OutreachSession
from outreach.services import outreach_session_log
from tests.conftest import login_as
from tests.outreach_data import session_input
from tests.reporting import jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def session_post(rt, **overrides):
    data = {
        "rt": str(rt.pk),
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "start_time": "16:00",
        "duration_minutes": "90",
        "topics": ["hak_anak", "perundungan"],
        "facilitators": "Ibu Sari",
        "boys": "10",
        "girls": "12",
        "men": "3",
        "women": "8",
    }
    data.update(overrides)
    return data


VOLUNTEER_PAGES = ["outreach:home", "outreach:sessions", "outreach:session_create", "outreach:groups", "outreach:forum"]


@pytest.mark.parametrize("name", VOLUNTEER_PAGES)
def test_volunteer_pages_open_for_a_volunteer(client, volunteer, name):
    login_as(client, volunteer)

    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", VOLUNTEER_PAGES)
@pytest.mark.parametrize("persona", ["officer", "supervisor", "head", "sysadmin"])
def test_volunteer_pages_are_for_volunteers_only(client, request, name, persona):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", VOLUNTEER_PAGES)
def test_volunteer_pages_send_an_anonymous_visitor_to_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302 and "/akun/masuk/" in response.url


def test_a_volunteer_lands_on_their_home_after_login(client, volunteer):
    login_as(client, volunteer)

    response = client.get(reverse("accounts:staff_home"))

    assert response.url == reverse("outreach:home")
    home = client.get(response.url).content.decode()
    assert "RT 001" in home and "Gunung Samarinda" in home


def test_a_volunteer_logs_a_session_with_a_photo(client, volunteer, rt):
    login_as(client, volunteer)
    data = session_post(rt)
    data["photos"] = [jpeg_upload()]

    response = client.post(reverse("outreach:session_create"), data)

    assert response.status_code == 302 and response.url == reverse("outreach:sessions")
    session = OutreachSession.objects.get()
    assert (session.boys, session.girls, session.men, session.women, session.photos.count()) == (10, 12, 3, 8, 1)
    listing = client.get(response.url).content.decode()
    assert "Hak anak" in listing and "Perundungan" in listing


def test_the_form_offers_only_the_volunteers_rts(client, volunteer, rt, other_rt):
    login_as(client, volunteer)

    html = client.get(reverse("outreach:session_create")).content.decode()
    posted = client.post(reverse("outreach:session_create"), session_post(other_rt))

    assert f'value="{rt.pk}"' in html and f'value="{other_rt.pk}"' not in html
    assert posted.status_code == 400
    assert OutreachSession.objects.count() == 0


def test_bad_counts_and_dates_are_shown_per_field_in_indonesian(client, volunteer, rt):
    login_as(client, volunteer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(
        reverse("outreach:session_create"), session_post(rt, boys="-3", women="20000", held_on=tomorrow)
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert html.count('class="error"') >= 2
    assert "10000" in html or "10.000" in html
    assert OutreachSession.objects.count() == 0

    response = client.post(reverse("outreach:session_create"), session_post(rt, held_on=tomorrow))
    assert "masa depan" in response.content.decode()


def test_a_session_can_be_changed_for_7_days_then_shows_as_locked(client, volunteer, rt):
    login_as(client, volunteer)
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)
    edit = reverse("outreach:session_edit", args=[session.uuid])

    assert client.post(edit, session_post(rt, boys="33")).status_code == 302
    assert OutreachSession.objects.get().boys == 33

    OutreachSession.objects.update(logged_at=timezone.now() - timedelta(days=8))
    assert client.get(edit).status_code == 302
    assert client.post(edit, session_post(rt, boys="44")).status_code == 302
    assert OutreachSession.objects.get().boys == 33
    assert "Terkunci" in client.get(reverse("outreach:sessions")).content.decode()


def test_another_volunteers_session_answers_404(client, volunteer, other_volunteer, other_rt):
    session = outreach_session_log(data=session_input(other_rt), acting_user=other_volunteer)
    login_as(client, volunteer)

    assert client.get(reverse("outreach:session_edit", args=[session.uuid])).status_code == 404


def test_a_supervisor_unlocks_a_session_from_its_page(client, volunteer, supervisor, officer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)
    OutreachSession.objects.update(logged_at=timezone.now() - timedelta(days=30))
    detail = reverse("outreach:session_detail", args=[session.uuid])
    unlock = reverse("outreach:session_unlock", args=[session.uuid])

    login_as(client, officer)
    assert client.get(detail).status_code == 200
    assert client.post(unlock).status_code == 403

    login_as(client, supervisor)
    assert "Buka kunci" in client.get(detail).content.decode()
    assert client.post(unlock).status_code == 302
    assert OutreachSession.objects.get().unlocked_until > timezone.now()


def test_a_volunteer_registers_a_group_and_logs_a_forum_activity(client, volunteer, rt):
    login_as(client, volunteer)
    formed = (timezone.localdate() - timedelta(days=100)).isoformat()

    group = client.post(
        reverse("outreach:groups"),
        {"rt": rt.pk, "name": "KPA Melati", "formed_on": formed, "members": "12", "active": "on", "contact_person": ""},
    )
    forum = client.post(
        reverse("outreach:forum"),
        {
            "rt": rt.pk,
            "held_on": timezone.localdate().isoformat(),
            "title": "Musyawarah",
            "children": "25",
            "topics": ["hak_anak"],
            "suggestions": "Taman bermain",
        },
    )

    assert group.status_code == forum.status_code == 302
    assert ChildCareGroup.objects.get().members == 12
    assert ForumAnakActivity.objects.get().suggestions == "Taman bermain"
    assert "KPA Melati" in client.get(reverse("outreach:groups")).content.decode()


def test_volunteers_see_no_reports_or_cases(client, volunteer):
    login_as(client, volunteer)

    assert client.get(reverse("accounts:staff_home")).status_code == 302
    html = client.get(reverse("outreach:home")).content.decode()
    assert "/staf/laporan" not in html


def test_a_session_form_tells_every_mistake_at_once(client, volunteer, rt):
    """A missing RT used to hide the date and topic errors until it was fixed."""
    login_as(client, volunteer)

    response = client.post(
        reverse("outreach:session_create"), {**session_post(rt, held_on="", topics=[], facilitators=""), "rt": ""}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"rt", "held_on", "topics", "facilitators"}, errors
    assert errors["topics"] == ["Pilih paling sedikit satu topik."]
    html = response.content.decode()
    for name in ("rt", "held_on", "topics", "facilitators"):
        assert f'id="id_{name}_error"' in html, name
    assert OutreachSession.objects.count() == 0


def test_the_service_rules_still_run_when_another_field_failed(client, volunteer, rt):
    login_as(client, volunteer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(
        reverse("outreach:session_create"), {**session_post(rt, held_on=tomorrow, boys="-1"), "rt": ""}
    )

    errors = response.context["form"].errors
    assert set(errors) == {"rt", "held_on", "boys"}, errors
    assert "masa depan" in errors["held_on"][0]


def test_the_session_form_marks_every_required_field(client, volunteer, rt):
    login_as(client, volunteer)

    form = client.get(reverse("outreach:session_create")).context["form"]
    html = client.get(reverse("outreach:session_create")).content.decode()

    required = [name for name, field in form.fields.items() if field.required]
    assert set(required) >= {"rt", "held_on", "start_time", "duration_minutes", "topics", "facilitators"}
    assert html.count("(wajib)") == len(required)
    for name in ("rt", "held_on", "start_time", "duration_minutes", "facilitators"):
        assert str(form[name]).count(" required") == 1, name
    assert "(wajib)" not in str(form["notes"].label_tag())


def _shown(moment):
    with translation.override("id"):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_a_volunteer_sees_until_when_a_session_can_be_changed(client, volunteer, supervisor, rt):
    login_as(client, volunteer)
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)
    logged_at = timezone.now() - timedelta(days=2)
    OutreachSession.objects.update(logged_at=logged_at)
    until = _shown(logged_at + timedelta(days=7))

    assert f"Bisa diubah sampai {until}" in client.get(reverse("outreach:sessions")).content.decode()
    assert f"sampai {until}" in client.get(reverse("outreach:session_edit", args=[session.uuid])).content.decode()

    OutreachSession.objects.update(logged_at=logged_at - timedelta(days=10))
    listing = client.get(reverse("outreach:sessions")).content.decode()
    assert f"Terkunci sejak {_shown(logged_at - timedelta(days=3))}" in listing, listing

    login_as(client, supervisor)
    detail = client.get(reverse("outreach:session_detail", args=[session.uuid])).content.decode()
    assert "Terkunci sejak" in detail
    client.post(reverse("outreach:session_unlock", args=[session.uuid]))
    unlocked_until = OutreachSession.objects.get().unlocked_until
    detail = client.get(reverse("outreach:session_detail", args=[session.uuid])).content.decode()
    assert f"Bisa sampai {_shown(unlocked_until)}" in detail
