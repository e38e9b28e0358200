"""What the console says (issue 14): an expected outcome is one short line at most, never with
the client's address; a real error keeps its traceback. LOGGING and core/logfilters.py."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis.exceptions
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import path, reverse
from kombu.exceptions import OperationalError as BrokerError

from balikpapan_kla.urls import urlpatterns as site_urlpatterns
from core import tasks as core_tasks
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = "203.0.113.99"


def raises(exc):
    def view(request):
        raise exc

    return view


# The site with a few more URLs (@pytest.mark.urls): what a view raises, not what a page does.
urlpatterns = [
    path("missing/", raises(Http404("no such thing"))),
    path("forbidden/", raises(PermissionDenied("not yours"))),
    path("busy/", lambda request: HttpResponse("slow down", status=429)),
    path("boom/", raises(RuntimeError("a bug"))),
    *site_urlpatterns,
]


def loud(caplog, logger_prefix="django"):
    """Records at WARNING or above from loggers under logger_prefix."""
    return [r for r in caplog.records if r.name.startswith(logger_prefix) and r.levelno >= logging.WARNING]


@pytest.fixture
def console(caplog):
    caplog.set_level(logging.INFO)
    return caplog


@pytest.mark.urls("tests.core.test_logging")
@pytest.mark.parametrize(("url", "status"), [("/missing/", 404), ("/forbidden/", 403), ("/busy/", 429)])
def test_it_logs_no_warning_and_no_traceback_for_a_client_error(client, console, url, status):
    assert client.get(url).status_code == status

    assert loud(console) == []
    assert "Traceback" not in console.text


@pytest.mark.urls("tests.core.test_logging")
def test_it_still_logs_a_server_error_with_its_traceback(console):
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    (record,) = [r for r in console.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR and record.getMessage() == "Internal Server Error: /boom/"
    assert record.exc_info and "RuntimeError: a bug" in console.text


@pytest.mark.urls("tests.core.test_logging")
def test_a_client_error_is_still_there_at_debug(client, caplog):
    caplog.set_level(logging.DEBUG, logger="django.request")

    client.get("/missing/")

    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.DEBUG and record.getMessage() == "Not Found: /missing/"


@pytest.mark.django_db
def test_the_pages_own_403_404_and_429_log_no_warning(client, console, settings):
    settings.RECEIPT_GUESS_RATE_CLIENT = "1/15m"
    unknown = "9999999999999999"

    assert client.get("/tidak-ada/", REMOTE_ADDR=ADDRESS).status_code == 404
    assert client.get("/api/v1/cases/", REMOTE_ADDR=ADDRESS).status_code == 403
    status = reverse("api-report-status")
    answers = [
        client.post(status, {"receipt_code": unknown}, content_type="application/json", REMOTE_ADDR=ADDRESS).status_code
        for _ in range(3)
    ]

    assert answers[0] == 404 and answers[-1] == 429
    assert loud(console, "") == []
    assert ADDRESS not in console.text


@pytest.mark.django_db
def test_a_csrf_refusal_logs_no_warning(console):
    response = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert loud(console) == []


@pytest.mark.django_db
def test_failed_logins_and_the_lockout_never_log_the_address(client, caplog, settings):
    caplog.set_level(logging.DEBUG)
    UserFactory(username="petugas")

    answers = [
        client.post(
            reverse("accounts:login"), {"username": "petugas", "password": "salah-salah-salah"}, REMOTE_ADDR=ADDRESS
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert answers[-1] == 429
    assert ADDRESS not in caplog.text
    assert loud(caplog, "") == []


def test_the_access_line_of_a_client_error_is_info(console):
    logging.getLogger("django.server").warning('"GET /x HTTP/1.1" %s %s', "404", "10", extra={"status_code": 404})
    logging.getLogger("django.server").error('"GET /y HTTP/1.1" %s %s', "500", "10", extra={"status_code": 500})

    levels = {r.getMessage(): r.levelname for r in console.records if r.name == "django.server"}
    assert levels == {'"GET /x HTTP/1.1" 404 10': "INFO", '"GET /y HTTP/1.1" 500 10': "ERROR"}


# --- tasks -------------------------------------------------------------------------------------


def heartbeat_failing_with(monkeypatch, error):
    class Failing:
        class objects:  # stands in for the model's manager
            @staticmethod
            def update_or_create(**kwargs):
                raise error

    monkeypatch.setattr(core_tasks, "WorkerHeartbeat", Failing)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError('connection to server failed: FATAL:  database "kla" does not exist\nsecond line'),
        InterfaceError("connection already closed"),
        BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        redis.exceptions.ConnectionError("Connection refused"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_task_failing_on_the_database_broker_or_network_logs_one_line(monkeypatch, console, error):
    heartbeat_failing_with(monkeypatch, error)

    result = core_tasks.record_heartbeat.apply()

    assert result.state == "FAILURE", "the task still fails: Celery acknowledges and reports it as before"
    (record,) = [r for r in console.records if r.name.startswith("celery")]
    first_line = str(error).splitlines()[0]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == f"task core.tasks.record_heartbeat failed: {type(error).__name__}: {first_line}"
    assert record.exc_info is None and "Traceback" not in console.text


def test_the_failed_tasks_traceback_is_there_at_debug(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG, logger="celery.app.trace")
    heartbeat_failing_with(monkeypatch, OperationalError("database is away"))

    core_tasks.record_heartbeat.apply()

    (record,) = [r for r in caplog.records if r.name == "celery.app.trace" and r.levelno == logging.ERROR]
    assert record.getMessage() == "task core.tasks.record_heartbeat failed: OperationalError: database is away"
    assert "Traceback" in caplog.text


def test_a_task_failing_on_a_bug_keeps_celerys_line_and_traceback(monkeypatch, console):
    heartbeat_failing_with(monkeypatch, KeyError("beat_at"))

    core_tasks.record_heartbeat.apply()

    (record,) = [r for r in console.records if r.name.startswith("celery")]
    assert record.levelno == logging.ERROR and "raised unexpected: KeyError('beat_at')" in record.getMessage()
    assert record.exc_info and "Traceback" in console.text


# --- the broker connection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broker", [{"CELERY_BROKER_URL": "filesystem://"}, {}], ids=["filesystem-from-the-environment", "default"]
)
def test_the_file_broker_connects_without_kombus_hostname_warning(tmp_path, broker):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="balikpapan_kla.settings", **broker)
    script = (  # as a worker, beat or the web process: Django set up (its LOGGING too), then the broker
        "import django\n"
        "django.setup()\n"
        "from balikpapan_kla.celery import app\n"
        "connection = app.connection_for_write()\n"
        "assert connection.transport_cls == 'filesystem', connection.transport_cls\n"
        "connection.clone()\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "No hostname was supplied" not in done.stderr + done.stdout
