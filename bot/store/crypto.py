"""Encryption of the child's words at rest (Fernet: AES-128-CBC with an HMAC, from `cryptography`).

The exact characters come back: text is encoded as UTF-8 with `surrogatepass`, so even a lone
surrogate a client managed to send survives the round trip. Nothing is trimmed or normalised.

Words are written with the data key; keys used before it (only while `python -m bot keys rotate`
re-encrypts, see bot/store/rotation.py) can still read them (MultiFernet).
"""
from __future__ import annotations

from typing import Optional, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DataKeyError(ValueError):
    """The data key is not a valid Fernet key."""


class Cipher:
    def __init__(self, key: str, previous: Sequence[str] = ()):
        self._fernet = MultiFernet([_fernet(key, "OWN_WORDS_DATA_KEY")] + [
            _fernet(old, "OWN_WORDS_PREVIOUS_DATA_KEYS") for old in previous
        ])

    def rotate(self, token: Optional[str]) -> Optional[str]:
        """The same words, encrypted with the data key (from whichever key they were under)."""
        if token is None:
            return None
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise DataKeyError("stored words cannot be decrypted with the data key or the previous keys") from None

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


def _fernet(key: str, setting: str) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise DataKeyError(
            f"{setting} is not a valid key (32 url-safe base64-encoded bytes). "
            "Create one with `python -m bot keys new`."
        ) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
