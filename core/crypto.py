"""Encryption at rest for identifying data: children's names, narratives, messages, attachments.

The master keys are settings.FIELD_ENCRYPTION_KEYS, Fernet keys newest first, and never the
database's: a copy of the database or of a backup reveals nothing without them. The newest key
encrypts and every key decrypts, so a key is rotated by putting a new one first, deploying,
running `manage.py rotate_encryption_keys`, and only then dropping the old one.

What belongs to one report or one case is encrypted under that record's own data key instead
(core.datakeys): such a token reads `dk:<data key id>:<Fernet token>`, and destroying the data
key destroys the record everywhere, in old backups too. Everything else (outreach, the privacy
registers, the data keys themselves) is under the master keys.
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


DATA_KEY_PREFIX = b"dk:"


def encrypt_bytes(data: bytes, *, data_key: int | None = None) -> bytes:
    """`data` encrypted under the data key with that id (core.datakeys), or under the newest master key."""
    if data_key is None:
        return _keyring().every_key.encrypt(data)
    from . import datakeys  # datakeys reads its keys through the ORM, whose fields use this module

    return b"%s%d:%s" % (DATA_KEY_PREFIX, data_key, datakeys.fernet_for(data_key).encrypt(data))


def decrypt_bytes(token: bytes) -> bytes:
    data_key = data_key_of(token)
    if data_key is not None:
        from . import datakeys

        return datakeys.decrypt(data_key, token.split(b":", 2)[2])
    keyring = _keyring()
    try:
        return keyring.every_key.decrypt(token)
    except InvalidToken:
        raise _undecryptable(keyring) from None


def encrypt_text(value: str, *, data_key: int | None = None) -> str:
    return encrypt_bytes(value.encode(), data_key=data_key).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode()).decode()


def data_key_of(token: bytes | str) -> int | None:
    """The id of the data key a token is under, or None for a token under the master keys."""
    if isinstance(token, str):
        token = token.encode()
    if not token.startswith(DATA_KEY_PREFIX):
        return None
    head = token[len(DATA_KEY_PREFIX) :].split(b":", 1)[0]
    if not head.isdigit():
        raise UndecryptableError("A data-key token without a data key id.")
    return int(head)


def is_under_newest_key(token: bytes) -> bool:
    """Whether rotation has nothing to do for the token: the newest master key alone decrypts it,
    or it is under a data key (rotating the master keys re-wraps the data key, not the token)."""
    if data_key_of(token) is not None:
        return True
    try:
        _keyring().newest_key.decrypt(token)
    except InvalidToken:
        return False
    return True


def rotate_token(token: bytes) -> bytes:
    """The same plaintext encrypted under the newest key (keeping the token's timestamp)."""
    if data_key_of(token) is not None:
        return token
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
