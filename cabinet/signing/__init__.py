"""Digital signatures of records: key stores, PAdES signing (B-B to B-LTA), an organisation's
seal, long-term archive timestamps, and verification."""

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
from .ltv import archive_horizon, complete_archive, extend_archive
from .sign import (
    SignerNotValidated,
    SignerRevoked,
    SigningFailed,
    TimestampUnavailable,
    seal_pdf,
    sign_pdf,
)
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
    "SignerNotValidated",
    "SignerRevoked",
    "SigningFailed",
    "TimestampUnavailable",
    "VerificationReport",
    "archive_horizon",
    "complete_archive",
    "create_demo_ca",
    "extend_archive",
    "import_p12",
    "issue_user_p12",
    "load_demo_ca",
    "load_trust_roots",
    "read_p12",
    "seal_pdf",
    "sign_pdf",
    "user_p12_path",
    "verify_pdf",
]
