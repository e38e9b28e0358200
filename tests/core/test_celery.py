"""A real worker with embedded beat, on the embedded file broker and on Redis."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.models import WorkerHeartbeat
from tests.services import worker_broker, worker_database_url

ROOT = Path(__file__).resolve().parents[2]


def run_worker_until_heartbeat(tmp_path, broker_env):
    """Start `celery worker -B` with a 1-second heartbeat; wait until beat made it run."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": worker_database_url(),
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
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_and_beat_run_the_heartbeat_on_the_embedded_file_broker(tmp_path):
    _, broker_env = worker_broker(tmp_path, "file")

    output = run_worker_until_heartbeat(tmp_path, broker_env)

    assert WorkerHeartbeat.objects.exists(), output[-3000:]
    assert (tmp_path / "celery" / "queue").is_dir()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_and_beat_run_the_heartbeat_on_redis(tmp_path):
    _, broker_env = worker_broker(tmp_path, "redis")

    output = run_worker_until_heartbeat(tmp_path, broker_env)

    assert WorkerHeartbeat.objects.exists(), output[-3000:]
    assert "redis://" in output
