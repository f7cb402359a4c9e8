"""`flask --app app cabinet pki ...`: run the demo PKI's services (OCSP, CRLs, TSA)."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask.cli import with_appcontext

from cabinet.config import settings

from .authority import SERVICE_DAYS, AuthorityError, load_demo_ca, renew_tsa, revocations
from .service import serve_forever


@click.group("pki")
def pki() -> None:
    """The demo PKI: OCSP responder, CRLs and time-stamping authority over HTTP."""


@pki.command("serve")
@click.option("--host", help="Address to listen on (default: the host of ECABINET_PKI_URL).")
@click.option("--port", type=int, help="Port (default: the port of ECABINET_PKI_URL).")
@with_appcontext
def serve_command(host: str | None, port: int | None) -> None:
    """Serve the demo CA's OCSP responder, CRLs, CA certificates and TSA until interrupted."""
    config = settings()
    address = urlsplit(config.pki_url)
    host = host or address.hostname or "127.0.0.1"
    port = port or address.port or 80
    keys_dir = Path(config.keys_dir)
    try:
        ca = load_demo_ca(keys_dir)
    except AuthorityError as exc:
        raise click.ClickException(f"{exc} (run `flask --app app cabinet init` first)") from exc
    if ca.base_url and ca.base_url.rstrip("/") != config.pki_url:
        click.echo(
            f"warning: the demo certificates name {ca.base_url}, not {config.pki_url}", err=True
        )
    click.echo(f"Demo PKI on http://{host}:{port} (OCSP /ocsp, CRLs /crl/<ca>.crl, TSA /tsa)")
    serve_forever(keys_dir, host, port)


@pki.command("status")
@with_appcontext
def status_command() -> None:
    """The demo CA's certificates, its service address, and how many certificates are revoked."""
    config = settings()
    try:
        ca = load_demo_ca(Path(config.keys_dir))
    except AuthorityError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Root:        {ca.cert.subject.rfc4514_string()}")
    if ca.issuing:
        click.echo(f"Issuing CA:  {ca.issuing.cert.subject.rfc4514_string()}")
    click.echo(f"Services:    {ca.base_url or 'none'}")
    click.echo(f"Revoked:     {len(revocations(Path(config.keys_dir)))}")


@pki.command("renew-tsa")
@click.option("--days", type=int, default=SERVICE_DAYS, show_default=True)
@with_appcontext
def renew_tsa_command(days: int) -> None:
    """Give the demo TSA a new certificate, so archive timestamps can be renewed past the old."""
    try:
        cert = renew_tsa(Path(settings().keys_dir), days=days)
    except AuthorityError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"TSA certificate valid until {cert.not_valid_after_utc:%Y-%m-%d}")


@pki.command("wait")
@click.option("--timeout", type=float, default=60, show_default=True)
@with_appcontext
def wait_command(timeout: float) -> None:
    """Wait until the PKI service at ECABINET_PKI_URL answers (for `make run`); exit 1 if not."""
    url = settings().pki_url + "/"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
            click.echo(f"Demo PKI answers at {settings().pki_url}")
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise click.ClickException(f"nothing answers at {url}: {exc}") from exc
            time.sleep(0.3)
