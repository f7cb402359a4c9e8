"""Signer back-ends: where a signer's private key lives (a PKCS#12 keystore or a PKCS#11 token).

Each back-end opens a pyHanko :class:`~pyhanko.sign.signers.Signer` for the duration of one
signing operation (a PKCS#11 session must stay open while the token signs, and be closed after).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import pkcs11 as p11
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder
from pyhanko.sign import pkcs11
from pyhanko.sign.signers import Signer, SimpleSigner


class SignerUnavailable(Exception):
    """The key store could not be opened (wrong passphrase or PIN, missing token or key)."""


@runtime_checkable
class SignerBackend(Protocol):
    """A source of pyHanko signers; ``open()`` is used as ``with backend.open() as signer``."""

    def open(self) -> contextlib.AbstractContextManager[Signer]:
        """Open the key store and yield a ready pyHanko signer."""
        ...


@dataclass(frozen=True)
class Pkcs12Signer:
    """A PKCS#12 (.p12) keystore protected by the user's signing passphrase."""

    p12_path: Path
    passphrase: str = field(repr=False)

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        """Decrypt the keystore and yield a signer holding its key, certificate and chain."""
        try:
            data = Path(self.p12_path).read_bytes()
        except OSError as exc:
            raise SignerUnavailable(f"cannot read keystore {self.p12_path}: {exc}") from exc
        try:
            signer = SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=self.passphrase.encode()
            )
        except ValueError as exc:
            raise SignerUnavailable("wrong passphrase or damaged keystore") from exc
        yield signer


@dataclass(frozen=True)
class Pkcs11Signer:
    """A key on a PKCS#11 token or HSM, chosen by module path, token label or slot, key label."""

    module_path: str
    key_label: str
    pin: str = field(repr=False)
    token_label: str | None = None
    slot: int | None = None
    cert_label: str | None = None
    #: PEM/DER files of the issuing chain, when the token holds only the end-entity cert.
    chain_files: tuple[Path, ...] = ()

    def __post_init__(self):
        if self.token_label is None and self.slot is None:
            raise ValueError("give token_label or slot")

    @contextlib.contextmanager
    def open(self) -> Iterator[Signer]:
        """Log in to the token and yield a signer that signs on it; logs out afterwards."""
        criteria = pkcs11.TokenCriteria(label=self.token_label) if self.token_label else None
        try:
            try:
                session = pkcs11.open_pkcs11_session(
                    self.module_path, slot_no=self.slot, token_criteria=criteria, user_pin=self.pin
                )
            except pkcs11.PKCS11Error as exc:
                if "No token matching" not in str(exc):
                    raise
                # A token plugged in (or created) after the library was initialised in this
                # process is invisible until the library is initialised again.
                _reinitialize(self.module_path)
                session = pkcs11.open_pkcs11_session(
                    self.module_path, slot_no=self.slot, token_criteria=criteria, user_pin=self.pin
                )
        except Exception as exc:  # python-pkcs11 raises many unrelated types (PinIncorrect, ...)
            raise SignerUnavailable(f"cannot open PKCS#11 token: {exc!r}") from exc
        try:
            chain: list[asn1_x509.Certificate] = []
            for path in self.chain_files:
                chain.extend(load_certs_from_pemder([str(path)]))
            signer = pkcs11.PKCS11Signer(
                session,
                key_label=self.key_label,
                cert_label=self.cert_label or self.key_label,
                ca_chain=chain or None,
            )
            yield signer
        finally:
            session.close()


def _reinitialize(module_path: str) -> None:
    """Finalize and initialise the PKCS#11 library again so that it rescans its slots."""
    p11.lib(module_path).reinitialize()
