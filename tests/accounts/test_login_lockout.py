"""Failed logins slow the guesser down and tell the owner; they never lock the owner out (issue 15,
item 3). Every test goes through the real login: password, then the TOTP code, one address per
request (REMOTE_ADDR, as core.clientip reads it when not behind the proxy)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import AccountAction
from accounts.lockout import login_cool_off
from core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
CASES = reverse("cases:list")
ATTACKERS = [f"203.0.113.{n}" for n in range(1, 6)]
WRONG = "salah-salah-salah"
OWNER_ADDRESS = "192.0.2.10"
OFFICE_NAT = "198.51.100.7"


def attempt(username, password=WRONG, address=OWNER_ADDRESS, client=None):
    return (client or Client()).post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def full_login(user, address):
    """Password and TOTP code from `address`, then the case list: the page, or the test fails."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the same code may serve two logins in one test
    client = Client()
    response = attempt(user.username, PASSWORD, address, client)
    assert response.status_code == 302 and response.url.startswith(VERIFY), response.status_code
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(VERIFY, {"token": code}, REMOTE_ADDR=address).status_code == 302
    page = client.get(CASES, REMOTE_ADDR=address)
    assert page.status_code == 200
    return page


def time_passes(delta: timedelta) -> None:
    """Move every login record back by `delta`, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - delta)
    AccessFailureLog.objects.update(attempt_time=F("attempt_time") - delta)


def is_locked_out(username, address) -> bool:
    response = attempt(username, PASSWORD, address)
    assert response.status_code in (302, 429)
    return response.status_code == 429


def test_it_lets_the_owner_in_from_a_clean_address_after_guesses_from_five_others(officer):
    for address in ATTACKERS:
        for _ in range(4):
            assert attempt("petugas", address=address).status_code == 200

    full_login(officer, OWNER_ADDRESS)


def test_it_locks_one_guessing_address_with_a_cool_off_that_doubles(officer, settings):
    assert timedelta(minutes=15) == settings.LOGIN_COOLOFF_BASE
    for _ in range(5):
        attempt("petugas", address=ATTACKERS[0])

    assert is_locked_out("petugas", ATTACKERS[0]), "even the right password waits out the lock there"
    full_login(officer, OWNER_ADDRESS)
    time_passes(timedelta(minutes=14))
    assert is_locked_out("petugas", ATTACKERS[0])
    time_passes(timedelta(minutes=2))
    assert not is_locked_out("petugas", ATTACKERS[0]), "free as soon as the first 15 minutes are over"

    for _ in range(5):
        attempt("petugas", address=ATTACKERS[0])
    time_passes(timedelta(minutes=16))
    assert is_locked_out("petugas", ATTACKERS[0]), "the second lockout lasts 30 minutes"
    time_passes(timedelta(minutes=15))
    assert not is_locked_out("petugas", ATTACKERS[0])


def test_it_does_not_lengthen_a_lock_for_tries_made_during_it(officer):
    for _ in range(5):
        attempt("petugas", address=ATTACKERS[0])
    time_passes(timedelta(minutes=10))
    for _ in range(5):
        assert attempt("petugas", address=ATTACKERS[0]).status_code == 429

    time_passes(timedelta(minutes=6))

    assert not is_locked_out("petugas", ATTACKERS[0])


def test_the_cool_off_doubles_with_each_earlier_lockout_up_to_the_cap(settings):
    request = RequestFactory().post(LOGIN, {"username": "petugas"})
    request.axes_attempt_time, request.axes_ip_address = timezone.now(), ATTACKERS[0]

    def lockouts(count, address=ATTACKERS[0], age=timedelta(hours=1)):
        for _ in range(count):
            log = AccessFailureLog.objects.create(username="petugas", ip_address=address, locked_out=True)
            AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=timezone.now() - age)

    assert login_cool_off(request) == timedelta(minutes=15)
    lockouts(2, address=ATTACKERS[1])
    lockouts(2, age=settings.LOGIN_LOCKOUT_MEMORY + timedelta(hours=1))
    assert login_cool_off(request) == timedelta(minutes=15), "another address's and forgotten lockouts"
    lockouts(2)
    assert login_cool_off(request) == timedelta(minutes=60)
    lockouts(50)
    assert login_cool_off(request) == settings.LOGIN_COOLOFF_MAX == timedelta(hours=24)


def test_it_lets_a_colleague_in_behind_the_office_nat_while_one_person_there_guesses(officer, supervisor):
    for _ in range(12):
        attempt("koordinator", address=OFFICE_NAT)
    assert is_locked_out("koordinator", OFFICE_NAT)

    full_login(officer, OFFICE_NAT)
    full_login(supervisor, OWNER_ADDRESS)


def test_it_stops_an_address_spraying_usernames_but_not_those_who_logged_in_from_it(officer, supervisor, settings):
    settings.LOGIN_ADDRESS_USERNAME_LIMIT = 3
    full_login(officer, OFFICE_NAT)
    head = UserFactory(username="kepala", role="head")

    for username in ("kepala", "relawan", "tidak-ada"):
        assert attempt(username, address=OFFICE_NAT).status_code == 200

    assert is_locked_out("koordinator", OFFICE_NAT), "a fourth username from the address waits"
    assert is_locked_out("kepala", OFFICE_NAT), "so do the ones it already tried"
    full_login(officer, OFFICE_NAT)
    full_login(supervisor, OWNER_ADDRESS)
    time_passes(timedelta(minutes=16))
    full_login(head, OFFICE_NAT)


def test_it_emails_the_owner_once_about_repeated_failures_without_the_address(
    officer, mailoutbox, django_capture_on_commit_callbacks
):
    officer.email = "petugas@example.org"
    officer.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        for address in ATTACKERS[:4]:
            attempt("petugas", address=address)
        assert mailoutbox == []
        attempt("petugas", address=ATTACKERS[4])
        for address in ATTACKERS:
            attempt("petugas", address=address)

    assert len(mailoutbox) == 1, "one notice a day, not one per guess"
    message = mailoutbox[0]
    assert message.to == ["petugas@example.org"]
    assert message.subject == "Percobaan masuk yang gagal ke akun Balikpapan KLA Anda"
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "5 percobaan masuk ke akun Anda petugas gagal" in text
        assert "tidak terkunci" in text
        assert not any(address in text for address in ATTACKERS)
    event = AuditEvent.objects.get(action=AccountAction.FAILED_LOGINS_NOTIFIED)
    assert event.target_id == str(officer.pk) and event.data == {"failures": 5}


def test_it_tells_the_owner_of_failures_at_their_next_login(officer):
    for address in ATTACKERS[:3]:
        attempt("petugas", address=address)

    page = full_login(officer, OWNER_ADDRESS)
    attempt("petugas", address=ATTACKERS[0])
    again = full_login(officer, OWNER_ADDRESS)

    assert "3 percobaan masuk ke akun Anda gagal" in page.content.decode()
    assert not any(address in page.content.decode() for address in ATTACKERS)
    assert "1 percobaan masuk ke akun Anda gagal" in again.content.decode(), "counted since the last login"
