"""The demo public-key infrastructure and the trust settings signatures are checked against.

- :mod:`.authority`: a root and an issuing CA on disk, OCSP responder and TSA certificates, the
  register of issued certificates and the revocation list;
- :mod:`.responders` and :mod:`.service`: OCSP, CRLs and RFC 3161 time stamps over HTTP;
- :mod:`.trust`: trust roots, revocation mode and fetching, as pyHanko validation settings.
"""

from .authority import AuthorityError, DemoCA, create_demo_ca, load_demo_ca, revoke
from .service import PkiService, serve_in_thread
from .trust import REVOCATION_MODES, TrustPolicy, load_certificates, to_asn1

__all__ = [
    "REVOCATION_MODES",
    "AuthorityError",
    "DemoCA",
    "PkiService",
    "TrustPolicy",
    "create_demo_ca",
    "load_certificates",
    "load_demo_ca",
    "revoke",
    "serve_in_thread",
    "to_asn1",
]
