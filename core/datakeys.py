"""Per-record data keys: each report and each case has its own key, so erasing it is real.

A model whose rows belong to a report or a case says so with `data_key_owner`, the path from a
row to its owner ("self" on Report and Case themselves, "report", "case", "plan__case"...).
Every EncryptedTextField of such a model is sealed under the owner's data key when it is saved
(core.fields), and the services write the owner's files with it (core.encrypted_files). The owner
gets its key the first time something of it is encrypted.

The keys live in core.DataKey, wrapped by the master keys. Backups never hold them
(`manage.py backup` leaves the table's rows out; `manage.py export_keys` writes them to a place
kept apart), so shredding a key (`erase_owned`) makes the record unreadable in this database and
in every backup taken before, as soon as no key export taken before the erasure is kept.

Each process keeps the wrapped keys it has seen and unwraps a key the first time it is used: a
list of a hundred reports costs one query for their keys, not a hundred.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from .crypto import UndecryptableError, decrypt_text
from .encrypted_files import delete_quietly

SELF = "self"


class ShreddedError(UndecryptableError):
    """The data key was shredded: what it encrypted was erased on purpose and is gone."""


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.wrapped: dict[int, str] = {}  # "" for a shredded key
        self.fernets: dict[int, Fernet] = {}
        self.highest = 0

    def clear(self):
        with self.lock:
            self.wrapped.clear()
            self.fernets.clear()
            self.highest = 0


_cache = _Cache()


def _data_key_model():
    return apps.get_model("core", "DataKey")


def new_data_key() -> int:
    """Create a data key and return its id. Inside the caller's transaction: if that rolls back,
    so does the key."""
    material = Fernet.generate_key()
    key = _data_key_model().objects.create(material=material.decode("ascii"))
    with _cache.lock:
        _cache.fernets[key.pk] = Fernet(material)
    return key.pk


def fernet_for(key_id: int) -> Fernet:
    with _cache.lock:
        fernet = _cache.fernets.get(key_id)
    return fernet if fernet is not None else _unwrap(key_id, reload=False)


def decrypt(key_id: int, token: bytes) -> bytes:
    try:
        return fernet_for(key_id).decrypt(token)
    except InvalidToken:
        pass
    # A key cached from another database (a test's, a restore's) under the same id: read it again.
    try:
        return _unwrap(key_id, reload=True).decrypt(token)
    except InvalidToken:
        raise UndecryptableError(f"Data key {key_id} does not decrypt this token: the data is damaged.") from None


def _unwrap(key_id: int, *, reload: bool) -> Fernet:
    with _cache.lock:
        if reload or key_id not in _cache.wrapped:
            _load(key_id)
        wrapped = _cache.wrapped.get(key_id)
        if wrapped is None:
            raise UndecryptableError(
                f"Data key {key_id} is not in this database: restore it with `manage.py restore --keys`."
            )
        if wrapped == "":
            raise ShreddedError(f"Data key {key_id} was shredded: this record was erased.")
        fernet = _cache.fernets[key_id] = Fernet(decrypt_text(wrapped).encode("ascii"))
        return fernet


def _load(key_id: int) -> None:
    """Read, in one query, the key asked for and every key newer than the newest one seen."""
    model = _data_key_model()
    connection = connections[router.db_for_read(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, material FROM {table} WHERE id > %s OR id = %s", [_cache.highest, key_id])  # noqa: S608
        rows = cursor.fetchall()
    for pk, wrapped in rows:
        if _cache.wrapped.get(pk) != wrapped:
            _cache.fernets.pop(pk, None)
        _cache.wrapped[pk] = wrapped
        _cache.highest = max(_cache.highest, pk)
    if not any(pk == key_id for pk, _wrapped in rows):
        _cache.wrapped.pop(key_id, None)
        _cache.fernets.pop(key_id, None)


def forget_cached_keys() -> None:
    """Drop every key this process holds (tests that switch databases; after a restore)."""
    _cache.clear()


# Owners and what they own ---------------------------------------------------------------------


def owner_path(model: type[models.Model]) -> str | None:
    return getattr(model, "data_key_owner", None)


def owner_of(instance: models.Model) -> models.Model | None:
    path = owner_path(type(instance))
    if path is None:
        return None
    owner = instance
    if path != SELF:
        for step in path.split("__"):
            owner = getattr(owner, step)
    return owner


def key_for(instance: models.Model) -> int | None:
    """The id of the data key `instance`'s encrypted values go under (None: the master keys),
    creating the owner's key the first time. An owner already in the database is linked to its
    new key at once, whatever the save that triggered it writes."""
    owner = owner_of(instance)
    if owner is None:
        return None
    if owner.data_key_id is None:
        key_id = new_data_key()
        if owner.pk is not None and owner._state.adding is False:
            updated = type(owner).objects.filter(pk=owner.pk, data_key__isnull=True).update(data_key=key_id)
            if not updated:  # another process gave it a key meanwhile
                key_id = type(owner).objects.values_list("data_key", flat=True).get(pk=owner.pk)
        owner.data_key_id = key_id
    return owner.data_key_id


def key_owner_models() -> list[type[models.Model]]:
    """The models with a data key of their own: Report and Case."""
    return [model for model in apps.get_models() if owner_path(model) == SELF]


def owned_models(owner_model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """Every model whose rows are under `owner_model`'s data keys, with the lookup from it to the owner."""
    from .fields import encrypted_fields

    found = []
    for model in apps.get_models():
        path = owner_path(model)
        if path is None or model._meta.concrete_model is not model or not encrypted_fields(model):
            continue
        if path == SELF:
            if model is owner_model:
                found.append((model, "pk"))
            continue
        target = model
        for step in path.split("__"):
            target = target._meta.get_field(step).related_model
        if target is owner_model:
            found.append((model, path))
    return found


@dataclass
class Erased:
    rows: int = 0
    values: int = 0
    files: list[str] = field(default_factory=list)
    keys: int = 0


def erase_owned(owners: Iterable[models.Model], *, now=None) -> Erased:
    """Erase what `owners` (reports or cases, of one model) hold: every encrypted value of theirs
    is blanked, their files are deleted once the transaction commits, and their data keys are
    shredded, which leaves whatever a backup holds of them unreadable. Rows stay, without
    content, so counts, references and the audit trail keep their shape. Call it inside the
    eraser's transaction. A model with `erased_by_deleting = True` loses its rows instead. The
    database refuses to blank a case under a legal hold (its reason must stay)."""
    from .fields import EncryptedFileNameField, EncryptedTextField, encrypted_fields

    owners = list(owners)
    erased = Erased()
    if not owners:
        return erased
    owner_model = type(owners[0])
    pks = [owner.pk for owner in owners]
    for model, path in owned_models(owner_model):
        rows = model._base_manager.filter(**{f"{path}__in": pks})
        files = [f.name for f in encrypted_fields(model, EncryptedFileNameField)]
        if files:
            erased.files.extend(name for names in rows.values_list(*files) for name in names if name)
        if getattr(model, "erased_by_deleting", False):  # rows that mean nothing once blank
            erased.values += rows.count()
            erased.rows += rows.delete()[1].get(model._meta.label, 0)
            continue
        texts = [f.name for f in encrypted_fields(model, EncryptedTextField)]
        blank = dict.fromkeys(texts + files, "")
        filled = rows.exclude(models.Q.create([(name, "") for name in blank], connector=models.Q.AND))
        erased.values += sum(rows.exclude(**{name: ""}).count() for name in blank)
        erased.rows += filled.update(**blank)
    keys = [owner.data_key_id for owner in owners if owner.data_key_id is not None]
    erased.keys = shred(keys, now=now)
    names = list(erased.files)
    transaction.on_commit(lambda: [delete_quietly(name) for name in names])
    return erased


def shred(key_ids: Iterable[int], *, now=None) -> int:
    """Destroy the data keys: their material is emptied for good. Returns how many were live."""
    key_ids = list(key_ids)
    count = (
        _data_key_model()
        .objects.filter(pk__in=key_ids, shredded_at__isnull=True)
        .update(material="", shredded_at=now or timezone.now())
    )
    transaction.on_commit(lambda: _forget(key_ids))
    return count


def _forget(key_ids: list[int]) -> None:
    with _cache.lock:
        for key_id in key_ids:
            _cache.fernets.pop(key_id, None)
            _cache.wrapped[key_id] = ""


def blank_shredded() -> tuple[int, int]:
    """Blank what is still stored under a shredded key: the rows of a restored backup whose record
    was erased after the backup was made. Returns how many reports and cases were blanked, and how
    many the database refused to blank (a case still under a legal hold in the backup); those stay
    unreadable all the same, their key being shredded."""
    blanked = refused = 0
    for model in key_owner_models():
        for owner in model._base_manager.filter(data_key__shredded_at__isnull=False).only("pk", "data_key"):
            try:
                with transaction.atomic():
                    erase_owned([owner])
            except IntegrityError:
                refused += 1
            else:
                blanked += 1
    return blanked, refused
