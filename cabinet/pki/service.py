"""The demo PKI over HTTP: OCSP responder, CRLs, CA certificates and an RFC 3161 TSA.

A small WSGI application (Werkzeug) reading the CA files of one ``keys_dir``; changes made by
``cabinet keys issue/revoke`` are picked up on the next request. ``flask --app app cabinet pki
serve`` runs it for ``make run``; the tests run it in a thread on an ephemeral port
(:func:`serve_in_thread`).

    POST /ocsp              application/ocsp-request -> application/ocsp-response
    GET  /ocsp/<base64>     the same, RFC 6960 appendix A.1 GET form
    GET  /crl/<ca>.crl      application/pkix-crl (ca: root, issuing)
    GET  /certs/<ca>.cer    application/pkix-cert
    POST /tsa               application/timestamp-query -> application/timestamp-reply
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from werkzeug.exceptions import HTTPException, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .authority import (
    CA_DIR,
    ISSUED_FILE,
    ISSUING,
    REVOKED_FILE,
    ROOT,
    AuthorityError,
    issued_certificates,
    load_authority,
    load_service_credential,
    revocations,
)
from .responders import (
    Issuer,
    Revocation,
    certificate_revocation_list,
    ocsp_response,
    timestamp_response,
)

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real time, UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Snapshot:
    issuers: dict[str, Issuer]
    revoked: dict[tuple[str, int], Revocation]
    known: set[tuple[str, int]]
    tsa: Any
    tsa_chain: list[Any]


class PkiService:
    """The WSGI application of one demo CA directory; ``clock`` says what time it is."""

    def __init__(self, keys_dir: Path, clock: Clock = system_clock) -> None:
        self.keys_dir = Path(keys_dir)
        self.clock = clock
        self._lock = threading.Lock()
        self._stamp: tuple[float, ...] | None = None
        self._snapshot: _Snapshot | None = None
        self.urls = Map(
            [
                Rule("/", endpoint="index"),
                Rule("/ocsp", endpoint="ocsp", methods=["POST"]),
                Rule("/ocsp/<path:encoded>", endpoint="ocsp_get", methods=["GET"]),
                Rule("/crl/<name>.crl", endpoint="crl"),
                Rule("/certs/<name>.cer", endpoint="cert"),
                Rule("/tsa", endpoint="tsa", methods=["POST"]),
            ]
        )

    def _files_stamp(self) -> tuple[float, ...]:
        directory = self.keys_dir / CA_DIR
        stamps = []
        for name in (ISSUED_FILE, REVOKED_FILE, "issuing.cert.pem", "tsa.cert.pem"):
            try:
                stamps.append((directory / name).stat().st_mtime_ns)
            except OSError:
                stamps.append(0)
        return tuple(stamps)

    def snapshot(self) -> _Snapshot:
        """The CA state, reloaded when its files changed since the last request."""
        stamp = self._files_stamp()
        with self._lock:
            if self._snapshot is None or stamp != self._stamp:
                self._snapshot = self._load()
                self._stamp = stamp
            return self._snapshot

    def _load(self) -> _Snapshot:
        issuers = {}
        for name in (ROOT, ISSUING):
            ca = load_authority(self.keys_dir, name)
            responder = load_service_credential(self.keys_dir, f"ocsp-{name}")
            issuers[name] = Issuer(name, ca.cert, ca.key, responder)
        revoked = {}
        for key, entry in revocations(self.keys_dir).items():
            issuer, _, serial = key.partition(":")
            revoked[(issuer, int(serial, 16))] = Revocation(
                datetime.fromisoformat(entry["at"]), entry["reason"]
            )
        known = {(e["issuer"], int(e["serial"], 16)) for e in issued_certificates(self.keys_dir)}
        tsa = load_service_credential(self.keys_dir, "tsa")
        return _Snapshot(issuers, revoked, known, tsa, [issuers[ISSUING].cert, issuers[ROOT].cert])

    # ---- endpoints --------------------------------------------------------------------------

    def index(self, request: Request) -> Response:
        """A plain-text status page: the CAs, the TSA, how many certificates are revoked."""
        state = self.snapshot()
        lines = ["e-Cabinet demo PKI", f"time: {self.clock().isoformat()}"]
        for issuer in state.issuers.values():
            lines.append(f"{issuer.name}: {issuer.cert.subject.rfc4514_string()}")
        lines.append(f"tsa: {state.tsa.cert.subject.rfc4514_string()}")
        lines.append(f"revoked: {len(state.revoked)}")
        return Response("\n".join(lines) + "\n", mimetype="text/plain")

    def ocsp(self, request: Request) -> Response:
        """OCSP over POST (RFC 6960 A.1)."""
        return self._ocsp(_body(request))

    def ocsp_get(self, request: Request, encoded: str) -> Response:
        """OCSP over GET: the DER request base64-encoded in the path."""
        try:
            der = base64.b64decode(encoded, validate=False)
        except (binascii.Error, ValueError):
            der = b""
        return self._ocsp(der)

    def _ocsp(self, der: bytes) -> Response:
        state = self.snapshot()
        body = ocsp_response(
            der, list(state.issuers.values()), state.revoked, state.known, self.clock()
        )
        return Response(body, mimetype="application/ocsp-response")

    def crl(self, request: Request, name: str) -> Response:
        """The current CRL of the root or the issuing CA."""
        issuer = self.snapshot().issuers.get(name)
        if issuer is None:
            raise NotFound()
        state = self.snapshot()
        body = certificate_revocation_list(issuer, state.revoked, self.clock())
        return Response(body, mimetype="application/pkix-crl")

    def cert(self, request: Request, name: str) -> Response:
        """The certificate of the root or the issuing CA (the AIA caIssuers address)."""
        issuer = self.snapshot().issuers.get(name)
        if issuer is None:
            raise NotFound()
        body = issuer.cert.public_bytes(serialization.Encoding.DER)
        return Response(body, mimetype="application/pkix-cert")

    def tsa(self, request: Request) -> Response:
        """RFC 3161 time-stamp over HTTP."""
        state = self.snapshot()
        body = timestamp_response(_body(request), state.tsa, state.tsa_chain, self.clock())
        return Response(body, mimetype="application/timestamp-reply")

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        adapter = self.urls.bind_to_environ(environ)
        try:
            endpoint, args = adapter.match()
            response = getattr(self, endpoint)(request, **args)
        except HTTPException as error:
            response = error.get_response(environ)
        except AuthorityError as error:
            log.error("demo PKI: %s", error)
            response = Response(f"demo CA not ready: {error}\n", status=503, mimetype="text/plain")
        return response(environ, start_response)


def _body(request: Request) -> bytes:
    if (request.content_length or 0) > MAX_REQUEST_BYTES:
        raise RequestEntityTooLarge()
    return request.stream.read(MAX_REQUEST_BYTES + 1)[:MAX_REQUEST_BYTES]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Tests and benchmarks run thousands of requests: no access log."""


@dataclass
class RunningService:
    """A service started by :func:`serve_in_thread`: its base URL and its application."""

    url: str
    app: PkiService


@contextlib.contextmanager
def serve_in_thread(
    keys_dir: Path, *, host: str = "127.0.0.1", port: int = 0, clock: Clock = system_clock
) -> Iterator[RunningService]:
    """Serve the demo PKI of ``keys_dir`` in a background thread until the block ends."""
    app = PkiService(keys_dir, clock)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="demo-pki", daemon=True)
    thread.start()
    try:
        yield RunningService(f"http://{host}:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(keys_dir: Path, host: str, port: int) -> None:
    """Serve the demo PKI of ``keys_dir`` on ``host:port`` until interrupted."""
    server = make_server(host, port, PkiService(keys_dir), threaded=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
