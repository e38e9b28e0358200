from django.db import migrations

import core.fields
from core.crypto import decrypt_text, encrypt_text

# Free text that volunteers type, stored as plaintext until now.
COLUMNS = {"OutreachSession": ("facilitators", "notes"), "ForumAnakActivity": ("suggestions",)}
BATCH_SIZE = 1000


def _convert_every_row(apps, schema_editor, convert):
    """Rewrite the columns with raw SQL: the fields would encrypt or decrypt a second time."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, columns in COLUMNS.items():
        table = quote(apps.get_model("outreach", model_name)._meta.db_table)
        selected = ", ".join(quote(column) for column in columns)
        assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
        last_pk = 0
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT id, {selected} FROM {table} WHERE id > %s ORDER BY id LIMIT %s",  # noqa: S608
                    [last_pk, BATCH_SIZE],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                    [[*(convert(value) for value in values), pk] for pk, *values in rows],
                )
                last_pk = rows[-1][0]


def _encrypted(value):
    # "" and NULL stay as they are, as EncryptedTextField stores them.
    return encrypt_text(value) if value else value


def _decrypted(value):
    return decrypt_text(value) if value else value


def encrypt_existing_rows(apps, schema_editor):
    _convert_every_row(apps, schema_editor, _encrypted)


def decrypt_existing_rows(apps, schema_editor):
    _convert_every_row(apps, schema_editor, _decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="forumanakactivity",
            name="suggestions",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="the children's own suggestions"),
        ),
        migrations.AlterField(
            model_name="outreachsession",
            name="facilitators",
            field=core.fields.EncryptedTextField(max_length=200, verbose_name="facilitators"),
        ),
        migrations.AlterField(
            model_name="outreachsession",
            name="notes",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="notes"),
        ),
        migrations.RunPython(encrypt_existing_rows, decrypt_existing_rows),
    ]
