"""Digital signatures of records: key stores, PAdES signing and verification."""

from .backends import Pkcs11Signer, Pkcs12Signer, SignerBackend, SignerUnavailable
from .keys import (
    DemoCA,
    KeystoreError,
    KeystoreInfo,
    create_demo_ca,
    import_p12,
    issue_user_p12,
    load_demo_ca,
    load_trust_roots,
    read_p12,
    user_p12_path,
)
from .sign import SigningFailed, sign_pdf
from .verify import SignatureReport, VerificationReport, verify_pdf

__all__ = [
    "DemoCA",
    "KeystoreError",
    "KeystoreInfo",
    "Pkcs11Signer",
    "Pkcs12Signer",
    "SignatureReport",
    "SignerBackend",
    "SignerUnavailable",
    "SigningFailed",
    "VerificationReport",
    "create_demo_ca",
    "import_p12",
    "issue_user_p12",
    "load_demo_ca",
    "load_trust_roots",
    "read_p12",
    "sign_pdf",
    "user_p12_path",
    "verify_pdf",
]
