import os

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from areas.models import Kelurahan
from tests.factories import RTFactory, UserFactory
from tests.services import REQUIRE_SERVICES


def pytest_configure(config):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise pytest.UsageError(
            "The tests need PostgreSQL: run them with `make test` (it starts an embedded one), "
            "or set DATABASE_URL=postgres://…"
        )


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Under REQUIRE_SERVICES=1 (CI) a skipped test fails the run: nothing may pass untested."""
    if REQUIRE_SERVICES and _skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nREQUIRE_SERVICES=1 but {len(_skipped)} test(s) skipped, e.g. {_skipped[0]}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian: a test that switched language must not leak it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def rt(db):
    return RTFactory(number=1)


@pytest.fixture
def other_rt(db):
    return RTFactory(kelurahan=Kelurahan.objects.get(name="Sepinggan"), number=7)


@pytest.fixture
def volunteer(rt):
    return UserFactory(username="relawan", role=Role.VOLUNTEER, rts=[rt])


@pytest.fixture
def other_volunteer(other_rt):
    return UserFactory(username="relawan_lain", role=Role.VOLUNTEER, rts=[other_rt])


@pytest.fixture
def officer(db):
    return UserFactory(username="petugas", role=Role.OFFICER)


@pytest.fixture
def other_officer(db):
    return UserFactory(username="petugas_lain", role=Role.OFFICER)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="koordinator", role=Role.SUPERVISOR)


@pytest.fixture
def head(db):
    return UserFactory(username="kepala", role=Role.HEAD)


@pytest.fixture
def dpo(db):
    return UserFactory(username="pelindungan_data", role=Role.DPO)


@pytest.fixture
def sysadmin(db):
    return UserFactory(username="admin", role=Role.ADMIN)


def login_as(client, user):
    """Log in past both factors, as the real flow would leave the session."""
    client.force_login(user)
    if user.needs_second_factor:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_user(client):
    return lambda user: login_as(client, user)
