"""Fixtures of the browser tests: the served application, Debian's chromium, logged-in staff.

Everything here is package-scoped: Playwright's sync API keeps an event loop in this thread,
under which Django refuses database access, so the browser is closed before the rest of the
suite runs. Without chromium, Playwright or PostgreSQL the tests skip, and fail instead under
REQUIRE_SERVICES=1 (tests/services.py).
"""

import os
import shutil

import pytest

from tests.services import missing

from .support import (
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    QUICK_EXIT_HOST,
    Authenticator,
    ServedApp,
    artifacts_root,
)

# The sub-folders a run writes; only these are emptied first (BROWSER_ARTIFACTS may be any folder).
JOURNEY_FOLDERS = (
    "1-reporter-js",
    "2-reporter-nojs",
    "3-officer",
    "4-volunteer",
    "5-quick-exit",
    "6-intake",
    "7-safe-phone",
    "8-officer-day",
    "9-forum",
    "10-privacy",
    "11-legal-hold",
    "axe",
    "logs",
)
_used = {"artifacts": False}


def pytest_terminal_summary(terminalreporter):
    if _used["artifacts"]:
        terminalreporter.write_sep("-", "browser journeys")
        terminalreporter.write_line(f"Screenshots, axe-core results and server logs: {artifacts_root()}")


@pytest.fixture(scope="package")
def artifacts():
    root = artifacts_root()
    for name in JOURNEY_FOLDERS:
        shutil.rmtree(root / name, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    _used["artifacts"] = True
    return root


@pytest.fixture(scope="package")
def browser(artifacts):
    chromium = shutil.which("chromium")
    if chromium is None:
        missing("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, timeout=30_000)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def app(browser, artifacts):
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        missing("DATABASE_URL does not point to PostgreSQL")
    served = ServedApp(database_url=database_url, log_dir=artifacts / "logs")
    try:
        served.start()
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="package")
def authenticator():
    return Authenticator()


class Browsing:
    """Opens browser contexts against the app; every request to another host is refused and
    remembered (the pages must load nothing from elsewhere), except those a test routes itself."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.elsewhere: list[str] = []
        self.csp_reports: list[str] = []

    def page(self, *, viewport=PHONE, javascript=True, storage_state=None):
        context = self.browser.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            storage_state=storage_state,
            locale="id-ID",
            timezone_id="Asia/Makassar",
        )
        context.set_default_timeout(20_000)
        context.set_default_navigation_timeout(30_000)
        context.route(lambda url: not url.startswith(self.base_url), self._refuse)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        return page

    def _refuse(self, route):
        self.elsewhere.append(route.request.url)
        route.abort()

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_reports.append(message.text)

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()


@pytest.fixture
def browsing(browser, app):
    session = Browsing(browser, app.base_url)
    yield session
    session.close()
    elsewhere = [url for url in session.elsewhere if QUICK_EXIT_HOST not in url]
    assert not elsewhere, f"pages asked for resources on other hosts: {elsewhere}"
    assert not session.csp_reports, f"the Content-Security-Policy blocked something: {session.csp_reports}"


def _logged_in_state(browser, app, authenticator, username, viewport):
    session = Browsing(browser, app.base_url)
    try:
        page = session.page(viewport=viewport)
        authenticator.login(page, app.base_url, username)
        return page.context.storage_state()
    finally:
        session.close()


@pytest.fixture(scope="package")
def officer_state(browser, app, authenticator):
    """A logged-in case officer (the demo's `petugas`, on duty: new reports alert them)."""
    return _logged_in_state(browser, app, authenticator, "petugas", DESKTOP)


@pytest.fixture(scope="package")
def supervisor_state(browser, app, authenticator):
    return _logged_in_state(browser, app, authenticator, "koordinator", DESKTOP)


@pytest.fixture(scope="package")
def volunteer_state(browser, app, authenticator):
    return _logged_in_state(browser, app, authenticator, "relawan", PHONE)
