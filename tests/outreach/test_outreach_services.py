from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.encrypted_files import read_decrypted
from core.errors import DomainError
from core.models import AuditEvent
from outreach.models import ChildCareGroup, ForumAnakActivity, OutreachPhoto, OutreachSession
from outreach.services import (
    child_care_group_register,
    child_care_group_update,
    forum_activity_log,
    outreach_session_log,
    outreach_session_unlock,
    outreach_session_update,
)
from tests.outreach_data import forum_input, group_input, session_input
from tests.reporting import jpeg_upload, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def test_a_volunteer_logs_a_session_in_their_rt_with_an_audit_row(volunteer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)

    assert (session.rt, session.logged_by, session.people) == (rt, volunteer, 40)
    event = AuditEvent.objects.get(action="outreach.session_logged")
    assert (event.actor, event.target_id, event.data["people"]) == (volunteer, str(session.pk), 40)


def test_a_volunteer_cannot_log_in_another_rt(volunteer, other_rt):
    with pytest.raises(DomainError) as error:
        outreach_session_log(data=session_input(other_rt), acting_user=volunteer)

    assert error.value.field == "rt"
    assert OutreachSession.objects.count() == 0


@pytest.mark.parametrize("persona", ["officer", "supervisor", "head", "sysadmin"])
def test_only_volunteers_log_sessions(persona, request, rt):
    with pytest.raises(DomainError):
        outreach_session_log(data=session_input(rt), acting_user=request.getfixturevalue(persona))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"topics": []}, "topics"),
        ({"topics": ["astrologi"]}, "topics"),
        ({"topics": ["lainnya"], "other_topic": "  "}, "other_topic"),
        ({"facilitators": "   "}, "facilitators"),
        ({"boys": -1}, "boys"),
        ({"women": 10_001}, "women"),
    ],
)
def test_bad_session_input_is_refused_per_field_and_nothing_saved(volunteer, rt, overrides, field):
    with pytest.raises(DomainError) as error:
        outreach_session_log(data=session_input(rt, **overrides), acting_user=volunteer)

    assert error.value.field == field
    assert OutreachSession.objects.count() == AuditEvent.objects.filter(action__startswith="outreach").count() == 0


def test_the_database_refuses_counts_over_10000(volunteer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)

    with pytest.raises(IntegrityError):
        OutreachSession.objects.filter(pk=session.pk).update(boys=10_001)


def test_session_photos_are_stored_encrypted_without_metadata(volunteer, rt, settings):
    session = outreach_session_log(data=session_input(rt), photos=[jpeg_upload()], acting_user=volunteer)

    photo = OutreachPhoto.objects.get(session=session)
    raw = (settings.MEDIA_ROOT / photo.stored_name).read_bytes()
    assert not raw.startswith(b"\xff\xd8")
    assert b"DistinctiveCameraMaker" not in read_decrypted(photo.stored_name)


def test_a_session_takes_photos_only(volunteer, rt):
    with pytest.raises(DomainError) as error:
        outreach_session_log(data=session_input(rt), photos=[pdf_upload()], acting_user=volunteer)

    assert error.value.field == "photos"
    assert OutreachSession.objects.count() == 0


def test_a_volunteer_edits_their_session_for_7_days_then_it_is_locked(volunteer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)

    outreach_session_update(session=session, data=session_input(rt, boys=20), acting_user=volunteer)
    assert OutreachSession.objects.get().boys == 20
    assert AuditEvent.objects.get(action="outreach.session_updated").data == {"fields": ["boys"]}

    OutreachSession.objects.update(logged_at=timezone.now() - timedelta(days=8))
    with pytest.raises(DomainError) as error:
        outreach_session_update(session=session, data=session_input(rt, boys=30), acting_user=volunteer)
    assert error.value.code == "session_locked"
    assert OutreachSession.objects.get().boys == 20


def test_a_supervisor_unlocks_a_locked_session(volunteer, supervisor, officer, rt):
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)
    OutreachSession.objects.update(logged_at=timezone.now() - timedelta(days=30))

    with pytest.raises(DomainError):
        outreach_session_unlock(session=session, acting_user=officer)
    outreach_session_unlock(session=session, acting_user=supervisor)
    outreach_session_update(session=session, data=session_input(rt, girls=1), acting_user=volunteer)

    assert OutreachSession.objects.get().girls == 1
    assert AuditEvent.objects.filter(action="outreach.session_unlocked", actor=supervisor).count() == 1


def test_another_volunteer_of_the_same_rt_cannot_edit_a_session(volunteer, rt):
    from accounts.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.VOLUNTEER, rts=[rt])
    session = outreach_session_log(data=session_input(rt), acting_user=volunteer)

    with pytest.raises(DomainError):
        outreach_session_update(session=session, data=session_input(rt, boys=1), acting_user=colleague)


def test_groups_are_registered_once_per_rt_with_the_contact_encrypted(volunteer, rt):
    from django.db import connection

    group = child_care_group_register(data=group_input(rt, contact_person="Ibu Kenanga 0812777"), acting_user=volunteer)

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_person FROM outreach_childcaregroup")
        assert "Kenanga" not in cursor.fetchone()[0]
    assert ChildCareGroup.objects.get().contact_person == "Ibu Kenanga 0812777"
    with pytest.raises(DomainError) as error:
        child_care_group_register(data=group_input(rt, name="kelompok peduli anak melati"), acting_user=volunteer)
    assert error.value.field == "name"

    child_care_group_update(group=group, data=group_input(rt, active=False, members=8), acting_user=volunteer)
    assert ChildCareGroup.objects.get().active is False


def test_a_group_activity_cannot_predate_the_group(volunteer, rt):
    today = timezone.localdate()
    with pytest.raises(DomainError) as error:
        child_care_group_register(
            data=group_input(rt, formed_on=today - timedelta(days=5), last_activity_on=today - timedelta(days=9)),
            acting_user=volunteer,
        )

    assert error.value.field == "last_activity_on"


def test_forum_activities_are_logged_in_own_rts_only(volunteer, rt, other_rt):
    forum_activity_log(data=forum_input(rt, suggestions="Kami ingin taman bermain."), acting_user=volunteer)
    with pytest.raises(DomainError):
        forum_activity_log(data=forum_input(other_rt), acting_user=volunteer)

    assert ForumAnakActivity.objects.get().suggestions == "Kami ingin taman bermain."
