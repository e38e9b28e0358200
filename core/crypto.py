"""Encryption at rest for identifying data: children's names, narratives, messages, attachments.

The keys are settings.FIELD_ENCRYPTION_KEYS, Fernet keys newest first, and never the database's:
a copy of the database or of a backup reveals nothing without them. The newest key encrypts and
every key decrypts, so a key is rotated by putting a new one first, deploying, running
`manage.py rotate_encryption_keys`, and only then dropping the old one.
"""

from functools import lru_cache
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UndecryptableError(Exception):
    """No configured key decrypts the token: its key was dropped too early, or the data is damaged."""


class _Keyring(NamedTuple):
    every_key: MultiFernet
    newest_key: Fernet
    count: int


def encrypt_bytes(data: bytes) -> bytes:
    return _keyring().every_key.encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    keyring = _keyring()
    try:
        return keyring.every_key.decrypt(token)
    except InvalidToken:
        raise _undecryptable(keyring) from None


def encrypt_text(value: str) -> str:
    return encrypt_bytes(value.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode()).decode()


def is_under_newest_key(token: bytes) -> bool:
    """Whether the newest key alone decrypts the token, i.e. rotation has nothing to do for it."""
    try:
        _keyring().newest_key.decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_token(token: bytes) -> bytes:
    """The same plaintext encrypted under the newest key (keeping the token's timestamp)."""
    keyring = _keyring()
    try:
        return keyring.every_key.rotate(token)
    except InvalidToken:
        raise _undecryptable(keyring) from None


def _keyring() -> _Keyring:
    # Cached on the keys themselves, so a changed setting (override_settings, the `settings`
    # fixture) takes effect at once, with no signal handler to forget.
    return _build_keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


@lru_cache(maxsize=4)
def _build_keyring(keys: tuple[str | bytes, ...]) -> _Keyring:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: at least one Fernet key is needed.")
    fernets = [Fernet(key) for key in keys]
    return _Keyring(every_key=MultiFernet(fernets), newest_key=fernets[0], count=len(fernets))


def _undecryptable(keyring: _Keyring) -> UndecryptableError:
    return UndecryptableError(f"None of the {keyring.count} keys in FIELD_ENCRYPTION_KEYS can decrypt this token.")
