"""The benchmark harness (issue 9): `make bench` (full) and `make bench-smoke` (seconds).

Runs the project as in production (DJANGO_DEBUG=false, gunicorn with gunicorn.conf.py, PostgreSQL,
Redis, a real Celery worker) under bench/settings.py, drives it with wrk (a separate process)
and writes every figure to a Markdown file. Every figure is a ratio against a baseline measured in
the same run: the bench-only endpoint that parses a small JSON body and inserts one row.

    .venv/bin/python bench/run.py [--smoke] [--out DIR] [--runs 3] [--duration 10]
        [--pages-sizes 100000,1000000] [--sweep-small 10000] [--reuse-data]

Needs PostgreSQL (BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/15; the db is flushed of bench keys only).
"""

# The commands run are built from constants and the harness's own paths; the SQL names only the
# harness's own databases (kla_bench_*): nothing comes from outside.
# ruff: noqa: S603, S608

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import psycopg2
import redis

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python") if (BASE_DIR / ".venv").is_dir() else sys.executable
BIN = Path(PYTHON).parent
LUA = str(BENCH_DIR / "lua" / "bench.lua")

# Fixed secrets: the data seeded and the server must share them (receipt codes, encrypted fields).
SECRETS = {
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghijkl",
    "FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1maWVsZC1rZXktMDAwMDAwMDAwMDA=",
    "RECEIPT_CODE_SECRET": "bench-only-receipt-code-secret-0123456789abcdef",
    "CHILD_MATCH_SECRET": "bench-only-child-match-secret-0123456789abcdef",
    "ALERT_WEBHOOK_SECRET": "bench-only-webhook-secret-0123456789abcdef",
}
# Raised for the throughput rows only: one load generator on 127.0.0.1 is one client.
RAISED_LIMITS = {
    "REPORT_SUBMIT_RATE_CLIENT": "100000000/s",
    "REPORT_SUBMIT_RATE_GLOBAL": "100000000/s",
    "RECEIPT_GUESS_RATE_CLIENT": "100000000/s",
    "RECEIPT_GUESS_RATE_GLOBAL": "100000000/s",
}

REPORT_BODY = {
    "narrative": "Anak tetangga sering terdengar menangis dan dipukul oleh orang tuanya di rumah.",
    "violence_types": ["fisik"],
    "danger_now": "no",
    "injured": "unknown",
    "kelurahan": "Gunung Samarinda",
    "child_age": 9,
    "child_sex": "",
    "reporter_relation": "neighbour",
    "place": "rumah_tangga",
    "child_disability": "unknown",
    "perpetrator_lives_with_child": "unknown",
}
URGENT_BODY = {**REPORT_BODY, "danger_now": "yes", "narrative": "Anak sedang dipukuli sekarang di rumah sebelah."}
BASELINE_BODY = {"name": "baseline", "value": 42}

PAGES = {
    "staff inbox": "/staf/laporan/",
    "case list": "/staf/kasus/",
    "case page": "/staf/kasus/{case_uuid}/",
    "dashboard": "/staf/dasbor/",
    "public statistics": "/statistik/",
}


def log(message):
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, args):
        self.args = args
        self.smoke = args.smoke
        self.pg = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        self.redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
        self.redis = redis.Redis.from_url(self.redis_url)
        self.var = Path(os.environ.get("BENCH_VAR_DIR", "/tmp/kla-bench-var"))  # noqa: S108 - benchmark scratch space
        self.var.mkdir(parents=True, exist_ok=True)
        self.prefix = "kla_bench_smoke" if self.smoke else "kla_bench"
        self.work = Path(tempfile.mkdtemp(prefix="kla-bench-", dir=self.var))
        self.port = free_port()
        self.hook_port = free_port()
        self.procs = {}
        self.memory = {"gunicorn worker": 0, "celery worker": 0}
        self.memory_stop = threading.Event()
        self.results = {"rows": {}, "commands": [], "notes": []}
        self.workers = args.workers

    # --- processes -------------------------------------------------------------------------------

    def env(self, db, **extra):
        env = {
            **os.environ,
            **SECRETS,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEHIND_TLS_PROXY": "true",
            # loadgen's clients each come "through" one proxy (their own X-Forwarded-For).
            "TRUSTED_PROXY_COUNT": "1",
            "EMAIL_TO_FILES": "true",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": self.pg_url(db),
            "REDIS_URL": self.redis_url,
            "VAR_DIR": str(self.var),
            "STATIC_ROOT": str(self.var / "staticfiles"),
            "ALERT_WEBHOOK_URLS": f"http://127.0.0.1:{self.hook_port}/hook",
            "STAFF_2FA_REQUIRED": "true",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(BASE_DIR),
        }
        for key in RAISED_LIMITS:
            env.pop(key, None)
        env.update(extra)
        return env

    def manage(self, db, *argv, check=True, **extra):
        command = [PYTHON, "manage.py", *argv]
        self.results["commands"].append(" ".join(command))
        done = subprocess.run(command, cwd=BASE_DIR, env=self.env(db, **extra), capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def manage_json(self, db, *argv):
        out = self.manage(db, *argv)
        return json.loads(out.strip().splitlines()[-1])

    def start_stack(self, db, *, raised_limits, **more_env):
        self.stop_stack()
        extra = dict(RAISED_LIMITS) if raised_limits else {}
        extra.update(more_env)
        extra["BENCH_RECORD_COMMITS"] = "1"
        logs = self.work
        gunicorn = [
            str(BIN / "gunicorn"),
            "-c",
            str(BASE_DIR / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--access-logfile",
            str(logs / "access.log"),
            "--error-logfile",
            str(logs / "gunicorn.log"),
            "balikpapan_kla.wsgi",
        ]
        celery = [
            str(BIN / "celery"),
            "-A",
            "balikpapan_kla",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            "2",
            "--logfile",
            str(logs / "celery.log"),
        ]
        self.results["commands"] += [" ".join(gunicorn), " ".join(celery)]
        self.procs["gunicorn"] = subprocess.Popen(
            gunicorn, cwd=BASE_DIR, env=self.env(db, **extra), start_new_session=True
        )
        self.procs["celery"] = subprocess.Popen(
            celery, cwd=BASE_DIR, env=self.env(db, **extra), start_new_session=True, stdout=subprocess.DEVNULL
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                status, _, _ = self.http("GET", "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        self.wait_for_celery()

    def wait_for_celery(self):
        token = uuid.uuid4().hex
        self.celery_app().send_task("bench.tasks.noop", args=[token])
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.redis.hexists("bench:noop", token):
                return
            time.sleep(0.1)
        raise RuntimeError("the Celery worker did not run a task")

    def stop_stack(self):
        self.sample_memory()
        for name in ("gunicorn", "celery"):
            proc = self.procs.pop(name, None)
            if proc is None:
                continue
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def start_receiver(self):
        command = [PYTHON, str(BENCH_DIR / "receiver.py"), str(self.hook_port), self.redis_url]
        self.procs["receiver"] = subprocess.Popen(command, start_new_session=True)
        self.results["commands"].append(" ".join(command))

    def stop_all(self):
        self.memory_stop.set()
        self.stop_stack()
        proc = self.procs.pop("receiver", None)
        if proc:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()

    # --- memory: peak RSS (VmHWM) of every gunicorn and Celery worker ---------------------------------

    @staticmethod
    def children(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    @staticmethod
    def hwm_mb(pid):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0

    def sample_memory(self):
        for name, role in (("gunicorn", "gunicorn worker"), ("celery", "celery worker")):
            proc = self.procs.get(name)
            if proc is None:
                continue
            # gunicorn: the workers are the arbiter's children. celery: the main process (the
            # consumer) and its prefork children are all "the worker".
            pids = self.children(proc.pid) if name == "gunicorn" else [proc.pid, *self.children(proc.pid)]
            for pid in pids:
                self.memory[role] = max(self.memory[role], self.hwm_mb(pid))

    def memory_sampler(self):
        while not self.memory_stop.wait(1.0):
            self.sample_memory()

    # --- HTTP -----------------------------------------------------------------------------------------

    def http(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def wrk(self, path, mode, *, connections, duration, body_file="", rate=0, random_xff=False, cookie=""):
        threads = min(2, connections)
        command = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            LUA,
            f"http://127.0.0.1:{self.port}{path}",
            "--",
            mode,
            body_file,
            str(rate),
            "1" if random_xff else "0",
            cookie,
        ]
        shown = [part if part != cookie or not cookie else "sessionid=…" for part in command]
        self.results["commands"].append(" ".join(shown))
        done = subprocess.run(command, capture_output=True, text=True)
        for line in done.stdout.splitlines():
            if line.startswith("BENCHJSON "):
                data = json.loads(line[len("BENCHJSON ") :])
                data["codes"] = [code for code in data["codes"] if code]
                data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
                data["non_2xx"] = sum(n for s, n in data["statuses"].items() if not 200 <= int(s) < 300)
                data["socket_errors"] = sum(v for k, v in data["errors"].items() if k != "status")
                return data
        raise RuntimeError(f"wrk gave no result: {done.stdout}\n{done.stderr}")

    # --- databases and data ------------------------------------------------------------------------

    def admin_sql(self, sql):
        conn = psycopg2.connect(self.pg_url("postgres"))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def db_exists(self, db):
        return bool(self.admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))

    def drop_db(self, db):
        self.admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def template(self):
        """Migrate one template database; every dataset is a copy of it (fast)."""
        tpl = f"{self.prefix}_tpl"
        if not self.db_exists(tpl):
            self.admin_sql(f'CREATE DATABASE "{tpl}"')
        log(f"migrate {tpl}")
        self.manage(tpl, "migrate", "--noinput")
        self.admin_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{tpl}' AND pid <> pg_backend_pid()"
        )
        return tpl

    def dataset(self, name, *, reports, cases, sessions, due, base=None, codes_out=False, reuse=False):
        """A database holding `reports` reports. With `base` (a dataset already made), a copy of
        it topped up to the sizes asked (--due 0: the base's due reports stay the only due ones)."""
        db = f"{self.prefix}_{name}"
        marker = self.var / f"{db}.seeded.json"
        wanted = {"reports": reports, "cases": cases, "sessions": sessions, "due": due, "base": base}
        if (
            reuse
            and self.db_exists(db)
            and marker.is_file()
            and json.loads(marker.read_text()) == wanted
            and (not codes_out or (self.var / f"{db}.codes").is_file())
        ):
            log(f"reusing {db} ({reports} reports)")
            self.manage(db, "migrate", "--noinput")
            self.admin_sql_db(db, "VACUUM (ANALYZE)")
            return db
        marker.unlink(missing_ok=True)
        (self.var / f"{db}.codes").unlink(missing_ok=True)
        self.drop_db(db)
        if base:
            base_db = f"{self.prefix}_{base['name']}"
            self.admin_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{base_db}'")
            self.admin_sql(f'CREATE DATABASE "{db}" TEMPLATE "{base_db}"')
            argv = [
                "--reports",
                str(reports - base["reports"]),
                "--cases",
                str(cases - base["cases"]),
                "--sessions",
                str(max(0, sessions - base["sessions"])),
                "--due",
                "0",
            ]
        else:
            self.admin_sql(f'CREATE DATABASE "{db}" TEMPLATE "{self.tpl}"')
            argv = ["--reports", str(reports), "--cases", str(cases), "--sessions", str(sessions), "--due", str(due)]
        to_seed = int(argv[1])
        if to_seed > 0:
            log(f"seed {db}: {' '.join(argv)}" + (f" on a copy of {base['name']}" if base else ""))
            started = time.time()
            argv = ["seed_volume", *argv, "--seed", str(9 + len(name)), "--force"]
            if codes_out:
                argv += ["--codes-out", str(self.var / f"{db}.codes")]
            self.manage(db, *argv)
            seconds = time.time() - started
            self.results.setdefault("seeding", {})[name] = {"argv": " ".join(argv), "seconds": round(seconds, 1)}
            log(f"seeded {db} in {seconds:.0f} s")
        if codes_out and base and to_seed <= 0:
            shutil.copyfile(self.var / f"{base_db}.codes", self.var / f"{db}.codes")
        # As autovacuum would have by now: statistics, and a visibility map for index-only scans.
        self.admin_sql_db(db, "VACUUM (ANALYZE)")
        marker.write_text(json.dumps(wanted))
        return db

    def admin_sql_db(self, db, sql):
        conn = psycopg2.connect(self.pg_url(db))
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
        finally:
            conn.close()

    def pg_url(self, db: str) -> str:
        """BENCH_POSTGRES names a server, over TCP or (?host=/dir) a unix socket; this, one database."""
        server, _, query = self.pg.partition("?")
        return f"{server.rstrip('/')}/{db}" + (f"?{query}" if query else "")

    def clear_redis(self):
        for pattern in ("bench:*", "kla:*"):
            for key in self.redis.scan_iter(pattern, count=1000):
                self.redis.delete(key)

    def celery_app(self):
        if not hasattr(self, "_celery"):
            from celery import Celery

            self._celery = Celery("bench-client", broker=self.redis_url)
            self._celery.conf.update(task_serializer="json", accept_content=["json"])
        return self._celery

    def wait_for_idle_queue(self, timeout=300):
        """The Celery queue drained (alerts from the load rows sent) before timing alerts."""
        deadline, quiet_since, last = time.time() + timeout, None, None
        while time.time() < deadline:
            # Empty queue and no webhook for 3 s: the tasks the workers had reserved are done too.
            hooks = self.redis.get("bench:hooks-total")
            if self.redis.llen("celery") == 0 and hooks == last:
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since > 3:
                    return
            else:
                quiet_since = None
            last = hooks
            time.sleep(0.2)
        self.results["notes"].append("the Celery queue had not drained before the alert row")

    # --- the rows ------------------------------------------------------------------------------------

    def throughput_rows(self, db):
        files = {}
        for name, data, encode in (
            ("baseline", BASELINE_BODY, json.dumps),
            ("api", REPORT_BODY, json.dumps),
            ("form", {**REPORT_BODY, "kelurahan": self.kelurahan_id, "violence_types": "fisik"}, self.form_body),
        ):
            path = self.work / f"{name}.body"
            path.write_text(encode(data))
            files[name] = str(path)
        codes = str(self.var / f"{db}.codes")
        endpoints = {
            "baseline": ("/bench/baseline/", "post", files["baseline"]),
            "report submission (API)": ("/api/v1/reports/", "post", files["api"]),
            "public form (GET + POST)": ("/lapor/", "form", files["form"]),
            "status check": ("/api/v1/reports/status/", "status", codes),
        }
        figures = {name: {c: [] for c in self.args.connections} for name in endpoints}
        for run in range(self.args.runs):
            for connections in self.args.connections:
                # Interleaved, so that a noisy minute on the shared machine hits every endpoint.
                for name, (path, mode, body) in endpoints.items():
                    result = self.wrk(path, mode, connections=connections, duration=self.args.duration, body_file=body)
                    result.pop("codes")
                    if name == "public form (GET + POST)":
                        result["rps"] /= 2  # one submission is a GET and a POST
                    figures[name][connections].append(result)
                    log(
                        f"run {run + 1} c={connections} {name}: {result['rps']:.1f}/s p95 "
                        f"{result['latency_us']['p95'] / 1000:.1f} ms non-2xx {result['non_2xx']}"
                    )
        self.results["throughput"] = figures

    def form_body(self, data):
        pairs = []
        for key, value in data.items():
            pairs.append((key, "" if value is None else value))
        return urllib.parse.urlencode(pairs)

    def alert_row(self, count):
        self.wait_for_idle_queue()
        for name in ("bench:commit", "bench:hook", "bench:noop"):
            self.redis.delete(name)
        body = json.dumps(URGENT_BODY).encode()
        failures = missing = 0
        for i in range(count):
            status, _, _ = self.http("POST", "/api/v1/reports/", body, {"Content-Type": "application/json"})
            if status != 201:
                failures += 1
                continue
            deadline = time.time() + 10
            while self.redis.hlen("bench:hook") < i + 1 - failures - missing and time.time() < deadline:
                time.sleep(0.0005)
            if self.redis.hlen("bench:hook") < i + 1 - failures - missing:
                missing += 1
                if missing >= 3:
                    self.results["notes"].append("alert row stopped: three webhooks never arrived")
                    break
        commits = {k.decode(): float(v) for k, v in self.redis.hgetall("bench:commit").items()}
        hooks = {k.decode(): float(v) for k, v in self.redis.hgetall("bench:hook").items()}
        alert_ms = sorted((hooks[ref] - commits[ref]) * 1000 for ref in commits if ref in hooks)
        trips = []
        app = self.celery_app()
        for _ in range(count):
            token = uuid.uuid4().hex
            started = time.time()
            app.send_task("bench.tasks.noop", args=[token])
            deadline = started + 30
            while time.time() < deadline:
                value = self.redis.hget("bench:noop", token)
                if value is not None:
                    trips.append((float(value) - started) * 1000)
                    break
                time.sleep(0.0005)
        trips.sort()
        self.results["alerts"] = {
            "reports": count,
            "failed_posts": failures,
            "alerts_received": len(alert_ms),
            "alert_ms": alert_ms,
            "roundtrip_ms": trips,
        }
        log(
            f"alert latency p50 {pct(alert_ms, 50):.1f} p95 {pct(alert_ms, 95):.1f} ms; "
            f"bare round trip p50 {pct(trips, 50):.1f} p95 {pct(trips, 95):.1f} ms"
        )

    def overload_row(self, db, sustainable):
        """4× the sustainable submission rate, with the real rate limits, from many clients at once
        (every request from another address), by an open-loop client that accounts for every answer."""
        self.clear_redis()
        target = 4 * sustainable
        since = dt.datetime.now(dt.UTC)
        command = [
            PYTHON,
            str(BENCH_DIR / "loadgen.py"),
            "--port",
            str(self.port),
            "--path",
            "/api/v1/reports/",
            "--body",
            str(self.work / "api.body"),
            "--rate",
            f"{target:.1f}",
            "--seconds",
            str(self.args.overload_seconds),
            "--random-xff",
        ]
        self.results["commands"].append(" ".join(command))
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        time.sleep(1)
        until = dt.datetime.now(dt.UTC)
        codes_file = self.work / "overload.codes"
        codes_file.write_text("\n".join(result["codes"]) + "\n")
        check = self.manage_json(
            db,
            "bench",
            "overload-check",
            "--codes",
            str(codes_file),
            "--since",
            since.isoformat(),
            "--until",
            until.isoformat(),
        )
        result.pop("codes")
        self.results["overload"] = {
            "sustainable_rps": sustainable,
            "target_rps": target,
            "load": result,
            "check": check,
        }
        log(
            f"overload: offered {result['offered_rps']:.0f}/s statuses {result['statuses']} errors {result['errors']}"
            f" check {check}"
        )

    def pages_row(self, db, size_label):
        info = self.manage_json(db, "bench", "prepare")
        cookie = f"sessionid={info['session']}"
        figures = {}
        for name, template in PAGES.items():
            if "{case_uuid}" in template and not info["case_uuid"]:
                continue
            if self.args.pages and name not in self.args.pages:
                continue
            path = template.format(case_uuid=info["case_uuid"])
            counts, statuses = [], []
            for _ in range(2 if self.smoke else 3):  # warm-up; the last answers give the query count
                status, headers, _ = self.http("GET", path, headers={"Cookie": cookie})
                statuses.append(status)
                counts.append(int(headers.get("X-Query-Count", -1)))
            runs = [self.page_run(path, cookie) for _ in range(self.args.runs)]
            figures[name] = {"path": template, "status": statuses[-1], "queries": counts[-1], "runs": runs}
            log(
                f"{size_label} {name}: status {statuses[-1]} queries {counts[-1]} p95 "
                f"{statistics.median(r['latency_us']['p95'] for r in runs) / 1000:.1f} ms"
            )
        self.results["pages"][size_label] = {"reports": info["reports"], "cases": info["cases"], "pages": figures}

    def page_run(self, path, cookie):
        """A few staff at once: page_connections clients, each GETting the page again and again until
        page_duration seconds passed and it had at least 5 answers. (Not wrk: a slow page would leave
        wrk's short runs with no answer at all.) The same figures as a wrk run."""
        latencies, statuses, errors = [], {}, [0]
        lock = threading.Lock()
        started = time.perf_counter()

        def client():
            done = 0
            while done < (2 if self.smoke else 5) or time.perf_counter() - started < self.args.page_duration:
                if time.perf_counter() - started > 120:
                    break
                t0 = time.perf_counter()
                try:
                    status, _, _ = self.http("GET", path, headers={"Cookie": cookie})
                except OSError:
                    with lock:
                        errors[0] += 1
                    continue
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1e6)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
                done += 1

        threads = [threading.Thread(target=client) for _ in range(self.args.page_connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        return {
            "requests": len(latencies),
            "duration_us": elapsed * 1e6,
            "rps": len(latencies) / elapsed,
            "latency_us": {
                "p50": pct(latencies, 50),
                "p90": pct(latencies, 90),
                "p95": pct(latencies, 95),
                "p99": pct(latencies, 99),
                "max": max(latencies),
            },
            "statuses": statuses,
            "non_2xx": sum(n for s, n in statuses.items() if not s.startswith("2")),
            "socket_errors": errors[0],
        }

    def sweep_row(self, db, label):
        data = self.manage_json(db, "bench", "sweep", "--runs", str(self.args.runs))
        sizes = self.manage_json(db, "bench", "sizes")
        self.results.setdefault("sweep", {})[label] = {**data, **sizes}
        log(f"sweep {label}: {data['median_seconds']:.3f} s, alerts raised {data['alerts_raised']}")

    # --- the whole run --------------------------------------------------------------------------------

    def run(self):
        started = time.time()
        self.results["machine"] = machine_info()
        self.results["started"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.results["memory"] = self.memory
        self.clear_redis()
        self.start_receiver()
        threading.Thread(target=self.memory_sampler, daemon=True).start()
        self.tpl = self.template()
        self.manage(self.tpl, "collectstatic", "--noinput")
        self.kelurahan_id = self.kelurahan_of(self.tpl)
        a = self.args
        small, low, high = a.sweep_small, a.pages_sizes[0], a.pages_sizes[1]
        self.results["sizes"] = {"small": small, "low": low, "high": high}
        self.results["pages"] = {}

        # Pages and sweep at the large sizes first, before the load rows touch anything. The large
        # dataset is the small one topped up; in smoke mode the load rows use a copy of the small one.
        low_spec = {"name": "low", "reports": low, "cases": low // 5, "sessions": a.sessions}
        self.seed_all(low_spec, high)
        for label, size in (("low", low), ("high", high)):
            db = f"{self.prefix}_{label}"
            if label == "high" and not a.only_pages:
                self.sweep_row(db, f"{size} reports")
            self.start_stack(db, raised_limits=True)
            self.pages_row(db, f"{size} reports")
            self.stop_stack()
        if a.only_pages:
            return self.finish(started)

        if self.smoke:
            db = self.dataset(
                "small", reports=low, cases=low // 5, sessions=a.sessions, due=a.due, base=low_spec, codes_out=True
            )
        else:
            db = self.dataset("small", reports=small, cases=small // 5, sessions=a.sessions, due=a.due, codes_out=True)
        self.sweep_row(db, f"{small if not self.smoke else low} reports")
        self.manage_json(db, "bench", "prepare")  # bench-officer: on duty, alerts by webhook
        self.start_stack(db, raised_limits=True)
        self.throughput_rows(db)
        self.alert_row(a.alert_reports)
        sustainable = statistics.median(
            r["rps"] for r in self.results["throughput"]["report submission (API)"][a.connections[0]]
        )
        self.start_stack(db, raised_limits=False)
        self.overload_row(db, sustainable)
        self.stop_stack()
        self.finish(started)

    def finish(self, started):
        self.results["seconds"] = round(time.time() - started)
        self.results["machine"]["load_after"] = os.getloadavg()

    def seed_all(self, low_spec, high):
        a = self.args
        self.dataset(
            "low",
            reports=low_spec["reports"],
            cases=low_spec["cases"],
            sessions=a.sessions,
            due=a.due,
            codes_out=True,
            reuse=a.reuse_data,
        )
        self.dataset(
            "high", reports=high, cases=high // 5, sessions=a.sessions, due=a.due, base=low_spec, reuse=a.reuse_data
        )

    def kelurahan_of(self, db):
        conn = psycopg2.connect(self.pg_url(db))
        try:
            with conn.cursor() as cursor:
                cursor.execute("SELECT id FROM areas_kelurahan WHERE name = %s", [REPORT_BODY["kelurahan"]])
                return str(cursor.fetchone()[0])
        finally:
            conn.close()


from report import pct  # noqa: E402 - bench/report.py, next to this file


def machine_info():
    def out(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip()
        except OSError:
            return "?"

    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    versions = json.loads(
        out(
            PYTHON,
            "-c",
            (
                "import json, django, celery, gunicorn, redis, psycopg2, rest_framework;"
                "print(json.dumps({'Django': django.get_version(), 'celery': celery.__version__,"
                "'gunicorn': gunicorn.__version__, 'redis-py': redis.__version__, 'psycopg2': psycopg2.__version__,"
                "'DRF': rest_framework.VERSION}))"
            ),
        )
        or "{}"
    )
    return {
        "cpu": out("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "load_before": os.getloadavg(),
        "uptime": out("uptime"),
        "kernel": platform.release(),
        "python": platform.python_version(),
        **versions,
        "postgresql": out("psql", "--version"),
        "redis": out("redis-server", "--version") or out("redis-cli", "--version"),
        "wrk": out("sh", "-c", "wrk -v 2>&1 | head -1"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, a second of load per row")
    parser.add_argument("--out", default="", help="directory for the results (default bench/results)")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--duration", type=int, help="seconds of load per throughput measurement")
    parser.add_argument("--pages-sizes", default="")
    parser.add_argument("--sweep-small", type=int)
    parser.add_argument("--reuse-data", action="store_true", help="keep seeded page datasets of the same sizes")
    parser.add_argument("--pages", default="", help='only these pages, e.g. "staff inbox,case list"')
    parser.add_argument("--only-pages", action="store_true", help="only the page rows (and the 1M sweep)")
    parser.add_argument("--name", default="", help="short name in the results file name")
    parser.add_argument("--seed-only", action="store_true", help="only make the page datasets (for --reuse-data)")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    args = parser.parse_args(argv)
    smoke = args.smoke
    args.runs = args.runs or (1 if smoke else 3)
    args.duration = args.duration or (2 if smoke else 10)
    args.page_duration = 1 if smoke else 8
    args.page_connections = 4
    args.connections = [16, 64]
    args.overload_seconds = 3 if smoke else 60
    args.alert_reports = 20 if smoke else 500
    args.sessions = 10 if smoke else 2000
    args.due = 10 if smoke else 1000
    args.sweep_small = args.sweep_small or (200 if smoke else 10_000)
    sizes = args.pages_sizes or ("200,300" if smoke else "100000,1000000")
    args.pages_sizes = [int(s) for s in sizes.split(",")]
    args.workers = args.workers or (2 if smoke else (os.cpu_count() or 1) * 2 + 1)
    args.pages = [name.strip() for name in args.pages.split(",") if name.strip()]
    out = Path(args.out) if args.out else BENCH_DIR / "results"
    out.mkdir(parents=True, exist_ok=True)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (Debian: apt-get install wrk)")

    bench = Bench(args)
    if args.seed_only:
        bench.tpl = bench.template()
        bench.seed_all(
            {
                "name": "low",
                "reports": args.pages_sizes[0],
                "cases": args.pages_sizes[0] // 5,
                "sessions": args.sessions,
            },
            args.pages_sizes[1],
        )
        return None

    def stop(signum, frame):
        raise SystemExit(f"stopped by signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    try:
        bench.run()
    finally:
        bench.stop_all()
    from report import write_report  # bench/report.py

    path = write_report(bench.results, out, smoke=smoke, name=args.name or None, latest=not args.only_pages)
    log(f"results: {path}")
    for name in ("small",) if args.reuse_data else ("small", "low", "high", "tpl"):
        bench.drop_db(f"{bench.prefix}_{name}")
    shutil.rmtree(bench.work, ignore_errors=True)
    return path


if __name__ == "__main__":
    main()
