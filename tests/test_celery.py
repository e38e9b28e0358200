"""A real worker with embedded beat, on the embedded file broker and on Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.models import WorkerHeartbeat
from tests.services import needs_postgres, postgres_or_skip, redis_url_or_skip

ROOT = Path(__file__).resolve().parent.parent


def database_url_of_the_test_database():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def run_worker_until_heartbeat(tmp_path, broker_env):
    """Start `celery worker -B` with a 1-second heartbeat; wait until beat made it run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url_of_the_test_database(),
        "WORKER_HEARTBEAT_SECONDS": "1",
        **broker_env,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "balikpapan_kla",
            "worker",
            "-B",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and worker.poll() is None:
            if WorkerHeartbeat.objects.exists():
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    return output


@pytest.mark.services
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_and_beat_run_the_heartbeat_on_the_embedded_file_broker(tmp_path):
    postgres_or_skip()

    output = run_worker_until_heartbeat(tmp_path, {"CELERY_BROKER_URL": "filesystem://"})

    assert WorkerHeartbeat.objects.exists(), output[-3000:]
    assert (tmp_path / "celery" / "queue").is_dir()


@pytest.mark.services
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_and_beat_run_the_heartbeat_on_redis(tmp_path):
    postgres_or_skip()
    redis_url = redis_url_or_skip()
    # A database of Redis of its own, so that no other test's messages are picked up.
    broker = redis_url.rsplit("/", 1)[0] + "/14"
    import redis

    redis.Redis.from_url(broker).flushdb()

    output = run_worker_until_heartbeat(tmp_path, {"CELERY_BROKER_URL": broker, "REDIS_URL": redis_url})

    assert WorkerHeartbeat.objects.exists(), output[-3000:]
    assert "redis://" in output
