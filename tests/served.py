"""The web server as production runs it, for the tests that measure it: gunicorn with
gunicorn.conf.py, and nginx with deploy/nginx/kla.conf.template (docker-compose.yml's `proxy`),
each on a free loopback port, stopped for real afterwards. Plus clients that send their request
one byte a second."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.services import free_port, missing

ROOT = Path(__file__).resolve().parent.parent


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url}:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def gunicorn(tmp_path: Path, *, database_url: str, probe: str = "/healthz", **env: str):
    """gunicorn.conf.py as it is, but bound to a free port; `env` adds settings (GUNICORN_THREADS…)."""
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "filesystem://",
        **env,
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "balikpapan_kla.wsgi",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: _stop() ends the workers too
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}{probe}", process, log)
        yield port, log
    finally:
        _stop(process)


@contextmanager
def nginx(tmp_path: Path, *, upstream_port: int):
    """deploy/nginx/kla.conf.template filled in as nginx's image does, under a minimal main config."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    if binary is None:
        missing("no nginx: apt-get install nginx (the buffering proxy of docker-compose.yml)")
    port = free_port()
    prefix = tmp_path / f"nginx-{port}"
    prefix.mkdir()
    server = (ROOT / "deploy" / "nginx" / "kla.conf.template").read_text()
    for placeholder, value in (
        ("${KLA_LISTEN}", f"127.0.0.1:{port}"),
        ("${KLA_UPSTREAM}", f"127.0.0.1:{upstream_port}"),
        ("access_log /dev/stdout kla;", f"access_log {prefix}/access.log kla;"),
    ):
        server = server.replace(placeholder, value)
    (prefix / "kla.conf").write_text(server)
    (prefix / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; user root; pid {prefix}/nginx.pid; error_log {prefix}/error.log;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ include {prefix}/kla.conf; }}\n"
    )
    log = prefix / "error.log"
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
        yield port
    finally:
        _stop(process)


SLOW_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 4000
# A report form sent one byte a second: Django reads the body (CSRF, the form) as it comes.
SLOW_BODY_HEAD = (
    b"POST /lapor/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\n"
)


@contextmanager
def slow_clients(port: int, count: int):
    """`count` clients, half trickling their request head, half their body, one byte a second
    until the block ends; yields once every one of them has started."""
    stop = threading.Event()
    started = threading.Barrier(count + 1)

    def trickle(index: int) -> None:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            if index % 2:
                sock.sendall(SLOW_BODY_HEAD)
                data = b"a=" + b"b" * 3998
            else:
                data = SLOW_HEAD
            sock.send(data[:1])
            started.wait()
            for byte in data[1:]:
                if stop.wait(1):
                    return
                try:
                    sock.send(bytes([byte]))
                except OSError:  # the server gave up on us: fine
                    return

    threads = [threading.Thread(target=trickle, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    started.wait(timeout=10)
    time.sleep(1)  # every connection accepted and handed to whoever reads it
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def healthz_seconds(port: int, *, timeout: float = 5) -> float:
    """How long /healthz took to answer 200 (`timeout` when it did not)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            assert response.status == 200
    except TimeoutError:
        return timeout
    return time.monotonic() - started
