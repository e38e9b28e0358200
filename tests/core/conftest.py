"""Fixtures of the backup, restore and data-key tests."""

import secrets

import pytest
from django.db import connection

from core.backup import BackupError, client_program
from tests.services import missing


@pytest.fixture
def pg_tools(db):
    """The suite's PostgreSQL must have client programs to match; without them this is a failure
    under REQUIRE_SERVICES=1, not a quiet skip."""
    major = connection.pg_version // 10000
    try:
        client_program("pg_dump", at_least=major)
        client_program("pg_restore", at_least=major)
    except BackupError as exc:
        missing(str(exc))


@pytest.fixture
def fresh_database(db):
    """Empty databases named after the test database, dropped at the end."""
    created = []

    def create() -> str:
        name = f"{connection.settings_dict['NAME']}_restore_{secrets.token_hex(4)}"[:63]
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return name

    yield create
    with connection.cursor() as cursor:
        for name in created:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
