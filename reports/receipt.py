"""Receipt codes: 16 random digits, shown once, stored only as a keyed hash."""

import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings

CODE_DIGITS = 16


def new_receipt_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_receipt_code(raw: str) -> str:
    """People type codes with spaces or dashes, as they were shown (1234 5678 ...), and some
    keyboards type fullwidth digits (１２３４), which NFKC turns into plain ones."""
    return re.sub(r"[\s\-.]", "", unicodedata.normalize("NFKC", raw or ""))


def receipt_hash(code: str) -> str:
    # surrogatepass: a lone surrogate sent in JSON ("\ud800") is a wrong code like any other.
    return hmac.new(
        settings.RECEIPT_CODE_SECRET.encode(), code.encode("utf-8", "surrogatepass"), hashlib.sha256
    ).hexdigest()


def format_receipt_code(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def submission_key_hash(key: str, *, door: str) -> str:
    """The one-time token of a form or an API client's Idempotency-Key, as stored on the report
    (Report.submission_key_hash): keyed like the receipt code, per door so that a form's token and
    an API key never meet."""
    return receipt_hash(f"submission:{door}:{key}")


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)
