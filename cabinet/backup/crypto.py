"""The backup's cryptography: a passphrase-derived key, authenticated file streams, a keyed MAC.

All of it is libsodium through PyNaCl (no home-made primitives):

- **Key**: Argon2id (`crypto_pwhash`, libsodium's "moderate" limits: 256 MiB, 3 passes) turns
  the passphrase and a random salt into a master key; BLAKE2b keyed by it derives one subkey per
  purpose (file encryption, manifest MAC, key check), so no key serves two purposes.
- **Files**: `crypto_secretstream_xchacha20poly1305` (an AEAD stream: every 64 KiB chunk is
  authenticated, reordering and truncation are detected by the final tag). The file's role
  ("database", "instance") is the associated data, so files cannot be swapped.
- **Manifest**: a keyed BLAKE2b MAC over its canonical JSON; a SecretBox "key check" tells a
  wrong passphrase apart from a changed file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import nacl.bindings as sodium
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
from nacl.encoding import RawEncoder
from nacl.hash import blake2b

MAGIC = b"ECABENC1"
CHUNK = 64 * 1024
_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
_HEADER = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
KEY_CHECK_TEXT = b"e-Cabinet backup key check"
MIN_PASSPHRASE = 12


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class Keys:
    """The subkeys derived from one passphrase and salt."""

    files: bytes
    mac: bytes
    check: bytes


def new_kdf_params() -> dict[str, Any]:
    """Fresh Argon2id parameters (random salt) for a new backup."""
    return {
        "algorithm": "argon2id",
        "salt": _b64(os.urandom(argon2id.SALTBYTES)),
        "opslimit": argon2id.OPSLIMIT_MODERATE,
        "memlimit": argon2id.MEMLIMIT_MODERATE,
    }


def derive_keys(passphrase: str, kdf: dict[str, Any]) -> Keys:
    """The subkeys for `passphrase` under the manifest's KDF parameters."""
    if kdf.get("algorithm") != "argon2id":
        raise BackupError(f"unknown key derivation {kdf.get('algorithm')!r}")
    master = argon2id.kdf(
        32,
        passphrase.encode(),
        base64.b64decode(kdf["salt"]),
        opslimit=int(kdf["opslimit"]),
        memlimit=int(kdf["memlimit"]),
    )

    def sub(purpose: bytes) -> bytes:
        return blake2b(b"", key=master, person=purpose, digest_size=32, encoder=RawEncoder)

    return Keys(files=sub(b"ecab-bk-files"), mac=sub(b"ecab-bk-mac"), check=sub(b"ecab-bk-check"))


def key_check(keys: Keys) -> str:
    """A small box only the right passphrase opens (stored in the manifest)."""
    return _b64(bytes(nacl.secret.SecretBox(keys.check).encrypt(KEY_CHECK_TEXT)))


def opens_key_check(keys: Keys, value: str) -> bool:
    """Whether `value` (the manifest's key check) opens with these keys."""
    try:
        return nacl.secret.SecretBox(keys.check).decrypt(base64.b64decode(value)) == KEY_CHECK_TEXT
    except (nacl.exceptions.CryptoError, ValueError):
        return False


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes the manifest's MAC covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def mac(keys: Keys, document: dict[str, Any]) -> str:
    """The manifest's MAC (hex), over everything but the `mac` field itself."""
    body = {k: v for k, v in document.items() if k != "mac"}
    return blake2b(canonical(body), key=keys.mac, digest_size=32).decode()


def mac_matches(keys: Keys, document: dict[str, Any]) -> bool:
    return hmac.compare_digest(mac(keys, document), str(document.get("mac", "")))


def _chunks(source: IO[bytes]) -> Iterator[tuple[bytes, bool]]:
    """The source in CHUNK pieces, each with "is it the last one" (an empty source: one piece)."""
    current = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        yield current, not following
        if not following:
            return
        current = following


def encrypt_stream(keys: Keys, role: str, source: IO[bytes], target: IO[bytes]) -> None:
    """Encrypt `source` into `target` (MAGIC, stream header, authenticated chunks)."""
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, keys.files)
    target.write(MAGIC + header)
    for chunk, last in _chunks(source):
        tag = _TAG_FINAL if last else _TAG_MESSAGE
        target.write(
            sodium.crypto_secretstream_xchacha20poly1305_push(state, chunk, role.encode(), tag)
        )


def decrypt_stream(keys: Keys, role: str, source: IO[bytes], target: IO[bytes]) -> None:
    """Decrypt what `encrypt_stream` wrote; raise BackupError if anything was changed or cut."""
    start = source.read(len(MAGIC) + _HEADER)
    if len(start) != len(MAGIC) + _HEADER or not start.startswith(MAGIC):
        raise BackupError(f"the {role} file is not an e-Cabinet backup file")
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            state, start[len(MAGIC) :], keys.files
        )
        while True:
            sealed = source.read(CHUNK + _ABYTES)
            if not sealed:
                raise BackupError(f"the {role} file was cut short (no final chunk)")
            plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                state, sealed, role.encode()
            )
            target.write(plain)
            if tag == _TAG_FINAL:
                break
    except nacl.exceptions.CryptoError:
        raise BackupError(f"the {role} file was changed or damaged (it does not decrypt)") from None
    if source.read(1):
        raise BackupError(f"the {role} file has data after its final chunk")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
