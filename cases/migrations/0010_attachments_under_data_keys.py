"""Report attachments move under their report's data key (0009 gave every report one and has
committed). Not atomic: each file is replaced on its own, atomically, so an interruption leaves
every file readable, under one key or the other, and a re-run does only the rest."""

from django.db import migrations

from core.crypto import data_key_of, decrypt_bytes, encrypt_bytes
from core.encrypted_files import path_of, write_atomically

SELECT = (
    "SELECT a.stored_name, r.data_key_id FROM reports_reportattachment a"
    " JOIN reports_report r ON r.id = a.report_id WHERE a.stored_name <> '' ORDER BY a.id"
)


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SELECT)
        rows = cursor.fetchall()
    for name, key_id in rows:
        path = path_of(name)
        if not path.is_file():
            print(f"\n  attachment file missing, left as it is: {name}")
            continue
        token = path.read_bytes()
        if data_key_of(token) is None:
            write_atomically(path, encrypt_bytes(decrypt_bytes(token), data_key=key_id))


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(SELECT)
        rows = cursor.fetchall()
    for name, _key_id in rows:
        path = path_of(name)
        if path.is_file() and data_key_of(token := path.read_bytes()) is not None:
            write_atomically(path, encrypt_bytes(decrypt_bytes(token)))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0009_encrypt_under_data_keys")]

    operations = [migrations.RunPython(forwards, backwards)]
