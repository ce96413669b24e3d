"""Encryption of the child's words at rest (Fernet: AES-128-CBC with an HMAC, from `cryptography`).

The exact characters come back: text is encoded as UTF-8 with `surrogatepass`, so even a lone
surrogate a client managed to send survives the round trip. Nothing is trimmed or normalised.
"""
from __future__ import annotations

from typing import Optional

from cryptography.fernet import Fernet, InvalidToken


class DataKeyError(ValueError):
    """The data key is not a valid Fernet key."""


class Cipher:
    def __init__(self, key: str):
        try:
            self._fernet = Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise DataKeyError(
                "OWN_WORDS_DATA_KEY is not a valid key (32 url-safe base64-encoded bytes). "
                "Create one with `python -m bot keys new`."
            ) from None

    def encrypt(self, text: Optional[str]) -> Optional[str]:
        if text is None:
            return None
        return self._fernet.encrypt(text.encode("utf-8", "surrogatepass")).decode("ascii")

    def decrypt(self, token: Optional[str]) -> Optional[str]:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8", "surrogatepass")
        except InvalidToken:
            raise DataKeyError(
                "stored words cannot be decrypted with OWN_WORDS_DATA_KEY: "
                "the key is not the one they were written with"
            ) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
