"""Electronic seals on documents (issue 18 point 7; docs/adr/0011-electronic-seals.md).

A sealed document is a PDF whose last incremental update adds one signature dictionary
(``/Type /Sig /Filter /YJS.SES /SubFilter /GBT38540.SES_Signature``) with a ``/ByteRange`` and a ``/Contents``, as
a PDF signature has: ``/Contents`` holds a DER-encoded **SES_Signature** modelled on GB/T 38540-2020 (安全电子签章
密码技术规范), signed with SM2-with-SM3 by the issuing department's key. What is signed:

* ``dataHash`` — SM3 over the bytes the ``/ByteRange`` names: the whole file but the ``/Contents`` hex string;
* the seal (``SES_Seal``): its id, the department's full name, validity, the public key and a picture (SVG);
* the time of sealing and ``propertyInfo`` (the document number and the byte range).

Where this differs from GB/T 38540, said here and in the ADR: no X.509 certificates (there is no SM2 CA in
the platform): the ``cert`` fields carry the raw SM2 public key ``04 || x || y``, and the key is trusted because
the platform's key register (licences' `SigningKey`) holds it; the seal is made by its own holder (the maker's
signature over the seal info is by the same key), and the time is the server's clock, not a time-stamp token.

This module knows no models and no key files: the caller gives a `Sealer` (name, key and a sign function) to
seal, and a key look-up and a verify function to check. The face (the verify page, `yijianshi seal-verify`)
calls `yijianshi.cases.seals.document_seal_check`, which wires the platform's keys in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from asn1crypto import core
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas

from yijianshi.core.sm3 import sm3_hex

SM2_SM3_OID = "1.2.156.10197.1.501"  # SM2 signature with SM3 (GM/T 0006)
SUBFILTER = b"/GBT38540.SES_Signature"
CONTENTS_BYTES = 4096  # room reserved for the DER of the SES_Signature (a seal takes about 1.5 KB)
SEAL_VALID_YEARS = 10
RED = colors.Color(0.85, 0.07, 0.07)


# --- the structure (GB/T 38540-2020 §6–7, with the differences stated above) --------------------------------


class SESHeader(core.Sequence):
    _fields = [("id", core.IA5String), ("version", core.Integer), ("vid", core.IA5String)]


class CertList(core.SequenceOf):
    _child_spec = core.OctetString


class SESPropertyInfo(core.Sequence):
    _fields = [
        ("type", core.Integer),  # 1 单位印章 (an organisation's seal)
        ("name", core.UTF8String),
        ("cert_list_type", core.Integer),  # 1: a list of "certificates" (here: SM2 public keys)
        ("cert_list", CertList),
        ("create_date", core.GeneralizedTime),
        ("valid_start", core.GeneralizedTime),
        ("valid_end", core.GeneralizedTime),
    ]


class SESPictureInfo(core.Sequence):
    _fields = [
        ("type", core.IA5String),
        ("data", core.OctetString),
        ("width", core.Integer),  # mm
        ("height", core.Integer),
    ]


class SESSealInfo(core.Sequence):
    _fields = [
        ("header", SESHeader),
        ("es_id", core.IA5String),
        ("property", SESPropertyInfo),
        ("picture", SESPictureInfo),
    ]


class SESSeal(core.Sequence):
    _fields = [
        ("eseal_info", SESSealInfo),
        ("cert", core.OctetString),  # the maker's public key (the holder's own: see the module docstring)
        ("sign_alg_id", core.ObjectIdentifier),
        ("signed_value", core.OctetBitString),
    ]


class TBSSign(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SESSeal),
        ("time_info", core.GeneralizedTime),
        ("data_hash", core.OctetBitString),
        ("property_info", core.IA5String),
    ]


class SESSignature(core.Sequence):
    _fields = [
        ("to_sign", TBSSign),
        ("cert", core.OctetString),  # the signer's public key, 04 || x || y
        ("signature_alg_id", core.ObjectIdentifier),
        ("signature", core.OctetBitString),  # r || s, 64 bytes
    ]


# --- sealing -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealer:
    """Who seals: the department's full name (around the seal) and its SM2 key.

    `sign(digest_hex) -> signature_hex` signs an SM3 digest (64 hex) with the private key: SM2-with-SM3, ``r || s``.
    """

    name: str
    key_id: str
    public_key: str  # x || y, 128 hex
    key_created_at: datetime  # aware; the seal is valid from then for SEAL_VALID_YEARS
    sign: Callable[[str], str]


def seal_svg(name: str) -> str:
    """The seal's picture as a small SVG (42 mm): red ring, the name around the top, a star in the middle."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="42mm" height="42mm" viewBox="-21 -21 42 42">'
        '<circle r="19.5" fill="none" stroke="#d91212" stroke-width="1.2"/>'
        '<path id="a" d="M -14.5 6 A 15.5 15.5 0 1 1 14.5 6" fill="none"/>'
        f'<text font-size="4.2" fill="#d91212"><textPath href="#a" startOffset="50%" text-anchor="middle">'
        f"{escape(name)}</textPath></text>"
        '<text y="4" font-size="13" text-anchor="middle" fill="#d91212">★</text></svg>'
    )


_seals: dict[tuple[str, str, str, datetime], bytes] = {}


def _seal_der(sealer: Sealer) -> bytes:
    """The SES_Seal of a key and name: made once per process (one SM2 signature), then reused."""
    cache_key = (sealer.name, sealer.key_id, sealer.public_key, sealer.key_created_at)
    if cache_key not in _seals:
        _seals[cache_key] = _seal_make(sealer)
    return _seals[cache_key]


def _seal_make(sealer: Sealer) -> bytes:
    name, key_id = sealer.name, sealer.key_id
    # valid from the day the key was made (a key made on a document's first issue is a moment younger than it)
    created = sealer.key_created_at.replace(hour=0, minute=0, second=0, microsecond=0)
    pub = bytes.fromhex("04" + sealer.public_key)
    info = SESSealInfo(
        {
            "header": {"id": "ES", "version": 4, "vid": "YJS"},
            "es_id": f"YJS-{key_id}",
            "property": {
                "type": 1,
                "name": name,
                "cert_list_type": 1,
                "cert_list": [pub],
                "create_date": created,
                "valid_start": created,
                "valid_end": created + timedelta(days=365 * SEAL_VALID_YEARS),
            },
            "picture": {"type": "svg", "data": seal_svg(name).encode(), "width": 42, "height": 42},
        }
    )
    signed = bytes.fromhex(sealer.sign(sm3_hex(info.dump())))
    return SESSeal(
        {"eseal_info": info, "cert": pub, "sign_alg_id": SM2_SM3_OID, "signed_value": signed}
    ).dump()


_PLACEHOLDER_RANGE = b"/ByteRange [0 0000000000 0000000000 0000000000]"


def _trailer_value(tail: bytes, key: bytes, pattern: bytes) -> bytes:
    found = re.findall(re.escape(key) + rb"\s*" + pattern, tail)
    if not found:
        raise ValueError(f"the PDF's trailer has no {key.decode()}")
    return bytes(found[-1])


def seal_pdf(pdf: bytes, sealer: Sealer, *, at: datetime, number: str) -> bytes:
    """`pdf` with an incremental update that carries the SES_Signature of `sealer` over all its other bytes."""
    tail = pdf[-2048:]
    prev = int(_trailer_value(tail, b"startxref", rb"(\d+)"))
    size = int(_trailer_value(tail, b"/Size", rb"(\d+)"))
    root = _trailer_value(tail, b"/Root", rb"(\d+ \d+ R)")
    info = _trailer_value(tail, b"/Info", rb"(\d+ \d+ R)")
    ids = _trailer_value(tail, b"/ID", rb"(\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\])")
    head = pdf if pdf.endswith(b"\n") else pdf + b"\n"
    obj_at = len(head)
    placeholder = b"<" + b"0" * (2 * CONTENTS_BYTES) + b">"
    body = (
        f"{size} 0 obj\n<< /Type /Sig /Filter /YJS.SES /SubFilter /GBT38540.SES_Signature ".encode()
        + _PLACEHOLDER_RANGE
        + b" /Contents "
        + placeholder
        + b" >>\nendobj\n"
    )
    xref_at = obj_at + len(body)
    update = (
        body
        + f"xref\n0 1\n0000000000 65535 f \n{size} 1\n{obj_at:010d} 00000 n \n".encode()
        + b"trailer\n<< /Size "
        + str(size + 1).encode()
        + b" /Root "
        + root
        + b" /Info "
        + info
        + b" /ID "
        + ids
        + f" /Prev {prev} /YJS.Seal {size} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    out = bytearray(head + update)
    start = obj_at + body.index(b"/Contents <") + len(b"/Contents ")
    end = start + len(placeholder)
    byte_range = f"/ByteRange [0 {start:010d} {end:010d} {len(out) - end:010d}]".encode()
    at_range = obj_at + body.index(_PLACEHOLDER_RANGE)
    out[at_range : at_range + len(byte_range)] = byte_range
    data_hash = bytes.fromhex(sm3_hex(bytes(out[:start]) + bytes(out[end:])))
    seal = SESSeal.load(_seal_der(sealer))
    tbs = TBSSign(
        {
            "version": 4,
            "eseal": seal,
            "time_info": at,
            "data_hash": data_hash,
            "property_info": f"{number};0 {start} {end} {len(out) - end}",
        }
    )
    signature = bytes.fromhex(sealer.sign(sm3_hex(tbs.dump())))
    der = SESSignature(
        {
            "to_sign": tbs,
            "cert": bytes.fromhex("04" + sealer.public_key),
            "signature_alg_id": SM2_SM3_OID,
            "signature": signature,
        }
    ).dump()
    if len(der) > CONTENTS_BYTES:
        raise ValueError(f"the seal takes {len(der)} bytes, more than the {CONTENTS_BYTES} reserved")
    out[start + 1 : start + 1 + 2 * len(der)] = der.hex().encode()
    return bytes(out)


def draw_seal(canvas: Canvas, cx: float, cy: float, name: str, font: str, *, radius: float = 60.0) -> None:
    """The seal's picture in vector graphics, centred at (cx, cy) in points: a red ring, the department's full
    name set round the upper arc, a five-pointed star in the middle (GA 241-2000's shape for an official seal)."""
    canvas.saveState()
    canvas.setStrokeColor(RED)
    canvas.setFillColor(RED)
    canvas.setFillAlpha(0.85)  # as ink: the text under the seal stays legible
    canvas.setStrokeAlpha(0.85)
    canvas.setLineWidth(radius * 0.06)
    canvas.circle(cx, cy, radius * 0.95, stroke=1, fill=0)
    star = radius * 0.3
    path = canvas.beginPath()
    for i in range(10):
        r = star if i % 2 == 0 else star * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        x, y = cx + r * math.cos(angle), cy + r * math.sin(angle)
        if i == 0:
            path.moveTo(x, y)
        else:
            path.lineTo(x, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    chars = list(name) or [" "]
    size = radius * 0.2
    text_radius = radius * 0.88 - size * 0.5  # the glyphs' outer edge just inside the ring
    step = size * 1.08 / text_radius  # the angle one character takes
    if step * len(chars) > math.radians(270):  # a long name: smaller characters, never past 270 degrees
        size = radius * 0.88 * math.radians(270) / (len(chars) * 1.08 + 0.5 * math.radians(270))
        text_radius = radius * 0.88 - size * 0.5
        step = size * 1.08 / text_radius
    span = step * len(chars)
    canvas.setFont(font, size)
    for i, ch in enumerate(chars):
        angle = math.pi / 2 + span / 2 - (span * (i + 0.5) / len(chars))
        canvas.saveState()
        canvas.translate(cx + text_radius * math.cos(angle), cy + text_radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        canvas.drawCentredString(0, -size * 0.35, ch)
        canvas.restoreState()
    canvas.restoreState()


# --- checking ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealKey:
    """A key as the platform's register knows it (for the look-up the caller gives `seal_verify`)."""

    key_id: str
    public_key: str  # x || y
    holder: str  # the department's full name
    retired_at: datetime | None = None  # no new seals after it; earlier ones stay valid
    revoked_at: datetime | None = None  # compromised: no seal by it is valid
    revoked_reason: str = ""


@dataclass(frozen=True)
class SealCheck:
    """The answer about a sealed PDF. `status`: valid, unsealed, malformed, tampered, unknown_key, revoked_key
    (and wrong_document from cases.seals.document_seal_check given a number)."""

    status: str
    zh: str
    en: str
    name: str = ""  # the name on the seal
    key_id: str = ""
    sealed_at: datetime | None = None
    number: str = ""  # the document number the seal names

    @property
    def ok(self) -> bool:
        return self.status == "valid"


_DICT = re.compile(
    rb"/SubFilter\s*/GBT38540\.SES_Signature\s*/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]\s*"
    rb"/Contents\s*<([0-9a-fA-F]*)>"
)


def seal_verify(
    pdf: bytes,
    *,
    key_of: Callable[[str], SealKey | None],
    verify: Callable[[str, str, str], bool],
) -> SealCheck:
    """Check the last seal of `pdf`: its byte range covers every byte but the signature, the bytes hash to the
    sealed digest, the signature and the seal are by a key the register holds, not revoked, and the seal was
    made within the seal's validity and before the key was retired.

    `key_of(key_id)` gives the register's key or None; `verify(digest_hex, signature_hex, public_key) -> bool`
    is the SM2-with-SM3 check. Never raises on bad input.
    """
    matches = list(_DICT.finditer(pdf))
    if not matches:
        return SealCheck("unsealed", "文件没有电子印章", "The file carries no electronic seal")
    m = matches[-1]
    a, b, c, d = (int(x) for x in m.groups()[:4])
    start = m.start(5) - 1
    end = m.end(5) + 1
    if a != 0 or b != start or c != end or c + d != len(pdf):
        return SealCheck(
            "tampered",
            "印章之后文件又被改动或追加了内容",
            "The file was changed or extended after it was sealed",
        )
    try:
        contents = bytes.fromhex(m.group(5).decode())
        sig = SESSignature.load(contents, strict=False)
        if contents[len(sig.dump()) :].strip(b"\0"):  # the room after the DER is zeros, as reserved
            raise ValueError("bytes after the seal")
        tbs = sig["to_sign"]
        seal = tbs["eseal"]
        prop = seal["eseal_info"]["property"]
        name = str(prop["name"].native)
        signer_pub = bytes(sig["cert"].native).hex()
        sealed_at: datetime = tbs["time_info"].native
        number = str(tbs["property_info"].native).split(";")[0]
        data_hash = bytes(tbs["data_hash"].native).hex()
        signature = bytes(sig["signature"].native).hex()
        maker_pub = bytes(seal["cert"].native).hex()
        seal_sig = bytes(seal["signed_value"].native).hex()
        valid_start: datetime = prop["valid_start"].native
        valid_end: datetime = prop["valid_end"].native
        alg = (sig["signature_alg_id"].dotted, seal["sign_alg_id"].dotted)
        tbs_digest = sm3_hex(tbs.dump())  # the bytes as signed
        info_digest = sm3_hex(seal["eseal_info"].dump())
    except (ValueError, TypeError, KeyError, AttributeError):
        return SealCheck("malformed", "电子印章结构无法读取", "The electronic seal cannot be read")
    if len(signer_pub) != 130 or not signer_pub.startswith("04") or alg != (SM2_SM3_OID, SM2_SM3_OID):
        return SealCheck("malformed", "电子印章结构无法读取", "The electronic seal cannot be read")
    public_key = signer_pub[2:]
    key_id = sm3_hex(bytes.fromhex(public_key))[:16]  # as the key register names keys

    def found(status: str, zh: str, en: str) -> SealCheck:
        return SealCheck(status, zh, en, name=name, key_id=key_id, sealed_at=sealed_at, number=number)

    if sm3_hex(pdf[:start] + pdf[end:]) != data_hash:
        return found(
            "tampered",
            "文件内容与盖章时不一致，已被改动",
            "The file's content differs from what was sealed",
        )
    key = key_of(key_id)
    if key is None or key.public_key.lower() != public_key:
        return found(
            "unknown_key",
            "印章所用密钥不是本平台登记的部门密钥",
            "The seal was made with a key the platform does not know",
        )
    if (
        not verify(tbs_digest, signature, public_key)
        or maker_pub != signer_pub
        or not verify(info_digest, seal_sig, public_key)
    ):
        return found(
            "tampered",
            "电子签名无效：印章或签名已被改动",
            "The signature is not valid: the seal or its signature was altered",
        )
    if key.revoked_at is not None:
        return found(
            "revoked_key",
            f"印章密钥已于 {key.revoked_at:%Y-%m-%d} 吊销：{key.revoked_reason}",
            f"The seal's key was revoked on {key.revoked_at:%Y-%m-%d}: {key.revoked_reason}",
        )
    if not (valid_start <= sealed_at <= valid_end):
        return found(
            "tampered",
            "盖章时间不在印章有效期内",
            "The seal was applied outside its period of validity",
        )
    if key.retired_at is not None and sealed_at > key.retired_at:
        return found(
            "revoked_key",
            "盖章时该密钥已停用",
            "The key had been retired when the seal was made",
        )
    return found(
        "valid",
        f"电子印章有效：{name}加盖，文件未被改动",
        f"The electronic seal is valid: sealed by {name}; the file is unchanged",
    )
