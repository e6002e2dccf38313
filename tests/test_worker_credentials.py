"""The encryption-key check against credentials as n8n stores them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from hamcrest import assert_that, equal_to, is_

from masteryflow.worker import credentials
from masteryflow.worker.check import FAIL, OK, WARN, encryption_key_finding

# Written by n8n 2.40.7 itself (n8n import:credentials with N8N_ENCRYPTION_KEY=test-key-123)
N8N_STORED = ("U2FsdGVkX1/XjoNtJUvvlO2SWXQgG5rs5okq0u+Ol6Tu+ocB7xkjnxdb0+rQ7oQHLyqOMFPbQ4AItcfEOPbv3BZ5IB3R"
              "9whfHYy6zsYfnNo=")
N8N_KEY = "test-key-123"
N8N_PLAIN = {"name": "X-Api-Key", "value": "not-a-real-key-only-for-tests"}


def test_a_credential_written_by_n8n_decrypts_with_its_key():
    assert_that(json.loads(credentials.decrypt(N8N_STORED, N8N_KEY)), equal_to(N8N_PLAIN))
    assert_that(credentials.key_opens(N8N_STORED, N8N_KEY), is_(True))


@pytest.mark.parametrize("wrong_key", ["test-key-124", "", "TEST-KEY-123", "x" * 64])
def test_another_key_does_not_open_it(wrong_key):
    assert_that(credentials.key_opens(N8N_STORED, wrong_key), is_(False))


def test_evp_bytes_to_key_matches_openssl():
    """OpenSSL's own `enc -md md5 -S salt -P` prints the key and IV EVP_BytesToKey derives."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not installed")
    printed = subprocess.run(["openssl", "enc", "-aes-256-cbc", "-md", "md5", "-pass", "pass:secret",
                              "-S", "0102030405060708", "-P"], capture_output=True, text=True, check=True).stdout
    values = dict(re.findall(r"(\w+)\s*=\s*([0-9A-F]+)", printed))
    key, iv = credentials.evp_bytes_to_key(b"secret", bytes.fromhex("0102030405060708"))
    assert_that((key.hex().upper(), iv.hex().upper()), equal_to((values["key"], values["iv"])))


def test_encrypt_then_decrypt_round_trips():
    stored = credentials.encrypt(json.dumps({"token": "abc"}), "k1", salt=b"saltsalt")
    assert_that(credentials.decrypt(stored, "k1"), equal_to('{"token": "abc"}'))


@pytest.mark.parametrize("stored", ["not base64 at all!", "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8=",
                                    "PeCI1zOKaIzXyy1Q:AZG9NuFzKdvCeClFa6gBkPodvBidJfvkw+8L"])
def test_values_in_another_format_are_reported_not_guessed(stored):
    with pytest.raises(credentials.UnsupportedFormat):
        credentials.decrypt(stored, N8N_KEY)
    assert_that(encryption_key_finding(stored, N8N_KEY).status, equal_to(WARN))


def test_the_check_verdicts():
    assert_that(encryption_key_finding(N8N_STORED, N8N_KEY).status, equal_to(OK))
    wrong = encryption_key_finding(N8N_STORED, "other")
    assert_that(wrong.status, equal_to(FAIL))
    assert_that(wrong.fix, equal_to("copy N8N_ENCRYPTION_KEY from the VPS's n8n main (its environment or ~/.n8n/config)"))
    assert_that(encryption_key_finding(None, N8N_KEY).status, equal_to(WARN))
