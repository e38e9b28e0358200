"""Settings read from the environment: safe local defaults, loud refusal in production."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x8Tq-production-like-secret-for-the-test-only-Zr4mW9pLk2VbNc7",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS0wMDAwMDAwMDAwMDAwMDAwMDA=",
    "ALLOWED_HOSTS": "kla.example.org",
    "RECEIPT_CODE_SECRET": "receipt-code-secret-for-the-test-only-0123456789",
    "CHILD_MATCH_SECRET": "child-match-secret-for-the-test-only-0123456789",
    "DATABASE_URL": "postgres://kla@db.invalid:5432/kla",
    "EMAIL_URL": "smtp+tls://kla@smtp.example.org:587",
}


def run_manage(tmp_path, extra_env, *args):
    env = {"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "balikpapan_kla.settings"}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEYS",
        "RECEIPT_CODE_SECRET",
        "CHILD_MATCH_SECRET",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "EMAIL_URL",
    ],
)
def test_it_refuses_to_start_in_production_without_a_secret_naming_it_in_one_line(tmp_path, variable):
    env = {k: v for k, v in PRODUCTION.items() if k != variable}

    result = run_manage(tmp_path, env, "migrate")

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("SECRET_KEY", "too-short"),
        ("DATABASE_URL", "nonsense-without-scheme"),
        ("DATABASE_URL", "mysql://kla@db.invalid/kla"),  # PostgreSQL is the only engine
        ("SESSION_IDLE_MINUTES", "thirty"),
        ("CELERY_BROKER_URL", "http://wrong"),
        ("STAFF_2FA_REQUIRED", "perhaps"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "soon"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("EMAIL_TO_FILES", "sometimes"),
        # A live worker sending (webhook 5 s × 1 URL + email 10 s) must never be overtaken.
        ("ALERT_CLAIM_TIMEOUT_SECONDS", "15"),
    ],
)
def test_it_names_the_variable_with_a_malformed_value(tmp_path, variable, value):
    result = run_manage(tmp_path, {**PRODUCTION, variable: value}, "migrate")

    assert result.returncode != 0
    assert variable in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_it_starts_with_no_variables_at_all_using_laptop_defaults(tmp_path):
    result = run_manage(tmp_path, {}, "check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_passes_check_deploy_without_warnings_under_production_variables(tmp_path):
    result = run_manage(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_hashes_passwords_with_argon2_in_production(tmp_path):
    script = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = run_manage(tmp_path, PRODUCTION, "shell", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_without_smtp_production_refuses_naming_email_url_and_the_opt_out(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}

    result = run_manage(tmp_path, env, "check")

    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr and "EMAIL_TO_FILES=true" in result.stderr


def test_emails_only_to_files_in_production_when_the_operator_says_so(tmp_path):
    env = {**{k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}, "EMAIL_TO_FILES": "true"}
    script = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"

    result = run_manage(tmp_path, env, "shell", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
    ]


# Every character a URL would need escaped, and a "$" that django-environ would take for a variable.
AWKWARD_PASSWORD = "$p/a%2Fs@s:w#o?r&d="
DATABASE_SETTINGS = (
    "import json; from django.conf import settings; from django.db import connection; "
    "database = settings.DATABASES['default']; "
    "print(json.dumps({key: database[key] for key in ('NAME', 'USER', 'PASSWORD', 'HOST', 'PORT')})); "
    "print(connection.get_connection_params()['password'])"
)


def test_the_database_password_is_taken_apart_from_the_url_as_it_is(tmp_path):
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://kla:url-password@db.invalid:5433/kla",
        "DATABASE_PASSWORD": AWKWARD_PASSWORD,
    }

    result = run_manage(tmp_path, env, "shell", "-c", DATABASE_SETTINGS)

    assert result.returncode == 0, result.stderr
    settings_line, params_password = result.stdout.strip().splitlines()[-2:]
    assert json.loads(settings_line) == {
        "NAME": "kla",
        "USER": "kla",
        "PASSWORD": AWKWARD_PASSWORD,
        "HOST": "db.invalid",
        "PORT": 5433,
    }
    assert params_password == AWKWARD_PASSWORD


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether PostgreSQL's SCRAM-SHA-256 verifier was made from this password (RFC 5802):
    the server here trusts 127.0.0.1, so logging in alone would not prove the password right."""
    _method, iterations_salt, keys = verifier.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = base64.b64decode(keys.split(":")[0])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest() == stored_key


@pytest.fixture
def awkward_role():
    """A PostgreSQL role whose password is AWKWARD_PASSWORD, on the tests' server; dropped after."""
    server = dj_database_url_parts()
    name = f"kla_awkward_{os.getpid()}"
    admin = psycopg2.connect(**server, dbname="postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SET password_encryption = 'scram-sha-256'")
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(name)), [AWKWARD_PASSWORD])
            cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [name])
            (verifier,) = cursor.fetchone()
        yield name, server, verifier
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()


def dj_database_url_parts() -> dict:
    from django.conf import settings

    database = settings.DATABASES["default"]
    return {
        key: value
        for key, value in {
            "host": database["HOST"],
            "port": database["PORT"],
            "user": database["USER"],
            "password": database["PASSWORD"],
        }.items()
        if value
    }


def test_a_password_with_url_characters_connects_to_a_real_server(tmp_path, awkward_role):
    name, server, verifier = awkward_role
    host = server.get("host") or "127.0.0.1"
    port = server.get("port") or 5432
    # The embedded server (a fresh machine, CI's first run) listens on a socket folder: its URL form.
    url = (
        f"postgres://{name}@/postgres?host={host}&port={port}"
        if host.startswith("/")
        else f"postgres://{name}@{host}:{port}/postgres"
    )
    env = {
        **PRODUCTION,
        "DATABASE_URL": url,
        "DATABASE_PASSWORD": AWKWARD_PASSWORD,
    }
    script = (
        DATABASE_SETTINGS
        + "; cursor = connection.cursor(); cursor.execute('SELECT current_user'); print(cursor.fetchone()[0])"
    )

    result = run_manage(tmp_path, env, "shell", "-c", script)

    assert result.returncode == 0, result.stderr
    *_, params_password, current_user = result.stdout.strip().splitlines()
    assert current_user == name
    # What the app sends is what the role's password was set to (the server trusts 127.0.0.1).
    assert _scram_matches(verifier, params_password)
    assert not _scram_matches(verifier, "p/a%2Fs@s:w#o?r&d=")  # the check can fail
