"""Secret-vote cryptography, all of it libsodium through PyNaCl (no home-made primitives).

- Each secret vote gets an X25519 key pair when it opens; tablets seal `{choice, token}` to the
  public key (`crypto_box_seal`), so the server stores ballots it cannot read.
- The private key is kept wrapped (XSalsa20-Poly1305 `SecretBox`) under a key derived from the
  **custody key**: 32 random bytes in a file outside the database, the instance folder and the
  backups (`ECABINET_VOTE_CUSTODY_KEY_FILE`, default `/run/secrets/ecabinet_vote_custody` when
  it exists, else `$XDG_STATE_HOME/ecabinet/vote-custody.key`). Any worker can unwrap it at
  the close, so a crashed worker loses nothing; the close erases the wrapped key.
- The published list of (token, choice) is signed with an Ed25519 key derived from the same
  custody key; its public half is stored with the result so anyone can check the list.
See docs/secret-votes.md for the threat model.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from nacl.encoding import RawEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox
from nacl.signing import SigningKey, VerifyKey

from voting.rules import Choice

CUSTODY_ENV = "ECABINET_VOTE_CUSTODY_KEY_FILE"
_RUN_SECRETS = Path("/run/secrets/ecabinet_vote_custody")
#: A sealed box of `{"choice": ..., "token": ...}`: 48 bytes of overhead, a short JSON body.
MIN_SEALED, MAX_SEALED = 48 + 20, 48 + 200


def custody_key_path() -> Path:
    """Where the custody key lives: configured, Docker/systemd secrets, or the user's state dir."""
    configured = (
        current_app.config.get("VOTE_CUSTODY_KEY_FILE") if has_app_context() else None
    ) or os.environ.get(CUSTODY_ENV)
    if configured:
        return Path(configured)
    if _RUN_SECRETS.exists():
        return _RUN_SECRETS
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "ecabinet" / "vote-custody.key"


def custody_key() -> bytes:
    """The 32-byte custody key; created (mode 0600) on first use if the file does not exist."""
    path = custody_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
    key = path.read_bytes()
    if len(key) != 32:
        raise RuntimeError(f"vote custody key {path} must hold 32 bytes")
    return key


def _derive(purpose: bytes, data: bytes) -> bytes:
    return blake2b(data, key=custody_key(), person=purpose[:16], digest_size=32, encoder=RawEncoder)


def _wrap_box(poll_id: int) -> SecretBox:
    return SecretBox(_derive(b"ecabinet-wrap", str(poll_id).encode()))


def b64(data: bytes) -> str:
    """Standard base64 text (what the tablet's libsodium reads and writes)."""
    return base64.b64encode(data).decode()


def new_poll_keys(poll_id: int) -> tuple[str, str]:
    """A fresh key pair for a secret vote: (public key, private key wrapped for custody)."""
    private = PrivateKey.generate()
    wrapped = _wrap_box(poll_id).encrypt(bytes(private))
    return b64(bytes(private.public_key)), b64(wrapped)


def seal_ballot(public_key: str, choice: str, token: str | None = None) -> tuple[str, str]:
    """What a tablet does: seal {choice, token} to the poll's key; returns (ciphertext, token).
    Used server-side only to seed demo data and in tests."""
    token = token or secrets.token_urlsafe(16)
    body = json.dumps({"choice": str(choice), "token": token}).encode()
    return b64(SealedBox(public_key_bytes(public_key)).encrypt(body)), token


def check_ciphertext(text: str) -> bytes:
    """Decode a tablet's sealed ballot; ValueError unless it has a sealed box's shape."""
    raw = base64.b64decode(text, validate=True)
    if not MIN_SEALED <= len(raw) <= MAX_SEALED:
        raise ValueError("not a sealed ballot")
    return raw


def open_ballots(poll_id: int, wrapped_key: str, ciphertexts: list[str]) -> tuple[list, int]:
    """Decrypt every sealed ballot: ([(token, choice)], how many were unreadable)."""
    private = PrivateKey(_wrap_box(poll_id).decrypt(base64.b64decode(wrapped_key)))
    box = SealedBox(private)
    opened, invalid = [], 0
    for text in ciphertexts:
        try:
            body = json.loads(box.decrypt(base64.b64decode(text)))
            token, choice = str(body["token"]), Choice(body["choice"])
            if not 8 <= len(token) <= 64:
                raise ValueError(token)
        except (CryptoError, ValueError, KeyError, TypeError):
            invalid += 1
            continue
        opened.append((token, choice))
    return opened, invalid


def _signing_key() -> SigningKey:
    return SigningKey(_derive(b"ecabinet-sign", b"published ballot lists"))


def signed_message(poll_id: int, ballots: list[tuple[str, str]]) -> bytes:
    """The canonical bytes that are signed: the poll and its (token, choice) list by token."""
    body: dict[str, Any] = {
        "poll_id": poll_id,
        "ballots": sorted([str(t), str(c)] for t, c in ballots),
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def sign_ballots(poll_id: int, ballots: list[tuple[str, str]]) -> tuple[str, str]:
    """(signature, verify key) of the published list, base64."""
    key = _signing_key()
    signature = key.sign(signed_message(poll_id, ballots)).signature
    return b64(signature), b64(bytes(key.verify_key))


def system_verify_key() -> str:
    """The public half of the system's list-signing key (base64)."""
    return b64(bytes(_signing_key().verify_key))


def check_signature(
    poll_id: int, ballots: list[tuple[str, str]], signature: str, verify_key: str
) -> bool:
    """Does `signature` sign exactly this list under `verify_key`?"""
    try:
        VerifyKey(base64.b64decode(verify_key)).verify(
            signed_message(poll_id, ballots), base64.b64decode(signature)
        )
    except (BadSignatureError, ValueError):
        return False
    return True


def public_key_bytes(text: str) -> PublicKey:
    """A poll's public key from its base64 text."""
    return PublicKey(base64.b64decode(text))
