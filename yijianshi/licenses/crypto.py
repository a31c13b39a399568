"""SM3 digests and SM2 signatures for electronic licences and document seals (GB/T 32905 SM3, GB/T 32918 SM2):
signed with GmSSL's C code (gmssl_pyx), checked with gmssl.

What is signed
    The **canonical encoding** of a licence is its fields as JSON with the keys sorted, no insignificant
    white space (separators ``,`` and ``:``), non-ASCII characters written as themselves, UTF-8
    (`canonical_bytes`). The fields are listed in `licenses.models.canonical_fields`: identifier, type (the
    21-character type code), type name, holder, holder identifier type (``111`` identity number / ``001``
    unified social credit code), holder identifier, issuer (its unified social credit code), issuer name,
    issue date, valid from, valid to (``null`` = long-term), surface data and version; dates are ISO
    ``YYYY-MM-DD``; surface values are text, integers, booleans, null, lists and objects (no floats, whose
    decimal form differs between encoders). The **digest** is SM3 of
    that encoding, 64 lower-case hex characters. The **signature** is SM2 with SM3 (the Z value with the
    default user ID ``1234567812345678``, GM/T 0009) over the 32 bytes of the digest, written as ``r || s``,
    128 lower-case hex characters (not ASN.1).

Keys
    One SM2 key pair per issuing department. The private key (32 bytes, hex) is a file
    ``{settings.LICENCE_KEY_DIR}/{key id}.json`` with mode 0600 in a folder with mode 0700, never in the
    database nor the repository; the public key (``x || y``, 128 hex characters, no ``04`` prefix) and its key
    id (the first 16 hex characters of SM3 of the public key) are in `SigningKey`.

gmssl's quirks, handled here and nowhere else: its ``func.random_hex`` uses ``random``, so it never draws a
nonce here (signing is GmSSL's, below) and private keys are drawn with `secrets`; its constructor strips any leading ``0``/``4`` characters from a public key that starts with
``04`` (``str.lstrip``), so the key is set after construction; it does not check that ``r`` and ``s`` are in
``[1, n-1]`` nor that a public key is on the curve, so `verify` does; and it raises on malformed hex, so
`verify` answers False instead. It is pure Python and not constant-time: it only checks public signatures and
derives a new key's public half.

Signing is GmSSL's (the C library of the GmSSL project, through gmssl_pyx's wheel): it draws its nonce from the
operating system and is 3–4 times faster than gmssl's pure Python (bench/seal_sign.py; every sealed document
signs once). Its signatures are SM2-with-SM3 with the same default user ID, so `verify` (gmssl, unchanged) checks
them as before, and signatures made with gmssl before still verify.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import gmssl_pyx
from asn1crypto.algos import DSASignature
from gmssl import sm2

logger = logging.getLogger(__name__)

_CURVE = sm2.default_ecc_table
_N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_HEX = re.compile(r"^[0-9a-f]+$")
ALGORITHM = "SM2-SM3"


from yijianshi.core.sm3 import sm3_hex  # noqa: E402

_DEFAULT_ID = b"1234567812345678"  # GM/T 0009 default user ID


@lru_cache(maxsize=256)
def _z(public_key: str) -> bytes:
    """Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2), as gmssl computes it."""
    entl = (len(_DEFAULT_ID) * 8).to_bytes(2, "big")
    return bytes.fromhex(
        sm3_hex(entl + _DEFAULT_ID + bytes.fromhex(_CURVE["a"] + _CURVE["b"] + _CURVE["g"] + public_key))
    )


def _e(public_key: str, message: bytes) -> bytes:
    """e = SM3(Z_A || M): what SM2 signs for message M (gmssl's sign_with_sm3 computes the same, slower)."""
    return bytes.fromhex(sm3_hex(_z(public_key) + message))


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """The canonical encoding: sorted-key compact JSON, UTF-8 (see the module docstring)."""
    return json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def digest_of(fields: dict[str, Any]) -> str:
    return sm3_hex(canonical_bytes(fields))


@dataclass(frozen=True)
class KeyPair:
    private_key: str  # 64 hex
    public_key: str  # 128 hex, x || y

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)


def key_id_of(public_key: str) -> str:
    return sm3_hex(bytes.fromhex(normalise_public_key(public_key)))[:16]


def normalise_public_key(public_key: str) -> str:
    key = (public_key or "").strip().lower()
    if len(key) == 130 and key.startswith("04"):
        key = key[2:]
    return key


def _crypt(private_key: str, public_key: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_key, public_key="")
    crypt.public_key = public_key  # not through the constructor: it lstrip("04")s keys that start with 04
    return crypt


def public_key_of(private_key: str) -> str:
    d = int(private_key, 16)
    point: str = _crypt(private_key, "")._kg(d, _CURVE["g"])
    return point


def generate_keypair() -> KeyPair:
    d = secrets.randbelow(_N - 2) + 1  # GB/T 32918: d in [1, n-2]
    private_key = f"{d:064x}"
    return KeyPair(private_key=private_key, public_key=public_key_of(private_key))


def on_curve(public_key: str) -> bool:
    key = normalise_public_key(public_key)
    if len(key) != 128 or not _HEX.match(key):
        return False
    x, y = int(key[:64], 16), int(key[64:], 16)
    if not (0 <= x < _P and 0 <= y < _P):
        return False
    return (y * y - (x * x * x + _A * x + _B)) % _P == 0


def sign(digest: str, *, private_key: str, public_key: str) -> str:
    """SM2-with-SM3 signature (``r || s``, 128 hex) over the 32 bytes of the hex `digest`: e = SM3(Z_A || digest),
    Z_A with the default user ID, as `verify` checks (GmSSL's C code; it answers DER, written here as r || s)."""
    key = normalise_public_key(public_key)
    der = gmssl_pyx.sm2_sign(bytes.fromhex(private_key), bytes.fromhex(key), bytes.fromhex(digest))
    rs = DSASignature.load(der).native
    return f"{rs['r']:064x}{rs['s']:064x}"


def verify(digest: str, signature: str, public_key: str) -> bool:
    """True when `signature` is an SM2-with-SM3 signature of `digest` by the holder of `public_key`.

    Never raises: malformed input (not hex, wrong length, r or s out of range, a key off the curve) is False.
    """
    sig = (signature or "").strip().lower()
    key = normalise_public_key(public_key)
    if len(sig) != 128 or not _HEX.match(sig) or not on_curve(key):
        return False
    return _verified(str(digest), sig, key)


@lru_cache(maxsize=4096)
def _verified(digest: str, sig: str, key: str) -> bool:
    """The SM2 check itself, remembered per process: it is a pure function of the digest, the signature and
    the public key, and costs ~25 ms of pure-Python arithmetic, while a licence in a wallet is checked on
    every application that might be waived by it (bench/profile_submit.py). Status and validity are not
    part of it: they are checked on every verification."""
    r, s = int(sig[:64], 16), int(sig[64:], 16)
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    try:
        e = _e(key, bytes.fromhex(digest))
        return bool(_crypt("", key).verify(sig, e))
    except (ValueError, TypeError, IndexError):
        return False


# --- private key files ------------------------------------------------------------------------------------------


def key_dir() -> Path:
    from django.conf import settings

    return Path(settings.LICENCE_KEY_DIR)


def private_key_path(key_id: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{16}", key_id):
        raise ValueError(f"not a key id: {key_id!r}")
    return key_dir() / f"{key_id}.json"


def store_private_key(pair: KeyPair, *, label: str) -> Path:
    """Write the private key file (mode 0600, folder 0700); never overwrites an existing file."""
    folder = key_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = private_key_path(pair.key_id)
    body = json.dumps(
        {
            "algorithm": ALGORITHM,
            "key_id": pair.key_id,
            "label": label,
            "private_key": pair.private_key,
            "public_key": pair.public_key,
        },
        ensure_ascii=False,
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body + "\n")
    return path


_checked: dict[tuple[str, str], KeyPair] = {}


def load_private_key(key_id: str) -> KeyPair | None:
    """The key pair of `key_id` from its file, or None when the file is missing or does not hold that key.

    The file is read each time; checking that its private key gives its public key is done once per content."""
    path = private_key_path(key_id)
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
        if (key_id, text) in _checked:
            return _checked[(key_id, text)]
        data = json.loads(text)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        logger.error("licence key file %s cannot be read", path)
        return None
    if stat.S_IMODE(info.st_mode) & 0o077:
        logger.warning(
            "licence key file %s is readable by others than its owner (mode %o)",
            path,
            stat.S_IMODE(info.st_mode),
        )
    pair = KeyPair(private_key=str(data.get("private_key", "")), public_key=str(data.get("public_key", "")))
    try:
        if public_key_of(pair.private_key) != normalise_public_key(pair.public_key) or pair.key_id != key_id:
            logger.error("licence key file %s does not hold key %s", path, key_id)
            return None
    except (ValueError, TypeError):
        logger.error("licence key file %s is malformed", path)
        return None
    _checked[(key_id, text)] = pair
    return pair
