"""Who gives the roles that see case content (issue 15, item 10; design: separation of duties).

The system administrator creates accounts but cannot make anyone, themselves included, an
officer, supervisor or head of agency: such an account starts switched off and only a
supervisor or the head of agency switches it on by granting the role, which the head hears of."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.audit import AccountAction
from accounts.models import Role, User
from accounts.services import user_create, user_grant_role, user_save_in_admin
from core.errors import DomainError
from core.models import AuditEvent
from tests.conftest import login_as
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROLES = reverse("accounts:roles")
ADMIN_ADD = reverse("admin:accounts_user_add")


def admin_change(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def admin_form(user, **changes):
    """The admin change form's fields, as the browser would send them back."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def waiting(db):
    """An officer's account as the system administrator leaves it: switched off."""
    return UserFactory(username="petugas3", role=Role.OFFICER, is_active=False)


@pytest.fixture
def heads(head):
    head.email = "kepala@example.org"
    head.save(update_fields=["email"])
    return [head, UserFactory(username="kepala2", role=Role.HEAD, email="kepala2@example.org")]


def test_it_lets_a_supervisor_switch_on_a_waiting_officer_and_tells_the_heads(
    client, supervisor, waiting, heads, mailoutbox, django_capture_on_commit_callbacks
):
    login_as(client, supervisor)
    page = client.get(ROLES)
    assert page.status_code == 200
    assert "petugas3" in page.content.decode() and "menunggu" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ROLES, {"user": "petugas3", "role": Role.OFFICER})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_active and waiting.role == Role.OFFICER
    event = AuditEvent.objects.get(action=AccountAction.ROLE_GRANTED)
    assert event.actor == supervisor and event.target_id == str(waiting.pk)
    assert event.data == {"role": "officer", "previous_role": "officer", "was_active": False}
    assert [message.to for message in mailoutbox] == [["kepala@example.org", "kepala2@example.org"]]
    assert mailoutbox[0].subject == "Peran diberikan: petugas3 sekarang Petugas kasus"
    assert "koordinator" in mailoutbox[0].body and reverse("accounts:roles") in mailoutbox[0].body


def test_it_lets_the_head_make_an_officer_a_supervisor(client, head, officer):
    login_as(client, head)

    client.post(ROLES, {"user": "petugas", "role": Role.SUPERVISOR})

    officer.refresh_from_db()
    assert officer.role == Role.SUPERVISOR


@pytest.mark.parametrize("persona", ["officer", "volunteer", "sysadmin"])
def test_it_refuses_the_roles_page_to_everyone_else(client, request, persona, waiting):
    login_as(client, request.getfixturevalue(persona))

    assert client.get(ROLES).status_code == 403
    assert client.post(ROLES, {"user": "petugas3", "role": Role.OFFICER}).status_code == 403
    waiting.refresh_from_db()
    assert not waiting.is_active


def test_it_never_offers_a_supervisor_their_own_account(client, supervisor):
    login_as(client, supervisor)

    response = client.post(ROLES, {"user": "koordinator", "role": Role.HEAD})

    assert response.status_code == 200 and response.context["form"].errors["user"]
    supervisor.refresh_from_db()
    assert supervisor.role == Role.SUPERVISOR


@pytest.mark.parametrize(
    ("acting", "target", "role", "code"),
    [
        ("sysadmin", "waiting", Role.OFFICER, "not_a_granter"),
        ("officer", "waiting", Role.OFFICER, "not_a_granter"),
        ("supervisor", "supervisor", Role.HEAD, "own_role"),
        ("head", "head", Role.SUPERVISOR, "own_role"),
        ("supervisor", "sysadmin", Role.OFFICER, "not_an_agency_account"),
        ("supervisor", "volunteer", Role.OFFICER, "not_an_agency_account"),
        ("supervisor", "waiting", Role.ADMIN, "not_an_agency_role"),
        ("supervisor", "officer", Role.OFFICER, "role_unchanged"),
    ],
)
def test_user_grant_role_refuses_and_changes_nothing(request, waiting, acting, target, role, code):
    acting_user, user = request.getfixturevalue(acting), request.getfixturevalue(target)
    before = list(User.objects.order_by("pk").values_list("role", "is_active", "is_staff"))

    with pytest.raises(DomainError) as error:
        user_grant_role(acting_user=acting_user, user=user, role=role)

    assert error.value.code == code
    assert list(User.objects.order_by("pk").values_list("role", "is_active", "is_staff")) == before
    assert not AuditEvent.objects.filter(action=AccountAction.ROLE_GRANTED).exists()


def test_the_admin_cannot_make_themselves_a_supervisor(client, sysadmin):
    login_as(client, sysadmin)

    response = client.post(admin_change(sysadmin), admin_form(sysadmin, role=Role.SUPERVISOR))

    assert response.status_code in (200, 302)
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.ADMIN and sysadmin.is_staff


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.HEAD])
def test_the_admin_cannot_give_another_account_an_agency_role(client, sysadmin, volunteer, role):
    login_as(client, sysadmin)

    response = client.post(admin_change(volunteer), admin_form(volunteer, role=role))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["role"]
    volunteer.refresh_from_db()
    assert volunteer.role == Role.VOLUNTEER


def test_the_admin_creates_an_agency_account_switched_off_and_cannot_switch_it_on(client, sysadmin):
    login_as(client, sysadmin)
    data = {"username": "koordinator2", "role": Role.SUPERVISOR, "password1": PASSWORD, "password2": PASSWORD}

    response = client.post(ADMIN_ADD, {**data, "usable_password": "true"}, follow=True)

    assert response.status_code == 200
    created = User.objects.get(username="koordinator2")
    assert created.role == Role.SUPERVISOR and not created.is_active and not created.is_staff
    assert "nonaktif sampai koordinator" in response.content.decode()
    client.post(admin_change(created), admin_form(created, is_active="on"))
    created.refresh_from_db()
    assert not created.is_active
    login = Client().post(reverse("accounts:login"), {"username": "koordinator2", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session


def test_the_admin_still_manages_volunteer_and_admin_accounts_and_switches_staff_off(
    client, sysadmin, volunteer, supervisor
):
    login_as(client, sysadmin)

    client.post(admin_change(volunteer), admin_form(volunteer, role=Role.ADMIN))
    client.post(admin_change(supervisor), admin_form(supervisor, is_active=""))

    volunteer.refresh_from_db()
    supervisor.refresh_from_db()
    assert volunteer.role == Role.ADMIN and volunteer.is_staff, "the admin site needs is_staff"
    assert supervisor.role == Role.SUPERVISOR and not supervisor.is_active
    assert AuditEvent.objects.filter(action="accounts.user_changed_in_admin", actor=sysadmin).count() == 2


@pytest.mark.parametrize(
    ("target", "changes", "code"),
    [
        ("sysadmin", {"role": Role.SUPERVISOR}, "own_role"),
        ("volunteer", {"role": Role.OFFICER}, "agency_role_by_granter"),
        ("officer", {"role": Role.ADMIN}, "agency_role_by_granter"),
        ("waiting", {"is_active": True}, "agency_account_by_granter"),
    ],
)
def test_user_save_in_admin_refuses_what_the_admin_form_hides(request, sysadmin, waiting, target, changes, code):
    user = request.getfixturevalue(target)
    for field, value in changes.items():
        setattr(user, field, value)

    with pytest.raises(DomainError) as error:
        user_save_in_admin(acting_user=sysadmin, user=user, changed_fields=list(changes))

    assert error.value.code == code
    assert not AuditEvent.objects.filter(action="accounts.user_changed_in_admin").exists()


def test_the_first_head_of_agency_is_granted_from_the_server_command_line(
    mailoutbox, django_capture_on_commit_callbacks
):
    first = UserFactory(username="kepala_baru", role=Role.HEAD, is_active=False, email="kepala@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        call_command("grant_role", "kepala_baru", "head", stdout=StringIO())

    first.refresh_from_db()
    assert first.is_active and first.role == Role.HEAD
    event = AuditEvent.objects.get(action=AccountAction.ROLE_GRANTED)
    assert event.actor is None and event.target_id == str(first.pk)
    assert mailoutbox[0].to == ["kepala@example.org"] and "Baris perintah di server" in mailoutbox[0].body
    with pytest.raises(CommandError):
        call_command("grant_role", "admin-tidak-ada", "head", stdout=StringIO())


def test_user_create_refuses_an_agency_account_from_the_system_administrator(sysadmin):
    with pytest.raises(DomainError) as error:
        user_create(username="petugas9", role=Role.OFFICER, password="Petugas-Baru-2026", acting_user=sysadmin)

    assert error.value.code == "agency_role_by_granter"
    assert not User.objects.filter(username="petugas9").exists()
