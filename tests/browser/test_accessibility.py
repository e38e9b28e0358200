"""axe-core on every public page and the main staff pages: no violation of any impact.

Pages that only a journey reaches (the confirmation with the code, the status page with a
thread, a case at each step) are checked inside the journeys. Every page's findings, of any
impact, are kept in <artifacts>/axe/<page>.json.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from .support import DESKTOP, PHONE, assert_accessible, path_of, submit

pytestmark = pytest.mark.services


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    role: str | None = None  # whose logged-in browser; None: an anonymous visitor
    follow: str | None = None  # then open the first link matching this selector
    then: Callable | None = None  # then do this on the page (show an error state)
    status: int = 200


def send_empty(page):
    submit(page)


def send_wrong_code(page):
    page.fill("#id_receipt_code", "0000 0000 0000 0000")
    submit(page)


PAGES = [
    Page("home", "/"),
    Page("report-who-is-it-about", "/lapor/"),
    Page("report-form", "/lapor/?tentang=child_self"),
    Page(
        "report-form-with-errors",
        "/lapor/?tentang=adult",
        then=lambda page: submit(page, "main form.report-form button[type=submit]"),
    ),
    Page("status-form", "/lapor/status/"),
    Page("status-form-wrong-code", "/lapor/status/", then=send_wrong_code),
    Page("statistics", "/statistik/"),
    Page("login", "/akun/masuk/"),
    Page("login-with-errors", "/akun/masuk/", then=send_empty),
    Page("not-found", "/halaman-yang-tidak-ada/", status=404),
    Page("officer-inbox", "/staf/laporan/", role="officer"),
    Page("report-detail", "/staf/laporan/", role="officer", follow="table.inbox a[href^='/staf/laporan/']"),
    Page("case-list", "/staf/kasus/", role="officer"),
    Page("case-detail", "/staf/kasus/", role="officer", follow="main table a[href^='/staf/kasus/']"),
    Page("notifications", "/staf/notifikasi/", role="officer"),
    Page("alert-settings", "/akun/notifikasi/", role="officer"),
    Page("outreach-coverage", "/staf/sosialisasi/", role="officer"),
    Page("outreach-targeting", "/staf/sosialisasi/sasaran/", role="officer"),
    Page("dashboard", "/staf/dasbor/", role="supervisor"),
    Page("overdue-reports", "/staf/eskalasi/", role="supervisor"),
    Page("exports", "/staf/ekspor/", role="supervisor"),
    Page("supervisor-case-list", "/staf/kasus/", role="supervisor"),
    Page("supervisor-home-approvals", "/staf/", role="supervisor"),
    Page("pending-approvals", "/staf/kasus/persetujuan/", role="supervisor"),
    Page("plan-decision", "/staf/kasus/persetujuan/", role="supervisor", follow="main .approval-plan a"),
    Page("volunteer-home", "/relawan/", role="volunteer"),
    Page("session-form", "/relawan/sesi/baru/", role="volunteer"),
    Page("session-form-with-errors", "/relawan/sesi/baru/", role="volunteer", then=send_empty),
    Page("session-list", "/relawan/sesi/", role="volunteer"),
    Page("groups", "/relawan/kelompok/", role="volunteer"),
    Page("forum-anak", "/relawan/forum-anak/", role="volunteer"),
    Page("volunteer-report-form", "/relawan/lapor/", role="volunteer"),
    Page("forbidden", "/staf/laporan/", role="volunteer", status=403),
]


@pytest.mark.parametrize("target", PAGES, ids=[page.name for page in PAGES])
def test_page_has_no_accessibility_violation(browsing, app, request, target):
    state = request.getfixturevalue(f"{target.role}_state") if target.role else None
    page = browsing.page(viewport=DESKTOP if target.role in ("officer", "supervisor") else PHONE, storage_state=state)
    response = page.goto(f"{app.base_url}{target.path}")
    assert response.status == target.status, f"{target.path}: {response.status}"
    assert path_of(page) == target.path.split("?")[0], f"not logged in? ended at {page.url}"
    if target.follow:
        href = page.locator(target.follow).first.get_attribute("href")
        assert href, f"no link {target.follow} on {target.path}"
        page.goto(f"{app.base_url}{href}")
    if target.then:
        target.then(page)
    assert_accessible(page, target.name)


@pytest.mark.parametrize("username", ["petugas2", "petugas"], ids=["enrolment", "code"])
def test_second_factor_pages_have_no_accessibility_violation(browsing, app, officer_state, username):
    """The enrolment page (a first login) and the code page (petugas enrolled by officer_state),
    stopped before any code is typed."""
    page = browsing.page(viewport=PHONE)
    page.goto(f"{app.base_url}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo-KLA-2026")
    submit(page)
    assert path_of(page) == ("/akun/2fa/pasang/" if username == "petugas2" else "/akun/verifikasi/")
    assert_accessible(page, f"second-factor-{'enrolment' if username == 'petugas2' else 'code'}")


class _PageWithFindings:
    """Stands in for a browser page on which axe-core reports `violations` (no server needed)."""

    url = "http://127.0.0.1/example/"

    def __init__(self, violations):
        self.violations = violations

    def evaluate(self, script):
        return self.violations if "axe.run" in script else True


@pytest.mark.parametrize("impact", ["minor", "moderate", "serious", "critical", None])
def test_a_violation_of_any_impact_fails(monkeypatch, tmp_path, impact):
    monkeypatch.setenv("BROWSER_ARTIFACTS", str(tmp_path))
    finding = {"id": "region", "impact": impact, "help": "All page content should be contained by landmarks"}
    page = _PageWithFindings([{**finding, "helpUrl": "", "nodes": [{"target": [".skip-link"]}]}])

    with pytest.raises(AssertionError, match=r"region \("):
        assert_accessible(page, "any-impact")
    assert_accessible(_PageWithFindings([]), "none")
