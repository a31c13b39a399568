"""Verification codes and public addresses: what a QR code and a printed verify link carry (issue 17 point 6,
issue 18 point 7; docs/security.md "Verification pages").

A document (receipt, notice, decision) and an electronic licence are verified on a public page reached by an
unguessable code, never by their sequential number: `new_code()` gives 128 random bits from `secrets`
(22 URL-safe characters), stored unique on the row. `looks_like_code()` tells a string of that shape from
anything else, so a page can answer "not found" to a number without reading the database; it is no secret
that codes have this shape.

Every address printed or encoded for people outside (QR codes, verify links, a guide's QR code) starts with
``settings.PUBLIC_URL`` (environment ``YIJIANSHI_PUBLIC_URL``): `public_url(path)`.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings

CODE_BYTES = 16  # 128 bits
CODE_LENGTH = 22  # len(secrets.token_urlsafe(16))
_CODE = re.compile(rf"[A-Za-z0-9_-]{{{CODE_LENGTH}}}")


def new_code() -> str:
    """A fresh verification code: 128 random bits, URL-safe base64 without padding."""
    return secrets.token_urlsafe(CODE_BYTES)


def looks_like_code(text: str) -> bool:
    """Whether `text` has the shape of a verification code (says nothing about whether one was issued)."""
    return bool(_CODE.fullmatch(text or ""))


def public_url(path: str) -> str:
    """The address people outside use for `path` ("/verify/…"): settings.PUBLIC_URL (YIJIANSHI_PUBLIC_URL)
    followed by the path."""
    return str(settings.PUBLIC_URL).rstrip("/") + "/" + path.lstrip("/")
