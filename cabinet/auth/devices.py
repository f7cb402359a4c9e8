"""Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies").

A successful sign-in leaves a signed cookie naming the account and a random device nonce. Later
attempts for that account from a browser carrying it are counted against the device, not the
account: an outsider's wrong guesses lock out only "untrusted clients" (browsers without the
cookie), so the real owner still signs in from a known device while an attack goes on; a stolen
cookie itself gets locked after the same number of failures.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

DEVICE_COOKIE = "ecabinet_device"
DEVICE_COOKIE_DAYS = 365
_SALT = "ecabinet.device-cookie"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_device_cookie(email: str) -> str:
    """A new signed device cookie value for this account."""
    return _serializer().dumps({"e": email.strip().lower(), "n": secrets.token_urlsafe(16)})


def known_device(value: str | None, email: str) -> str | None:
    """The device nonce when `value` is a genuine device cookie for this account, else None."""
    if not value:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != email.strip().lower():
        return None
    nonce = data.get("n")
    return nonce if isinstance(nonce, str) else None
