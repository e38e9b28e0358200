"""The benchmark harness (bench/run.py) in smoke mode: tiny sizes, a few seconds of load per row,
so that the harness cannot rot. It starts its own gunicorn, Celery worker and webhook receiver
against its own databases (kla_bench_smoke_*) on the PostgreSQL server of DATABASE_URL, and
writes its results into a temporary directory, never bench/results/."""

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.services import missing, redis_db_url

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services]


def test_bench_smoke_fills_every_row(tmp_path):
    redis_url = os.environ.get("BENCH_REDIS_URL") or redis_db_url(15)
    if not shutil.which("wrk"):
        missing("wrk is not installed (Debian package wrk)")
    server = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        # The server without the database: over TCP, or the embedded one's socket (?host=…).
        "BENCH_POSTGRES": f"{server.scheme}://{server.netloc}" + (f"?{server.query}" if server.query else ""),
        "BENCH_REDIS_URL": redis_url,
        "BENCH_VAR_DIR": str(tmp_path / "var"),
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VAR_DIR"):
        env.pop(name, None)
    out = tmp_path / "results"
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--smoke", "--out", str(out)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

    results = json.loads(next(out.glob("*-smoke.json")).read_text())
    rows = {what: (figure, ok) for what, figure, _, ok in results["summary_rows"]}
    expected = [
        *(
            f"{name}, {c} connections"
            for name in ("report submission (API)", "public form (GET + POST)", "status check")
            for c in (16, 64)
        ),
        *(
            f"{page} (200 reports → 300 reports)"
            for page in ("staff inbox", "case list", "case page", "dashboard", "public statistics")
        ),
        "escalation sweep (one beat tick)",
        "alert latency (commit → webhook)",
        "overload (4× sustainable, real rate limits)",
        "peak RSS per gunicorn worker",
        "peak RSS per celery worker",
    ]
    assert sorted(rows) == sorted(expected)
    for what, (figure, _) in rows.items():
        assert "—" not in figure and not re.search(r"\bnan\b", figure.lower()), (what, figure)

    throughput = results["throughput"]
    for name, per_connections in throughput.items():
        for runs in per_connections.values():
            assert all(run["non_2xx"] == 0 and run["socket_errors"] == 0 for run in runs), (name, runs)
    for size in results["pages"].values():
        assert all(page["status"] == 200 and page["queries"] > 0 for page in size["pages"].values())
    assert results["alerts"]["alerts_received"] == results["alerts"]["reports"]
    overload = results["overload"]["check"]
    assert overload["codes_without_row"] == overload["rows_without_201"] == 0
    assert all(0 < mb < math.inf for mb in results["memory"].values())
    assert (out / "latest.md").is_file()
