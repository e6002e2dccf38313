"""Checking N8N_ENCRYPTION_KEY against a credential n8n stored, without n8n.

n8n stores credential data OpenSSL/CryptoJS style: base64("Salted__" + 8-byte salt + ciphertext),
AES-256-CBC with key and IV from EVP_BytesToKey(MD5, key + salt). A wrong key fails the PKCS#7
padding check or yields bytes that are not the JSON n8n wrote.

Not handled: values with a "<keyId>:" prefix (n8n 2.41's AES-256-GCM data keys from the
`deployment_key` table, behind a feature flag); they are reported as an unsupported format.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SALTED = b"Salted__"
KEY_ID_PREFIX = re.compile(r"^[A-Za-z0-9_-]{1,64}:")


class WrongKey(ValueError):
    """The data does not decrypt with this key."""


class UnsupportedFormat(ValueError):
    """The stored value is not in the CBC "Salted__" format this check understands."""


def evp_bytes_to_key(secret: bytes, salt: bytes, key_length: int = 32, iv_length: int = 16) -> tuple[bytes, bytes]:
    derived, block = b"", b""
    while len(derived) < key_length + iv_length:
        block = hashlib.md5(block + secret + salt).digest()
        derived += block
    return derived[:key_length], derived[key_length:key_length + iv_length]


def encrypt(plaintext: str, encryption_key: str, salt: bytes | None = None) -> str:
    """What n8n's Cipher.encrypt produces (used to build known test vectors)."""
    salt = os.urandom(8) if salt is None else salt
    key, iv = evp_bytes_to_key(encryption_key.encode(), salt)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(SALTED + salt + encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(stored: str, encryption_key: str) -> str:
    raw = _salted_bytes(stored)
    salt, ciphertext = raw[8:16], raw[16:]
    if not ciphertext or len(ciphertext) % 16:
        raise UnsupportedFormat("the ciphertext is not a whole number of AES blocks")
    key, iv = evp_bytes_to_key(encryption_key.encode(), salt)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as wrong:
        raise WrongKey("the credential does not decrypt with this key") from wrong


def key_opens(stored: str, encryption_key: str) -> bool:
    """True when the key decrypts the stored credential into the JSON object n8n wrote."""
    try:
        return isinstance(json.loads(decrypt(stored, encryption_key)), dict)
    except (WrongKey, json.JSONDecodeError):
        return False


def _salted_bytes(stored: str) -> bytes:
    if KEY_ID_PREFIX.match(stored):
        raise UnsupportedFormat("the value carries a data-key prefix (n8n's AES-256-GCM format, "
                                "not handled by this check)")
    try:
        raw = base64.b64decode(stored, validate=True)
    except ValueError as garbled:
        raise UnsupportedFormat("the value is not base64") from garbled
    if not raw.startswith(SALTED) or len(raw) < 32:
        raise UnsupportedFormat("the value does not start with OpenSSL's 'Salted__' header")
    return raw
