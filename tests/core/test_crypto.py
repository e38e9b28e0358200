"""Encryption at rest: core.crypto, the encrypted fields and files, and key rotation.

No installed app's model is used, so that these tests do not depend on one: `Secret` belongs
to an app label that is not installed (no migrations, invisible to get_models()), and its table
is created for this module with the schema editor. The rotation command is pointed at it by
replacing `encrypted_models`.
"""

import io
import stat

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction
from django.utils import translation

from core.crypto import (
    UndecryptableError,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    is_under_newest_key,
    rotate_token,
)
from core.encrypted_files import delete_quietly, read_decrypted, rotate_file, save_encrypted
from core.fields import EncryptedFileNameField, EncryptedTextField
from core.management.commands import rotate_encryption_keys
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

CHILD_NAME = "Anisa Putri"
NARRATIVE = "Dipukul ayah tirinya di rumah — sudah tiga kali bulan ini."


class Secret(models.Model):
    name = EncryptedTextField(blank=True)
    story = EncryptedTextField(blank=True, null=True)
    attachment = EncryptedFileNameField(blank=True)
    consent = models.BooleanField(default=False)

    class Meta:
        app_label = "tests_crypto"
        constraints = [
            models.CheckConstraint(condition=models.Q(name="") | models.Q(consent=True), name="secret_name_consent")
        ]

    def __str__(self):
        return str(self.pk)


@pytest.fixture(scope="module", autouse=True)
def secret_table(django_db_setup, django_db_blocker):
    # Once for the module, outside the per-test transactions: a table only these tests use.
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Secret)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(Secret)


@pytest.fixture
def key_a():
    return Fernet.generate_key().decode()


@pytest.fixture
def key_b():
    return Fernet.generate_key().decode()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture
def under_key_a(settings, key_a, media_root):
    settings.FIELD_ENCRYPTION_KEYS = [key_a]


@pytest.fixture
def rotate(monkeypatch):
    monkeypatch.setattr(rotate_encryption_keys, "encrypted_models", lambda: [Secret])

    def run(*args):
        stdout, stderr = io.StringIO(), io.StringIO()
        with translation.override("en"):
            call_command("rotate_encryption_keys", *args, stdout=stdout, stderr=stderr)
        return stdout.getvalue()

    return run


def raw(pk, column):
    table, quoted_column = connection.ops.quote_name(Secret._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted_column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def set_raw(pk, column, value):
    table, quoted_column = connection.ops.quote_name(Secret._meta.db_table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {quoted_column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def decrypts_under(key, token: str | bytes) -> bytes:
    return Fernet(key).decrypt(token)


def is_under(key, token: str) -> bool:
    try:
        decrypts_under(key, token)
    except InvalidToken:
        return False
    return True


# --- core.crypto -----------------------------------------------------------------------------


def test_it_round_trips_bytes_and_text(under_key_a):
    assert decrypt_bytes(encrypt_bytes(b"\x00\xffphoto")) == b"\x00\xffphoto"
    assert decrypt_text(encrypt_text(NARRATIVE)) == NARRATIVE
    assert NARRATIVE not in encrypt_text(NARRATIVE)


def test_it_encrypts_with_the_newest_key_and_decrypts_with_any(settings, key_a, key_b):
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    old = encrypt_bytes(b"old")
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    new = encrypt_bytes(b"new")

    assert decrypts_under(key_b, new) == b"new"
    assert decrypt_bytes(old) == b"old"
    assert (is_under_newest_key(old), is_under_newest_key(new)) == (False, True)
    assert decrypts_under(key_b, rotate_token(old)) == b"old"


def test_it_refuses_a_token_no_key_opens_without_showing_the_keys(settings, key_a, key_b):
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    token = encrypt_bytes(b"secret")
    settings.FIELD_ENCRYPTION_KEYS = [key_b]

    with pytest.raises(UndecryptableError, match="None of the 1 keys") as raised:
        decrypt_bytes(token)
    with pytest.raises(UndecryptableError):
        rotate_token(token)

    assert key_a not in str(raised.value) and key_b not in str(raised.value)
    assert is_under_newest_key(token) is False


# --- EncryptedTextField ----------------------------------------------------------------------


def test_it_round_trips_a_model_value(under_key_a):
    secret = Secret.objects.create(name=CHILD_NAME, story=NARRATIVE, consent=True)

    fresh = Secret.objects.get(pk=secret.pk)

    assert (fresh.name, fresh.story) == (CHILD_NAME, NARRATIVE)
    assert Secret.objects.values_list("story", flat=True).get(pk=secret.pk) == NARRATIVE


def test_it_stores_only_ciphertext(under_key_a, key_a):
    secret = Secret.objects.create(name=CHILD_NAME, story=NARRATIVE, consent=True)

    stored_name, stored_story = raw(secret.pk, "name"), raw(secret.pk, "story")

    assert "Anisa" not in stored_name and "ayah" not in stored_story
    assert decrypts_under(key_a, stored_story).decode() == NARRATIVE


def test_it_stores_empty_and_null_unencrypted(under_key_a):
    secret = Secret.objects.create(name="", story=None)

    assert (raw(secret.pk, "name"), raw(secret.pk, "story")) == ("", None)
    assert list(Secret.objects.filter(name="", story__isnull=True)) == [secret]
    assert Secret.objects.get(pk=secret.pk).story is None


def test_it_keeps_check_constraints_on_emptiness_working(under_key_a):
    Secret(name=CHILD_NAME, consent=True).validate_constraints()
    Secret(name="", consent=False).validate_constraints()
    with pytest.raises(ValidationError):
        Secret(name=CHILD_NAME, consent=False).validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        Secret.objects.create(name=CHILD_NAME, consent=False)


@pytest.mark.parametrize(
    "lookup",
    [
        pytest.param({"name": CHILD_NAME}, id="exact-value"),
        pytest.param({"name": models.F("story")}, id="exact-expression"),
        pytest.param({"name__icontains": "Anisa"}, id="icontains"),
        pytest.param({"name__startswith": "A"}, id="startswith"),
        pytest.param({"name__in": [CHILD_NAME]}, id="in"),
        pytest.param({"name__gt": ""}, id="gt"),
        pytest.param({"name__lower": "anisa"}, id="transform"),
        pytest.param({"name__length__gt": 3}, id="transform-then-lookup"),
    ],
)
def test_it_refuses_lookups_that_cannot_work_on_ciphertext(under_key_a, lookup):
    with pytest.raises(FieldError, match=r"tests_crypto\.Secret\.name is encrypted"):
        Secret.objects.filter(**lookup)


def test_it_deconstructs_for_stable_migrations():
    for field in (EncryptedTextField("what happened", blank=True), EncryptedFileNameField(unique=True)):
        _name, path, args, kwargs = field.deconstruct()
        rebuilt = type(field)(*args, **kwargs)
        assert path.startswith("core.fields.")
        assert rebuilt.deconstruct()[1:] == (path, args, kwargs)

    assert EncryptedFileNameField().deconstruct()[3] == {}
    assert EncryptedFileNameField().max_length == 100
    assert EncryptedFileNameField(max_length=200).deconstruct()[3] == {"max_length": 200}


# --- encrypted files -------------------------------------------------------------------------


def test_it_saves_files_encrypted_and_private(under_key_a, key_a, media_root):
    name = save_encrypted(b"photo bytes", folder="reports")

    path = media_root / name
    assert name.startswith("reports/") and name.endswith(".bin")
    assert decrypts_under(key_a, path.read_bytes()) == b"photo bytes"
    assert read_decrypted(name) == b"photo bytes"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(media_root.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_it_deletes_quietly(under_key_a, media_root):
    name = save_encrypted(b"x", folder="reports")

    delete_quietly(name)
    delete_quietly(name)
    delete_quietly("")

    assert not (media_root / name).exists()


@pytest.mark.parametrize("name", ["../outside.bin", "reports/../../outside.bin", "/etc/passwd", "", "."])
def test_it_refuses_names_outside_media_root(under_key_a, name):
    with pytest.raises(ValueError, match="not a name inside MEDIA_ROOT"):
        read_decrypted(name)
    with pytest.raises(ValueError, match="not a name inside MEDIA_ROOT"):
        rotate_file(name)
    with pytest.raises(ValueError, match="not a name inside MEDIA_ROOT"):
        save_encrypted(b"x", folder=name)
    if name:  # an empty name is a blank field: nothing to delete
        with pytest.raises(ValueError, match="not a name inside MEDIA_ROOT"):
            delete_quietly(name)


def test_it_refuses_a_symlink_out_of_media_root(under_key_a, media_root, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    media_root.mkdir()
    (media_root / "reports").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(ValueError, match="not a name inside MEDIA_ROOT"):
        save_encrypted(b"x", folder="reports")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_it_rotates_a_file_in_place(settings, under_key_a, key_a, key_b, media_root):
    name = save_encrypted(b"photo bytes", folder="reports")
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    assert rotate_file(name, dry_run=True) is True
    assert decrypts_under(key_a, (media_root / name).read_bytes()) == b"photo bytes"
    assert rotate_file(name) is True
    assert rotate_file(name) is False

    assert decrypts_under(key_b, (media_root / name).read_bytes()) == b"photo bytes"
    assert stat.S_IMODE((media_root / name).stat().st_mode) == 0o600


# --- rotate_encryption_keys ------------------------------------------------------------------


def test_it_finds_concrete_models_with_encrypted_fields(monkeypatch):
    monkeypatch.setattr(rotate_encryption_keys.apps, "get_models", lambda: [AuditEvent, Secret])

    assert rotate_encryption_keys.encrypted_models() == [Secret]


def test_it_rotates_every_value_and_file_to_the_newest_key(settings, rotate, under_key_a, key_a, key_b, media_root):
    attachment = save_encrypted(b"photo bytes", folder="reports")
    with_file = Secret.objects.create(name=CHILD_NAME, story=NARRATIVE, attachment=attachment, consent=True)
    empty = Secret.objects.create(name="", story=None)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    dry_run = rotate("--dry-run")

    assert "2 values and 1 files would be re-encrypted" in dry_run
    assert decrypts_under(key_a, raw(with_file.pk, "name")).decode() == CHILD_NAME
    assert decrypts_under(key_a, (media_root / attachment).read_bytes()) == b"photo bytes"

    output = rotate("--batch-size", "1")

    assert "tests_crypto.Secret: 1 rows checked, 2 values and 1 files re-encrypted" in output
    assert "tests_crypto.Secret: 2 rows checked, 2 values and 1 files re-encrypted" in output
    assert "Done: 2 rows checked in 1 models; 2 values and 1 files re-encrypted." in output
    assert decrypts_under(key_b, raw(with_file.pk, "name")).decode() == CHILD_NAME
    assert decrypts_under(key_b, raw(with_file.pk, "story")).decode() == NARRATIVE
    assert decrypts_under(key_b, (media_root / attachment).read_bytes()) == b"photo bytes"
    assert (raw(empty.pk, "name"), raw(empty.pk, "story")) == ("", None)
    fresh = Secret.objects.get(pk=with_file.pk)
    assert (fresh.name, fresh.story, read_decrypted(fresh.attachment)) == (CHILD_NAME, NARRATIVE, b"photo bytes")

    tokens_after_first_run = raw(with_file.pk, "name"), (media_root / attachment).read_bytes()
    again = rotate()

    assert "Done: 2 rows checked in 1 models; 0 values and 0 files re-encrypted." in again
    assert (raw(with_file.pk, "name"), (media_root / attachment).read_bytes()) == tokens_after_first_run


def test_it_keeps_finished_batches_when_interrupted_and_finishes_on_a_re_run(
    settings, rotate, monkeypatch, under_key_a, key_a, key_b
):
    secrets = [Secret.objects.create(name=f"Anak {number}", consent=True) for number in range(5)]
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
    calls = 0

    def rotate_token_failing_once_in_the_second_batch(token):
        nonlocal calls
        calls += 1
        if calls == 4:  # second row of the second batch: the first row of that batch is already written
            raise RuntimeError("interrupted")
        return rotate_token(token)

    monkeypatch.setattr(rotate_encryption_keys, "rotate_token", rotate_token_failing_once_in_the_second_batch)

    with pytest.raises(RuntimeError, match="interrupted"):
        rotate("--batch-size", "2")

    under_b = [is_under(key_b, raw(secret.pk, "name")) for secret in secrets]
    assert under_b == [True, True, False, False, False]

    output = rotate("--batch-size", "2")

    assert "Done: 5 rows checked in 1 models; 3 values and 0 files re-encrypted." in output
    assert all(is_under(key_b, raw(secret.pk, "name")) for secret in secrets)
    assert [s.name for s in Secret.objects.order_by("pk")] == [f"Anak {number}" for number in range(5)]


def test_it_does_not_overwrite_a_value_saved_while_rotating(settings, rotate, monkeypatch, under_key_a, key_a, key_b):
    secret = Secret.objects.create(name=CHILD_NAME, consent=True)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    def rotate_token_while_an_officer_saves(token):
        Secret.objects.filter(pk=secret.pk).update(name="Nama yang diperbaiki")
        return rotate_token(token)

    monkeypatch.setattr(rotate_encryption_keys, "rotate_token", rotate_token_while_an_officer_saves)

    output = rotate()

    assert "Done: 1 rows checked in 1 models; 0 values and 0 files re-encrypted." in output
    assert Secret.objects.get(pk=secret.pk).name == "Nama yang diperbaiki"


def test_it_stops_naming_the_row_whose_token_no_key_opens(settings, rotate, under_key_a, key_a, key_b):
    first = Secret.objects.create(name=CHILD_NAME, consent=True)
    broken = Secret.objects.create(name=CHILD_NAME, consent=True)
    foreign_token = Fernet(Fernet.generate_key()).encrypt(b"lost").decode()
    set_raw(broken.pk, "story", foreign_token)
    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]

    with pytest.raises(CommandError) as raised:
        rotate("--batch-size", "1")

    message = str(raised.value)
    assert f"tests_crypto.Secret pk={broken.pk}, column story" in message
    assert foreign_token not in message and key_a not in message and key_b not in message
    assert is_under(key_b, raw(first.pk, "name"))
    assert raw(broken.pk, "story") == foreign_token


def test_it_names_the_row_whose_file_no_key_opens(settings, rotate, under_key_a, key_b, media_root):
    attachment = save_encrypted(b"photo bytes", folder="reports")
    secret = Secret.objects.create(attachment=attachment)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]

    with pytest.raises(CommandError, match=f"pk={secret.pk}, column attachment: no key"):
        rotate()


def test_it_refuses_a_batch_size_below_one(rotate):
    with pytest.raises(CommandError, match="at least 1"):
        rotate("--batch-size", "0")
