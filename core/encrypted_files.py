"""Encrypted files under MEDIA_ROOT, named by EncryptedFileNameField.

A file holds a core.crypto token, never plaintext. Folders are 0700 and files 0600: only the
service's own user reads them, and MEDIA_ROOT is never served by URL. Every write goes to a
temporary file in the same folder, then os.replace, so a crash leaves the old file or the new
one, never half of one. Names are relative to MEDIA_ROOT; one that would resolve outside it
(`..`, an absolute path, a symlink out) is refused with ValueError.
"""

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

from .crypto import decrypt_bytes, encrypt_bytes, is_under_newest_key, rotate_token


def save_encrypted(data: bytes, *, folder: str, data_key: int | None = None) -> str:
    """Encrypt and store `data` under a new random name in `folder`; return that name. A file of a
    report goes under the report's data key (core.datakeys), anything else under the master keys."""
    directory = _resolve(folder)
    _make_private_folders(directory)
    path = directory / f"{uuid.uuid4().hex}.bin"
    _write_atomically(path, encrypt_bytes(data, data_key=data_key))
    return path.relative_to(_media_root()).as_posix()


def read_decrypted(name: str) -> bytes:
    return decrypt_bytes(_resolve(name).read_bytes())


def delete_quietly(name: str) -> None:
    """Delete the file if there is one: for cleaning up, where a missing file is no error."""
    if not name:
        return
    with contextlib.suppress(FileNotFoundError):
        _resolve(name).unlink()


def path_of(name: str) -> Path:
    """Where the file of that name is (for code that reads or rewrites it as stored: migrations)."""
    return _resolve(name)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file at `path` (inside MEDIA_ROOT) with `data`, all or nothing."""
    _write_atomically(path, data)


def rotate_file(name: str, *, dry_run: bool = False) -> bool:
    """Re-encrypt the file under the newest key, atomically, under the same name.

    Returns False if it already was under the newest key. With dry_run, only says whether it
    would be re-encrypted. Raises UndecryptableError if no configured key opens it.
    """
    path = _resolve(name)
    token = path.read_bytes()
    if is_under_newest_key(token):
        return False
    rotated = rotate_token(token)
    if not dry_run:
        _write_atomically(path, rotated)
    return True


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _resolve(name: str) -> Path:
    root = _media_root()
    path = (root / name).resolve()
    if path == root or not path.is_relative_to(root):
        raise ValueError(f"{name!r} is not a name inside MEDIA_ROOT.")
    return path


def _make_private_folders(directory: Path) -> None:
    missing = [folder for folder in (directory, *directory.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    # mkstemp creates the file 0600; os.replace keeps that mode.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename itself survives a power cut only once the folder is flushed too.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
