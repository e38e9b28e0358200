"""Strict readers for environment variables.

Settings are read once at start-up. A value that is missing (where it is required) or
malformed stops the process with one line naming the variable, instead of a traceback or,
worse, a silently wrong default. The line is in Indonesian and English because it is read
by whoever runs the service, before any translation machinery exists.
"""

from __future__ import annotations

import base64
import binascii
import warnings

import environ

TRUE_WORDS = {"1", "true", "yes", "on", "ya"}
FALSE_WORDS = {"0", "false", "no", "off", "tidak"}
SUPPORTED_DATABASE_ENGINES = {"django.db.backends.postgresql"}

# Every variable that production may require, in the order settings asked for it, whatever
# DJANGO_DEBUG says (tests/system/test_deployment.py checks .env.example and compose pass them).
REQUIRED_IN_PRODUCTION: list[str] = []


def _note_required(name: str) -> None:
    if name not in REQUIRED_IN_PRODUCTION:
        REQUIRED_IN_PRODUCTION.append(name)


def fail(name: str, problem_id: str, problem_en: str) -> None:
    raise SystemExit(
        f"KONFIGURASI: variabel lingkungan {name} {problem_id} (environment variable {name} {problem_en})."
    )


class StrictEnv:
    def __init__(self, env: environ.Env, *, production: bool):
        self.env = env
        self.production = production

    def raw(self, name: str) -> str:
        return self.env.str(name, default="").strip()

    def bool(self, name: str, *, default: bool) -> bool:
        value = self.raw(name).lower()
        if not value:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        fail(name, "harus true atau false", "must be true or false")

    def int(self, name: str, *, default: int, minimum: int = 0) -> int:
        value = self.raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < minimum:
            fail(
                name,
                f"harus bilangan bulat minimal {minimum}",
                f"must be a whole number of at least {minimum}",
            )
        return number

    def require_in_production(
        self,
        name: str,
        *,
        problem_id: str = "wajib diisi bila DJANGO_DEBUG=false",
        problem_en: str = "is required when DJANGO_DEBUG=false",
    ) -> None:
        _note_required(name)
        if self.production and not self.raw(name):
            fail(name, problem_id, problem_en)

    def secret(self, name: str, *, dev_default: str, min_length: int = 1) -> str:
        """A secret: required in production, a fixed insecure value for local use."""
        _note_required(name)
        value = self.raw(name)
        if not value:
            if self.production:
                fail(name, "wajib diisi bila DJANGO_DEBUG=false", "is required when DJANGO_DEBUG=false")
            return dev_default
        if len(value) < min_length:
            fail(name, f"minimal {min_length} karakter", f"must be at least {min_length} characters")
        return value

    def list(self, name: str, *, dev_default: list[str], required_in_production: bool) -> list[str]:
        if required_in_production:
            _note_required(name)
        items = [item.strip() for item in self.raw(name).split(",") if item.strip()]
        if items:
            return items
        if self.production and required_in_production:
            fail(name, "wajib diisi bila DJANGO_DEBUG=false", "is required when DJANGO_DEBUG=false")
        return dev_default

    def fernet_keys(self, name: str, *, dev_default: list[str]) -> list[str]:
        """Comma-separated Fernet keys, newest first; older ones only decrypt (rotation)."""
        keys = self.list(name, dev_default=dev_default, required_in_production=True)
        for key in keys:
            try:
                valid = len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
            except (binascii.Error, ValueError, UnicodeEncodeError):
                valid = False
            if not valid:
                fail(
                    name,
                    "berisi kunci yang bukan kunci Fernet (32 byte base64-url)",
                    "holds a key that is not a Fernet key (32 url-safe base64 bytes)",
                )
        return keys

    def database(self, name: str, *, default: str) -> dict:
        value = self.raw(name) or default
        config = {}
        if value.startswith(("postgres://", "postgresql://")):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    config = environ.Env.db_url_config(value)
            except Exception:  # django-environ raises several types for a malformed URL
                config = {}
        if config.get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
            fail(
                name,
                "bukan URL PostgreSQL yang sah; hanya PostgreSQL yang didukung (contoh: postgres://user@host:5432/nama)",
                "is not a valid PostgreSQL URL; only PostgreSQL is supported (e.g. postgres://user@host:5432/name)",
            )
        return config

    def url(self, name: str, *, default: str, schemes: tuple[str, ...]) -> str:
        value = self.raw(name) or default
        if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
            fail(
                name,
                f"harus diawali {' atau '.join(s + '://' for s in schemes)}",
                f"must start with {' or '.join(s + '://' for s in schemes)}",
            )
        return value
