"""Whoever controls an account's password and second factor logs in as it (design: separation of
duties). The system administrator may not set the password, username or email of an officer,
supervisor or head of agency in /admin/, nor add, change, open or delete their TOTP devices; a
supervisor or the head of agency resets such a login instead (/akun/peran/), never their own,
with a temporary password that opens only the page where its owner chooses their own."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import AccountAction
from accounts.models import Role, User
from accounts.services import user_reset_login, user_save_in_admin
from core.errors import DomainError
from core.models import AuditEvent
from tests.accounts.test_account_roles import admin_change, admin_form
from tests.conftest import login_as
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:login_reset")
LOGIN = reverse("accounts:login")
CHOOSE = reverse("accounts:password_choose")
DEVICE_ADD = reverse("admin:otp_totp_totpdevice_add")
NEW_PASSWORD = "Sandi-Pilihan-Sendiri-77"


def admin_password(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def device_form(owner, **changes):
    return {
        "user": owner.pk,
        "name": "authenticator",
        "confirmed": "on",
        "key": "3132333435363738393031323334353637383930",
        "step": 30,
        "t0": 0,
        "digits": 6,
        "tolerance": 1,
        "drift": 0,
        "throttling_failure_count": 0,
        **changes,
    }


def device_of(user, name="ponsel"):
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


@pytest.fixture
def owner_mail(officer, supervisor, head):
    for user, email in ((officer, "petugas@example.org"), (supervisor, "koordinator@example.org")):
        user.email = email
        user.save(update_fields=["email"])
    head.email = "kepala@example.org"
    head.save(update_fields=["email"])


# --- the system administrator in /admin/ ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "supervisor", "head"])
def test_it_refuses_the_admin_the_password_form_of_an_agency_account(client, request, sysadmin, persona):
    user = request.getfixturevalue(persona)
    login_as(client, sysadmin)

    page = client.get(admin_change(user))
    shown = client.get(admin_password(user), follow=True)
    posted = client.post(admin_password(user), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert page.status_code == 200 and "../password/" not in page.content.decode()
    assert "diatur ulang oleh koordinator atau kepala dinas" in page.content.decode()
    assert shown.redirect_chain == [(admin_change(user), 302)]
    assert "diatur ulang oleh koordinator atau kepala dinas" in shown.content.decode()
    assert posted.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)


def test_the_admin_still_sets_a_volunteers_password(client, sysadmin, volunteer):
    login_as(client, sysadmin)

    assert "../password/" in client.get(admin_change(volunteer)).content.decode()
    client.post(
        admin_password(volunteer), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    volunteer.refresh_from_db()
    assert volunteer.check_password(NEW_PASSWORD)


def test_the_admin_cannot_change_a_supervisors_username_or_email(client, sysadmin, supervisor):
    login_as(client, sysadmin)

    client.post(admin_change(supervisor), admin_form(supervisor, username="admin2", email="admin@example.org"))

    supervisor.refresh_from_db()
    assert supervisor.username == "koordinator" and supervisor.email == ""


@pytest.mark.parametrize(
    "change", [{"username": "admin2"}, {"email": "admin@example.org"}, {"password": "pbkdf2_sha256$1$a$b"}]
)
def test_user_save_in_admin_refuses_to_touch_an_agency_login(sysadmin, supervisor, change):
    for field, value in change.items():
        setattr(supervisor, field, value)

    with pytest.raises(DomainError) as error:
        user_save_in_admin(acting_user=sysadmin, user=supervisor, changed_fields=list(change))

    assert error.value.code == "login_by_granter"
    supervisor.refresh_from_db()
    assert supervisor.username == "koordinator" and supervisor.email == "" and supervisor.check_password(PASSWORD)


def test_an_agency_account_the_admin_creates_has_no_password_the_admin_knows(client, sysadmin):
    login_as(client, sysadmin)

    client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "petugas9",
            "role": Role.OFFICER,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )

    created = User.objects.get(username="petugas9")
    assert not created.has_usable_password() and not created.is_active


def test_it_refuses_the_admin_a_totp_device_for_a_supervisor(client, sysadmin, supervisor):
    login_as(client, sysadmin)

    response = client.post(DEVICE_ADD, device_form(supervisor))

    assert response.status_code == 200
    assert "diatur ulang oleh koordinator" in str(response.context["adminform"].form.errors["user"])
    assert not TOTPDevice.objects.filter(user=supervisor).exists()


def test_it_refuses_the_admin_to_move_a_device_to_a_supervisor(client, sysadmin, supervisor):
    login_as(client, sysadmin)
    own = TOTPDevice.objects.get(user=sysadmin)

    response = client.post(
        reverse("admin:otp_totp_totpdevice_change", args=[own.pk]), device_form(supervisor, name="test")
    )

    assert response.status_code == 200 and response.context["adminform"].form.errors["user"]
    own.refresh_from_db()
    assert own.user == sysadmin


def test_it_refuses_the_admin_to_open_or_delete_a_supervisors_device(client, sysadmin, supervisor):
    device = device_of(supervisor)
    login_as(client, sysadmin)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")

    listed = client.get(changelist)
    opened = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    deleted = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    bulk = client.post(changelist, {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"})

    assert listed.status_code == 200 and "ponsel" in listed.content.decode()
    assert device.key not in listed.content.decode()
    assert (opened.status_code, config.status_code, deleted.status_code, bulk.status_code) == (403, 403, 403, 403)
    assert TOTPDevice.objects.filter(pk=device.pk, user=supervisor).exists()
    assert not AuditEvent.objects.filter(action__startswith="accounts.totp_device").exists()


def test_the_admin_still_manages_the_devices_of_administrators(client, sysadmin):
    colleague = UserFactory(username="admin_dua", role=Role.ADMIN)
    login_as(client, sysadmin)

    client.post(DEVICE_ADD, device_form(colleague))
    added = TOTPDevice.objects.get(user=colleague)
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[added.pk]), {"post": "yes"})

    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert list(
        AuditEvent.objects.filter(target_id=str(colleague.pk)).order_by("pk").values_list("action", "actor")
    ) == [
        ("accounts.totp_device_added_in_admin", sysadmin.pk),
        ("accounts.totp_device_deleted_in_admin", sysadmin.pk),
    ]


# --- a supervisor or the head of agency resets the login ------------------------------------------


def test_it_lets_a_supervisor_reset_an_officers_login_and_tells_owner_and_head(
    client, supervisor, officer, head, owner_mail, mailoutbox, django_capture_on_commit_callbacks
):
    device_of(officer)
    officer_browser = login_as(Client(), officer)
    login_as(client, supervisor)
    assert reverse("accounts:login_reset") in client.get(reverse("accounts:roles")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"reset-user": "petugas"})

    assert response.status_code == 200
    temporary = response.context["password"]
    assert temporary in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    officer.refresh_from_db()
    assert officer.check_password(temporary) and officer.password_is_temporary
    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = AuditEvent.objects.get(action=AccountAction.LOGIN_RESET)
    assert event.actor == supervisor and event.target_id == str(officer.pk) and event.data == {"devices_removed": 2}
    assert [message.to for message in mailoutbox] == [["petugas@example.org", "kepala@example.org"]]
    mail = mailoutbox[0]
    assert mail.subject == "Login diatur ulang: petugas"
    assert "Uji mengatur ulang login akun petugas (Uji)" in mail.body
    assert temporary not in mail.body and temporary not in mail.alternatives[0][0]
    assert officer_browser.get(reverse("accounts:staff_home")).status_code == 302, "the old session ends"


def test_the_temporary_password_only_lets_its_owner_choose_a_password_then_enrol_again(client, supervisor, officer):
    temporary = user_reset_login(acting_user=supervisor, user=officer)

    login = client.post(LOGIN, {"username": "petugas", "password": temporary})
    assert login.status_code == 302 and login["Location"] == CHOOSE
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:staff_home")).status_code == 302
    same = client.post(CHOOSE, {"new_password1": temporary, "new_password2": temporary})
    assert same.status_code == 200 and same.context["form"].errors["new_password1"]
    chosen = client.post(CHOOSE, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302 and chosen["Location"] == LOGIN

    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) and not officer.password_is_temporary
    assert AuditEvent.objects.filter(action=AccountAction.PASSWORD_CHOSEN, actor=officer).count() == 1
    assert client.get(CHOOSE)["Location"] == LOGIN, "the page opens once"
    assert Client().post(LOGIN, {"username": "petugas", "password": temporary}).status_code == 200
    again = client.post(LOGIN, {"username": "petugas", "password": NEW_PASSWORD})
    assert again["Location"] == reverse("accounts:totp_setup")


def test_it_lets_the_head_set_up_the_login_of_an_account_the_admin_created(client, head):
    waiting = UserFactory(username="koordinator2", role=Role.SUPERVISOR, is_active=False, password="!")
    login_as(client, head)

    response = client.post(RESET, {"reset-user": "koordinator2"})

    waiting.refresh_from_db()
    assert response.status_code == 200 and waiting.check_password(response.context["password"])


def test_it_never_offers_a_supervisor_their_own_login(client, supervisor):
    login_as(client, supervisor)

    response = client.post(RESET, {"reset-user": "koordinator"})

    assert response.status_code == 200 and response.context["reset_form"].errors["user"]
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD) and TOTPDevice.objects.filter(user=supervisor).exists()
    assert not AuditEvent.objects.filter(action=AccountAction.LOGIN_RESET).exists()


@pytest.mark.parametrize("persona", ["officer", "sysadmin", "volunteer"])
def test_it_refuses_the_reset_to_everyone_else(client, request, persona, supervisor):
    device_of(supervisor)
    login_as(client, request.getfixturevalue(persona))

    assert client.post(RESET, {"reset-user": "koordinator"}).status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD) and TOTPDevice.objects.filter(user=supervisor).exists()
    assert not AuditEvent.objects.filter(action=AccountAction.LOGIN_RESET).exists()


@pytest.mark.parametrize(
    ("acting", "target", "code"),
    [
        ("sysadmin", "officer", "not_a_granter"),
        ("officer", "other_officer", "not_a_granter"),
        ("supervisor", "supervisor", "own_login"),
        ("head", "head", "own_login"),
        ("supervisor", "volunteer", "not_an_agency_account"),
        ("head", "sysadmin", "not_an_agency_account"),
    ],
)
def test_user_reset_login_refuses_and_changes_nothing(request, acting, target, code):
    acting_user, user = request.getfixturevalue(acting), request.getfixturevalue(target)
    device_of(user)

    with pytest.raises(DomainError) as error:
        user_reset_login(acting_user=acting_user, user=user)

    assert error.value.code == code
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.password_is_temporary
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AccountAction.LOGIN_RESET).exists()
