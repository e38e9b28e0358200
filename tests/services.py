"""Real PostgreSQL and Redis for tests: skip without them, fail without them in CI.

REQUIRE_SERVICES=1 (set by .ci/run) turns every "skip because a service is missing" into a
failure, so a CI run can never pass while quietly testing nothing.
"""

import os

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing(f"Redis at REDIS_URL is not reachable ({exc})")
    return url


def postgres_or_skip():
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("DATABASE_URL does not point to PostgreSQL")


# Decided before any database is set up: a transactional test that skips from inside its body
# has already had its database set up, and its flush would empty the shipped reference data
# (kecamatan, kelurahan) for the tests after it. Without PostgreSQL, REQUIRE_SERVICES=1 stops the
# run in conftest.pytest_configure, so this never hides a missing service in CI.
needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL does not point to PostgreSQL",
)
