"""Settings read from the environment: safe local defaults, loud refusal in production."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x8Tq-production-like-secret-for-the-test-only-Zr4mW9pLk2VbNc7",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS0wMDAwMDAwMDAwMDAwMDAwMDA=",
    "ALLOWED_HOSTS": "kla.example.org",
    "RECEIPT_CODE_SECRET": "receipt-code-secret-for-the-test-only-0123456789",
    "CHILD_MATCH_SECRET": "child-match-secret-for-the-test-only-0123456789",
    "DATABASE_URL": "postgres://kla@db.invalid:5432/kla",
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
