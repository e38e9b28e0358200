"""Clients that send their request one byte a second (issue 15): six of them held all five sync
gunicorn workers and /healthz went unanswered for about 20 s. Measured on the real servers:
gunicorn with gunicorn.conf.py alone, and behind the nginx of docker-compose.yml."""

import pytest

from tests.served import gunicorn, healthz_seconds, nginx, slow_clients
from tests.services import worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_it_answers_healthz_at_once_while_six_slow_clients_trickle_their_requests(tmp_path):
    """gunicorn.conf.py's threaded workers: each slow client holds one thread, not a worker."""
    with gunicorn(tmp_path, database_url=worker_database_url()) as (port, _log), slow_clients(port, 6):
        waits = [healthz_seconds(port) for _ in range(5)]

    assert max(waits) < 1, waits


def test_behind_the_proxy_slow_clients_never_reach_gunicorn(tmp_path):
    """gunicorn alone is full once every thread is held (here 1 worker × 2 threads, 2 slow
    clients); behind nginx ten times as many slow clients cost it nothing."""
    url = worker_database_url()
    with gunicorn(tmp_path, database_url=url, GUNICORN_WORKERS="1", GUNICORN_THREADS="2") as (port, log):
        with slow_clients(port, 2):
            held = healthz_seconds(port, timeout=3)
        with nginx(tmp_path, upstream_port=port) as proxy, slow_clients(proxy, 20):
            waits = [healthz_seconds(proxy) for _ in range(5)]

    assert held == 3  # the control: two slow clients hold this gunicorn's two threads
    assert max(waits) < 1, waits
    # The control's slow report reached gunicorn (a 400 once it gave up); none of the ten sent
    # through nginx did.
    assert log.read_text().count('"POST /lapor/"') <= 1
