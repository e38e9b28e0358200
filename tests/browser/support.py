"""What the browser tests share: the served application, screenshots, axe-core, staff logins.

The application runs as in production (gunicorn, a Celery worker, DJANGO_DEBUG=false, the
staff second factor on, hashed static files) against a PostgreSQL database of its own that is
migrated, filled by `seed_demo` and dropped at the end. The tests only drive the browser: they
never touch that database, so whatever a journey needs (an officer's message, an open case)
is made through the pages, as a person would.
"""

import base64
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet
from django_otp.oath import hotp

REPO = Path(__file__).resolve().parents[2]
AXE_SOURCE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DEMO_PASSWORD = "Demo-KLA-2026"  # seed_demo's, printed by `make run` on purpose
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The agency's laptops: the staff pages must fit it without scrolling sideways.
LAPTOP = {"width": 1366, "height": 768}
SETUP_TIMEOUT_SECONDS = 180
START_TIMEOUT_SECONDS = 45
# Where the quick-exit control leads (templates/base.html); answered by a stub, never fetched.
QUICK_EXIT_HOST = "www.google.com"


def artifacts_root() -> Path:
    return Path(os.environ.get("BROWSER_ARTIFACTS") or REPO / "test-artifacts" / "browser").resolve()


# --- the served application -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class ServedApp:
    """gunicorn + a Celery worker on a database of their own; `start()` and `stop()`."""

    database_url: str
    log_dir: Path
    base_url: str = ""
    _processes: list[subprocess.Popen] = field(default_factory=list)
    _var_dir: Path | None = None
    _database: str = ""
    timings: list[str] = field(default_factory=list)

    def _sql(self, *statements: str) -> None:
        """Statements that cannot run in a transaction (CREATE/DROP DATABASE), on the server's
        maintenance database."""
        import psycopg2

        connection = psycopg2.connect(_with_database(self.database_url, "postgres"), connect_timeout=5)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def _env(self, port: int) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "EMAIL_URL", "CELERY_BROKER_URL", "MEDIA_ROOT"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="balikpapan_kla.settings",
            DJANGO_DEBUG="false",
            DATABASE_URL=_with_database(self.database_url, self._database),
            SECRET_KEY=secrets.token_urlsafe(50),
            FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
            RECEIPT_CODE_SECRET=secrets.token_urlsafe(32),
            CHILD_MATCH_SECRET=secrets.token_urlsafe(32),
            ALLOWED_HOSTS="127.0.0.1",
            SITE_URL=f"http://127.0.0.1:{port}",
            # Plain HTTP on the loopback: Chromium keeps Secure cookies there, so only the
            # redirect to HTTPS is switched off.
            SECURE_SSL_REDIRECT="false",
            STAFF_2FA_REQUIRED="true",
            EMAIL_TO_FILES="true",  # no SMTP server here: emails go to files under VAR_DIR
            VAR_DIR=str(self._var_dir),
            STATIC_ROOT=str(self._var_dir / "static"),
            # A broker of its own: the rest of the test suite shares REDIS_URL's broker queue.
            # REDIS_URL still serves as the cache (rate-limit counters), as in production.
            CELERY_BROKER_URL="filesystem://",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _run(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() ends gunicorn's workers too
        )

    def _finish(self, name: str, process: subprocess.Popen, deadline: float) -> None:
        started = time.monotonic()
        try:
            code = process.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            self._kill(process)
            raise RuntimeError(f"{name} took too long; log: {self.log_dir / name}.log") from None
        if code != 0:
            raise RuntimeError(f"{name} failed ({code}):\n{_tail(self.log_dir / f'{name}.log')}")
        self.timings.append(f"{name}: waited {time.monotonic() - started:.1f}s")

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._var_dir = Path(tempfile.mkdtemp(prefix="kla-browser-app-"))
        self._database = f"{urlsplit(self.database_url).path.lstrip('/')}_journeys"
        self._sql(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)', f'CREATE DATABASE "{self._database}"')
        port = _free_port()
        env = self._env(port)
        deadline = time.monotonic() + SETUP_TIMEOUT_SECONDS
        # collectstatic needs no database: it runs while the database is being filled.
        static = self._run("collectstatic", ["manage.py", "collectstatic", "--noinput"], env)
        self._processes.append(static)
        self._finish("migrate", self._run("migrate", ["manage.py", "migrate", "--noinput"], env), deadline)
        seed = self._run("seed_demo", ["manage.py", "seed_demo", "--force"], env)
        self._processes.append(seed)
        # The servers boot while the demo data is written; nobody asks them anything before.
        self._processes.append(
            self._run(
                "gunicorn",
                ["-m", "gunicorn", "balikpapan_kla.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                env,
            )
        )
        self._processes.append(
            self._run(
                "worker",
                ["-m", "celery", "-A", "balikpapan_kla", "worker", "--pool", "solo", "--loglevel", "INFO"],
                env,
            )
        )
        for name, process in (("seed_demo", seed), ("collectstatic", static)):
            self._finish(name, process, deadline)
            self._processes.remove(process)
        self.base_url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        self._wait_until_up(started + START_TIMEOUT_SECONDS)
        self.timings.append(f"gunicorn answering: waited {time.monotonic() - started:.1f}s")

    def _wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            for process in self._processes:
                if process.poll() is not None:
                    name = "gunicorn" if "gunicorn" in process.args else "worker"
                    raise RuntimeError(f"{name} stopped at start:\n{_tail(self.log_dir / f'{name}.log')}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in time:\n{_tail(self.log_dir / 'gunicorn.log')}")

    @staticmethod
    def _kill(*processes: subprocess.Popen) -> None:
        """Stop each process group at once (SIGQUIT: gunicorn's and Celery's quick shutdown,
        nothing is left to finish), SIGKILL to whatever is still there after a while."""
        for sig, wait in ((signal.SIGQUIT, 10), (signal.SIGKILL, 5)):
            alive = [process for process in processes if process.poll() is None]
            for process in alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
            deadline = time.monotonic() + wait
            for process in alive:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))

    def stop(self) -> None:
        started = time.monotonic()
        self._kill(*self._processes)
        self._processes.clear()
        self.timings.append(f"stopping the processes: {time.monotonic() - started:.1f}s")
        try:
            if self._database:
                self._sql(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)')
        finally:
            if self._var_dir:
                shutil.rmtree(self._var_dir, ignore_errors=True)
            (self.log_dir / "timings.txt").write_text("\n".join(self.timings) + "\n")


# --- screenshots and page helpers -----------------------------------------------------------------


class Shots:
    """Numbered screenshots of one journey: `shots(page, "case-opened")` -> 04-case-opened.png."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str, *, focus: str | None = None, full_page: bool = False) -> Path:
        self.count += 1
        if focus:
            page.locator(focus).first.scroll_into_view_if_needed()
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


def submit(page, selector: str = "main form button[type=submit]") -> None:
    """Click a submit button and wait for the page it leads to (with or without JavaScript)."""
    with page.expect_navigation():
        page.locator(selector).click()


def follow(page, selector: str) -> None:
    """Follow a link and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def path_of(page) -> str:
    return urlsplit(page.url).path


# --- axe-core ---------------------------------------------------------------------------------------

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, impact: n.impact, summary: n.failureSummary})),
  }));
}"""
_axe_source: str | None = None


def axe_violations(page, name: str) -> list[dict]:
    """Run axe-core in the page as it is now; keep every finding in axe/<name>.json.

    The page's CSP allows no inline script, so axe is not added as a <script>: Playwright's
    evaluate runs it through the DevTools protocol, which the CSP does not govern (no
    bypass_csp needed, so the page is checked under its real policy).
    """
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_SOURCE_PATH.read_text(encoding="utf-8")
    page.evaluate(_axe_source + "\n;true")
    violations = page.evaluate(_AXE_RUN)
    folder = artifacts_root() / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(
        json.dumps({"page": name, "url": page.url, "violations": violations}, indent=2, ensure_ascii=False)
    )
    return violations


def assert_accessible(page, name: str) -> None:
    """No axe-core violation on the page as it is now, whatever its impact (issue 19): a "moderate"
    or "minor" finding, such as `region` or an unnamed impact, is a barrier too."""
    blocking = axe_violations(page, name)
    if blocking:
        lines = [f"axe-core found {len(blocking)} violation(s) on {name} ({page.url}):"]
        for violation in blocking:
            lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"      {' '.join(node['target'])}" for node in violation["nodes"][:10])
            if len(violation["nodes"]) > 10:
                lines.append(f"      … and {len(violation['nodes']) - 10} more")
        raise AssertionError("\n".join(lines))


# --- staff logins with a real TOTP code ----------------------------------------------------------------

TOTP_STEP = 30


@dataclass
class _Device:
    key: bytes
    last_t: int = -1  # the server refuses a time step at or before the last one it accepted
    drift: int = 0  # the server follows the phone's clock by the step of the last accepted code


class Authenticator:
    """The staff members' authenticator app: keys read from the enrolment page, and the
    standard TOTP code (HOTP of the 30-second time step, RFC 6238) computed as an app does."""

    def __init__(self):
        self.devices: dict[str, _Device] = {}

    def enrol(self, username: str, secret: str) -> None:
        self.devices[username] = _Device(key=base64.b32decode(secret.strip()))

    def next_code(self, username: str) -> tuple[str, Callable[[], None]]:
        """A code the server will accept now, and what to call once it has accepted it.

        django-otp accepts the step the server's clock is at (plus its recorded drift) and one
        step either side, but never a step it accepted before: a second login within the same
        30 seconds takes the next step's code, a third waits for the clock.
        """
        device = self.devices[username]
        while True:
            now = time.time()
            if now % TOTP_STEP > TOTP_STEP - 3:  # too near a step change to be sure which one the server sees
                time.sleep(TOTP_STEP - now % TOTP_STEP + 0.2)
                continue
            now_t = int(now // TOTP_STEP)
            step = max(now_t + device.drift, device.last_t + 1)
            if step <= now_t + device.drift + 1:
                break
            time.sleep(TOTP_STEP - now % TOTP_STEP + 0.2)

        def accepted():
            device.last_t, device.drift = step, step - now_t

        return f"{hotp(device.key, step, digits=6):06d}", accepted

    def login(self, page, base_url: str, username: str, *, shots: Shots | None = None) -> None:
        """Password, then the second factor: enrol on the first login (reading the key from the
        page, as a person types it into the app), the 6-digit code afterwards."""
        page.goto(f"{base_url}/akun/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        if shots:
            shots(page, f"login-{username}")
        submit(page)
        if path_of(page) == "/akun/2fa/pasang/":
            self.enrol(username, page.inner_text("code.secret"))
        elif path_of(page) != "/akun/verifikasi/":
            return  # no second factor for this role
        elif username not in self.devices:
            raise AssertionError(f"{username} has an authenticator this test run did not enrol")
        if shots:
            shots(page, f"second-factor-{username}")
        code, accepted = self.next_code(username)
        page.fill("#id_token", code)
        submit(page)
        assert path_of(page) not in ("/akun/2fa/pasang/", "/akun/verifikasi/"), (
            f"{username}'s TOTP code was refused: {page.locator('main').inner_text()}"
        )
        accepted()
