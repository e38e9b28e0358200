"""A database that accepts connections but never answers made /readyz and /lapor/ hang 31 s
until gunicorn dropped the connection (issue 15). Now libpq gives up connecting after
DATABASE_CONNECT_TIMEOUT, the server cancels statements after DATABASE_STATEMENT_TIMEOUT_MS,
and the request gets a 503 in seconds. Real servers: a TCP server that accepts and stays
silent, gunicorn with gunicorn.conf.py, the test PostgreSQL."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import OperationalError, connection

from core.unavailable import server_error
from tests.served import gunicorn
from tests.services import worker_database_url

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "uji-" + "k" * 60,
    "FIELD_ENCRYPTION_KEYS": "YnVpbGQtb25seS1ub3QtYS1zZWNyZXQtMDAwMDAwMDA=",
    "RECEIPT_CODE_SECRET": "uji-" + "r" * 40,
    "CHILD_MATCH_SECRET": "uji-" + "c" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "EMAIL_TO_FILES": "true",
}


class SilentDatabase:
    """Accepts every connection and never sends a byte, like a hung server or a half-dead
    failover target."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            self.accepted.append(client)

    def close(self):
        self.listener.close()
        for client in self.accepted:
            client.close()


@pytest.fixture
def silent_database():
    server = SilentDatabase()
    yield server
    server.close()


def timed(url: str, data: bytes | None = None) -> tuple[float, int, dict, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, body = response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read().decode()
    return time.monotonic() - started, status, headers, body


@pytest.mark.services
def test_a_page_the_api_and_readyz_answer_503_within_the_connect_timeout_when_the_database_is_silent(
    tmp_path, silent_database
):
    url = f"postgres://kla@127.0.0.1:{silent_database.port}/kla"
    with gunicorn(tmp_path, database_url=url, **PRODUCTION) as (port, log):
        base = f"http://127.0.0.1:{port}"
        with ThreadPoolExecutor(3) as pool:
            page, api, ready = pool.map(
                lambda args: timed(*args),
                [
                    (f"{base}/lapor/?tentang=child_other",),  # the form's second step reads the kelurahan list
                    (f"{base}/api/v1/reports/status/", json.dumps({"receipt_code": "1234567890123456"}).encode()),
                    (f"{base}/readyz",),
                ],
            )
    server_log = log.read_text()

    assert silent_database.accepted  # it was reached, and said nothing
    connect_timeout = 5  # DATABASE_CONNECT_TIMEOUT's default
    for seconds, status, _headers, _body in (page, api, ready):
        assert status == 503
        assert connect_timeout - 0.5 <= seconds < connect_timeout + 2, seconds
    _seconds, _status, headers, body = page
    assert "Maaf, layanan sedang terganggu" in body and "belum tersimpan" in body
    assert headers["Retry-After"] == "30" and headers["Content-Type"].startswith("text/html")
    _seconds, _status, headers, body = api
    assert json.loads(body) == {
        "detail": "Layanan sedang terganggu. Tidak ada yang tersimpan: coba lagi dalam satu menit.",
        "code": "service_unavailable",
    }
    assert "Traceback" not in server_log and "database unavailable: OperationalError" in server_log


def test_a_database_error_raised_outside_a_view_is_a_503_too(rf):
    request = rf.get("/lapor/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503 and b"belum tersimpan" in response.content


def run_in_django(code: str, **env: str) -> str:
    """`code` in a fresh `manage.py shell` on the test database; what it printed."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": worker_database_url(), **env}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


SLEEP_LONGER_THAN_THE_TIMEOUT = """
import time
from django.db import connection, OperationalError
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(cursor.fetchone()[0])
    started = time.monotonic()
    try:
        cursor.execute("SELECT pg_sleep(10)")
    except OperationalError as error:
        print(type(error.__cause__).__name__, round(time.monotonic() - started, 1))
"""


@pytest.mark.django_db
def test_the_server_cancels_a_statement_that_runs_longer_than_the_statement_timeout():
    timeout, outcome = run_in_django(SLEEP_LONGER_THAN_THE_TIMEOUT, DATABASE_STATEMENT_TIMEOUT_MS="1000").splitlines()
    error, seconds = outcome.split()

    assert timeout == "1s"
    assert error == "QueryCanceled" and float(seconds) < 2
    assert run_in_django(SLEEP_LONGER_THAN_THE_TIMEOUT.split("    started")[0]) == "15s"  # the default


@pytest.mark.django_db
def test_migrate_and_seed_volume_lift_the_statement_timeout_for_their_long_statements():
    def statement_timeout():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    for command, options in (("migrate", {}), ("seed_volume", {"force": True})):
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 15000")
        assert statement_timeout() == "15s"

        call_command(command, verbosity=0, **options)

        assert statement_timeout() == "0", command


def test_the_timeouts_are_handed_to_libpq_by_default():
    options = django_settings.DATABASES["default"]["OPTIONS"]

    assert options["connect_timeout"] == 5
    assert options["options"].startswith("-c statement_timeout=15000")
    assert options["tcp_user_timeout"] == 10000 and options["keepalives"] == 1
