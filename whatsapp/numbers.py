"""A WhatsApp number as we keep it: encrypted in `Contact.phone`, found by a keyed hash.

The hash key is derived from RECEIPT_CODE_SECRET under its own label, so a number's hash is
never a receipt code's and a leaked table of hashes cannot be reversed without the secret."""

import hashlib
import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Contact

_LABEL = b"whatsapp-number"


def _key() -> bytes:
    return hmac.new(settings.RECEIPT_CODE_SECRET.encode(), _LABEL, hashlib.sha256).digest()


def normalise(wa_id: str) -> str:
    """WhatsApp gives the number as digits with the country code (wa_id); keep only the digits."""
    return re.sub(r"\D", "", wa_id or "")


def number_hash(wa_id: str) -> str:
    return hmac.new(_key(), normalise(wa_id).encode(), hashlib.sha256).hexdigest()


def contact_for(wa_id: str) -> Contact:
    """The contact of this number, created the first time it writes. Two workers racing for a new
    number both end with the one row: the unique number_hash decides, the loser reads it."""
    digits = normalise(wa_id)
    if not digits:
        raise ValueError("empty WhatsApp id")
    key = number_hash(digits)
    contact = Contact.objects.filter(number_hash=key).first()
    if contact is not None:
        return contact
    try:
        with transaction.atomic():
            return Contact.objects.create(phone=digits, number_hash=key)
    except IntegrityError:
        return Contact.objects.get(number_hash=key)
