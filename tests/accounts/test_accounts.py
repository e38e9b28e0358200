from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.services import user_create
from core.errors import DomainError
from core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
STAFF_HOME = reverse("accounts:staff_home")
VOLUNTEER_HOME = reverse("outreach:home")
INBOX = reverse("triage:inbox")


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_sends_a_new_officer_to_set_up_totp_and_then_lets_them_in(client, officer):
    response = log_in(client, "petugas")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:totp_setup"))

    # Logged in by password only: staff pages still ask for the second factor.
    assert client.get(STAFF_HOME).url.startswith(reverse("accounts:verify"))

    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)

    wrong = client.post(
        reverse("accounts:totp_setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Kode salah" in wrong.content.decode()

    device.refresh_from_db()
    throttled = client.post(reverse("accounts:totp_setup"), {"token": current_code(device)})
    assert "Tunggu" in throttled.content.decode(), "right after a wrong code, guessing is slowed down"

    device.throttle_reset()
    done = client.post(reverse("accounts:totp_setup"), {"token": current_code(device)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert AuditEvent.objects.filter(action="accounts.totp_enrolled", target_id=str(officer.pk)).exists()
    assert client.get(INBOX).status_code == 200


def test_it_asks_an_enrolled_officer_for_the_code_at_every_login(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)

    response = log_in(client, "petugas")
    assert response.url.startswith(reverse("accounts:verify"))

    bad = client.post(reverse("accounts:verify"), {"token": "12"})
    assert bad.status_code == 200
    assert "6 digit" in bad.content.decode()
    assert client.get(STAFF_HOME).status_code == 302

    ok = client.post(reverse("accounts:verify"), {"token": current_code(device), "next": STAFF_HOME})
    assert ok.status_code == 302 and ok.url == STAFF_HOME
    assert client.get(INBOX).status_code == 200


@pytest.mark.parametrize("enrolled", [True, False])
def test_it_gives_the_session_a_new_id_once_the_second_factor_is_proven(client, officer, enrolled):
    if enrolled:
        device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    log_in(client, "petugas")
    second_step = reverse("accounts:verify" if enrolled else "accounts:totp_setup")
    if not enrolled:
        client.get(second_step)
        device = TOTPDevice.objects.get(user=officer)
    before = client.session.session_key

    assert client.post(second_step, {"token": current_code(device)}).status_code == 302

    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists(), "the old id opens nothing"
    assert client.get(INBOX).status_code == 200


def test_it_never_redirects_to_another_host_after_login(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    log_in(client, "petugas")

    response = client.post(reverse("accounts:verify"), {"token": current_code(device), "next": "https://evil.example/"})

    assert response.url == STAFF_HOME


def test_it_lets_a_volunteer_in_with_a_password_only(client, volunteer):
    response = log_in(client, "relawan")

    assert response.status_code == 302
    assert client.get(STAFF_HOME).url == VOLUNTEER_HOME
    assert client.get(VOLUNTEER_HOME).status_code == 200


def test_it_skips_the_second_factor_when_switched_off_and_says_so_in_a_banner(client, officer, settings):
    settings.STAFF_2FA_REQUIRED = False

    log_in(client, "petugas")
    page = client.get(INBOX)

    assert page.status_code == 200
    assert "Mode demo" in page.content.decode()


def test_it_shows_no_demo_banner_when_the_second_factor_is_required(client, settings):
    settings.STAFF_2FA_REQUIRED = True

    assert "Mode demo" not in client.get(LOGIN).content.decode()


def test_it_keeps_the_demo_banner_off_public_pages_children_see(client, settings):
    settings.STAFF_2FA_REQUIRED = False

    assert "Mode demo" in client.get(LOGIN).content.decode()
    assert "Mode demo" not in client.get("/").content.decode()


def test_it_rejects_a_wrong_password_with_a_clear_message(client, officer):
    response = log_in(client, "petugas", "wrong-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nama pengguna atau kata sandi tidak benar." in html
    assert "nama pengguna nama pengguna" not in html.lower()
    assert client.get(STAFF_HOME).status_code == 302


def test_it_locks_an_address_after_five_failed_logins_on_one_account_even_for_the_right_password(client, officer):
    for _ in range(5):
        log_in(client, "petugas", "wrong-password")

    response = log_in(client, "petugas")

    assert response.status_code == 429
    assert "Terlalu banyak" in response.content.decode()


def test_it_ends_a_staff_session_after_30_idle_minutes(client, volunteer, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    log_in(client, "relawan")
    assert client.get(VOLUNTEER_HOME).status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(VOLUNTEER_HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_it_sends_an_anonymous_visitor_of_staff_pages_to_login(client):
    response = client.get(STAFF_HOME)

    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_user_create_writes_the_user_and_an_audit_row(supervisor, rt):
    user = user_create(
        username="kader1", role=Role.VOLUNTEER, password="Kader-Baru-2026", rts=[rt], acting_user=supervisor
    )

    assert list(user.rts.all()) == [rt]
    assert user.check_password("Kader-Baru-2026")
    event = AuditEvent.objects.get(action="accounts.user_created", target_id=str(user.pk))
    assert event.actor == supervisor and event.data["role"] == "volunteer"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.VOLUNTEER, "password": "Kader-Baru-2026"}, "rts"),
        ({"role": Role.OFFICER, "password": "12345678901"}, "password"),
        ({"role": Role.OFFICER, "password": "Kader-Baru-2026", "username": "koordinator"}, "username"),
    ],
)
def test_user_create_refuses_bad_input_and_saves_nothing(supervisor, kwargs, field):
    before = (User.objects.count(), AuditEvent.objects.count())

    with pytest.raises(DomainError) as error:
        user_create(**{"username": "baru", **kwargs}, acting_user=supervisor)

    assert error.value.field == field
    assert str(error.value.message)
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_the_database_refuses_admin_site_access_for_non_admins():
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.OFFICER, is_staff=True)


def test_the_database_refuses_an_unknown_role():
    with pytest.raises(IntegrityError):
        UserFactory(role="superhero")


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("volunteer", "outreach:home"),
        ("officer", "triage:inbox"),
        ("head", "dashboard_staff:index"),
    ],
)
def test_each_role_starts_where_its_work_is(client, request, persona, start):
    from tests.conftest import login_as

    login_as(client, request.getfixturevalue(persona))

    assert client.get(STAFF_HOME).url == reverse(start)


def test_a_supervisor_starts_at_what_waits_for_their_approval(client, supervisor):
    from tests.conftest import login_as

    login_as(client, supervisor)
    response = client.get(STAFF_HOME)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pending-approvals"' in html and reverse("triage:inbox") in html
    assert reverse("admin:index") not in html


def test_the_system_administrator_gets_a_home_pointing_to_administration(client, sysadmin):
    from tests.conftest import login_as

    login_as(client, sysadmin)
    page = client.get(STAFF_HOME)

    assert page.status_code == 200
    assert reverse("admin:index") in page.content.decode()


def test_a_volunteer_is_never_given_an_authenticator_device(client, volunteer):
    log_in(client, "relawan")

    response = client.get(reverse("accounts:totp_setup"))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=volunteer).exists()
