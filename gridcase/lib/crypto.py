"""Personal data at rest: encryption for ID numbers and phones, blind indexes to search them, masks.

Values are encrypted with Fernet (AES-128-CBC + HMAC); FIELD_ENCRYPTION_KEYS may list several keys
so that old ones can still decrypt while the first encrypts. The blind index is an HMAC of the
normalised value: equal values give equal digests, so exact search works without decrypting.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@cache
def _index_key() -> bytes:
    return hashlib.sha256(b"gridcase-blind-index:" + settings.FIELD_ENCRYPTION_KEYS[0].encode()).digest()


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "（无法解密）"


def blind_index(value: str) -> str:
    return hmac.new(_index_key(), normalise(value).encode(), hashlib.sha256).hexdigest() if value else ""


def mask_id_number(value: str) -> str:
    """'321302199001011234' → '3213**********1234'."""
    value = normalise(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str) -> str:
    """'13812345678' → '138****5678'."""
    value = normalise(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def derive_key(secret: str) -> str:
    """A Fernet key derived from a secret, for the dev profile only."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"gridcase-field-key:" + secret.encode()).digest()).decode()
