"""SM3 (GB/T 32905-2016), the one implementation the platform uses (the access ledger, e-licences).

OpenSSL's SM3 through hashlib when the interpreter's OpenSSL has it; gmssl's pure-Python SM3 otherwise (the
same function, about a thousand times slower — tests compare them on the standard's vectors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable


def _sm3_openssl(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sm3_gmssl(data: bytes) -> str:
    from gmssl import func, sm3

    digest: str = sm3.sm3_hash(func.bytes_to_list(data))
    return digest


def _pick() -> Callable[[bytes], str]:
    try:
        hashlib.new("sm3", b"")
    except ValueError:  # OpenSSL built without SM3 (e.g. some FIPS builds)
        return sm3_gmssl
    return _sm3_openssl


sm3_hex: Callable[[bytes], str] = _pick()  # sm3_hex(data) -> 64 lower-case hex digits
