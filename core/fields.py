"""Model fields for identifying data: the database only ever holds it encrypted (see core.crypto)."""

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; in Python it is the plain str.

    "" and NULL are stored as they are, not encrypted. That an optional field was left empty
    identifies nobody, and it keeps "is it filled in?" answerable in SQL: by CheckConstraints
    (`Q(reporter_contact="") | Q(contact_consent=True)`), by `filter(field="")` and by
    `filter(field__isnull=True)`. Those are the only lookups allowed. Every token differs, even
    for equal texts, so any other comparison, pattern or transform on the column would quietly
    match nothing; it is refused with FieldError instead.
    """

    description = _("Encrypted text")

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def pre_save(self, model_instance, add):
        # The one place that knows the row: a report's or a case's values go under its data key.
        value = super().pre_save(model_instance, add)
        if value is None or value == "":
            return value
        from .datakeys import key_for

        return _Sealed(encrypt_text(str(value), data_key=key_for(model_instance)))

    def get_prep_value(self, value):
        if isinstance(value, _Sealed):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        # Without the row (`QuerySet.update()`, `bulk_update()`): a report's or a case's value would
        # escape its data key, and erasing the record would leave it readable.
        if getattr(getattr(self, "model", None), "data_key_owner", None) is not None:
            raise FieldError(
                f"{_field_label(self)} belongs to a record with its own data key: save the row, "
                "not QuerySet.update() or bulk_update()."
            )
        return encrypt_text(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f'{_field_label(self)} is encrypted: only `isnull` and comparing with "" can be queried, '
            f"not `{lookup_name}`."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{_field_label(self)} is encrypted: `{lookup_name}` cannot be applied to ciphertext.")


class _Sealed(str):
    """A token made by pre_save, which get_prep_value passes on as it is."""


class EmptyOnlyExact(Exact):
    """`field=""` (and `field=None`, which Django turns into isnull): the only equality that ciphertext allows."""

    def get_prep_lookup(self):
        if self.rhs is not None and not (isinstance(self.rhs, str) and self.rhs == ""):
            raise FieldError(
                f'{_field_label(self.lhs.output_field)} is encrypted: it can only be compared with "", '
                "never with a value or an expression."
            )
        return super().get_prep_lookup()


class EncryptedFileNameField(models.CharField):
    """Name, relative to MEDIA_ROOT, of a file written by core.encrypted_files.save_encrypted.

    A plain CharField: its type is the marker by which `manage.py rotate_encryption_keys` finds
    every encrypted file. Not a FileField, because Django's storage must never open, serve or
    delete these files; only core.encrypted_files does.
    """

    description = _("Name of an encrypted file")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 100:
            del kwargs["max_length"]
        return name, path, args, kwargs


def _field_label(field) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label}.{field.name}" if model is not None else f"{type(field).__name__} {field.name}"


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedFileNameField)


def encrypted_fields(model: type[models.Model], kind=ENCRYPTED_FIELD_TYPES) -> list[models.Field]:
    """The fields of `model`'s own table that are stored encrypted (only those of `kind` when
    given). Found by their type, so a new encrypted field is covered everywhere at once: key
    rotation, and every read that must not load identifying data."""
    return [field for field in model._meta.local_concrete_fields if isinstance(field, kind)]


def identifying_fields(model: type[models.Model], *, through: str = "") -> tuple[str, ...]:
    """The names of `model`'s identifying fields (its encrypted ones), for `defer()` and for
    answers that leave them out; seen from another model when `through` names the relation
    (`identifying_fields(Case, through="case_link__case")`)."""
    prefix = f"{through}__" if through else ""
    return tuple(prefix + field.name for field in encrypted_fields(model))
