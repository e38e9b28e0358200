"""docker-compose.yml's health checks against the real servers under production settings: gunicorn
with gunicorn.conf.py, and nginx with deploy/nginx/kla.conf.template in front (issue 22)."""

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.core.test_settings import PRODUCTION
from tests.served import gunicorn, nginx
from tests.services import worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS = {
    **{k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"},
    "BEHIND_TLS_PROXY": "true",
    "CELERY_BROKER_URL": "filesystem://",
}


def get(port: int, path: str, **headers: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_the_exact_healthchecks_of_compose_pass_and_unknown_hosts_are_still_refused(tmp_path):
    web_check = COMPOSE["services"]["web"]["healthcheck"]["test"]
    assert web_check[:2] == ["CMD", "python"]
    with gunicorn(tmp_path, database_url=worker_database_url(), probe="/healthz", **SETTINGS) as (port, _log):
        # The command Docker runs in the web container, pointed at this gunicorn's port.
        command = [sys.executable, *web_check[2:]]
        command[-1] = command[-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr

        assert get(port, "/", Host="evil.example")[0] == 400
        assert get(port, "/readyz", Host="127.0.0.1:8000")[0] == 200
        assert get(port, "/readyz/", Host="evil.example")[0] == 400  # only the probes themselves

        with nginx(tmp_path, upstream_port=port) as proxy:
            # The proxy's own check (wget http://127.0.0.1:8080/healthz): nginx passes Host on.
            assert get(proxy, "/healthz")[0] == 200
            # Behind the TLS proxy: a request that came over HTTPS is served (the language switch,
            # a page without static files), not redirected to HTTPS again; one that did not is.
            status, headers = get(proxy, "/bahasa/id/", Host="kla.example.org", **{"X-Forwarded-Proto": "https"})
            assert status == 302 and headers["Location"] == "/", headers
            status, headers = get(proxy, "/bahasa/id/", Host="kla.example.org")
            assert status == 301 and headers["Location"] == "https://kla.example.org/bahasa/id/"
