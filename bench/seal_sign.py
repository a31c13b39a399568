"""Benchmark of sealed documents (issue 18 point 7: sealing must not halve the clerk's and officers' rates).

Cases, on a one-page 不予确认决定书 with a QR code and five reasons, in one process, one at a time:
  1. render, four ways interleaved so that all see the same load: without and with the seal (the seal drawn and
     the file signed: SM3 over the bytes, one SM2 signature; the seal's own signature is made once per key and
     process), each with the QR code as it was before ("before": segno's automatic mask, a PNG at 8 pixels per
     module embedded as an image) and as it is now ("after": a fixed mask, the modules drawn as vector runs);
     ratios are against the first, the unsealed document as it was before sealing came (the baseline);
  2. seal alone: the incremental update, SM3 and the signature over an already rendered PDF;
  3. SM2 sign alone over a digest: crypto.sign (GmSSL's C code through gmssl_pyx), gmssl's pure Python (what
     signed before), and the other C-backed SM2s that are installed (gmssl_fast; gmalglib), each checked
     against our verify first;
  4. seal_verify of the sealed PDF (SM2 results not remembered: the per-process memory is cleared each time).
Prints median and p99 in ms and the rate (1000 / median).

    .venv/bin/python bench/seal_sign.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from io import BytesIO
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        t0 = perf_counter()
        fn()
        samples.append((perf_counter() - t0) * 1000)
    return samples


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Samples of each function taken in turn, so that all see the same load on a shared machine."""
    for fn in fns:
        fn()  # warm up
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, samples, strict=True):
            t0 = perf_counter()
            fn()
            out.append((perf_counter() - t0) * 1000)
    return samples


def report(name: str, samples: list[float], *, baseline: float = 0.0) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    ratio = f"   x{median / baseline:5.2f} of the baseline" if baseline else ""
    print(f"{name:<34} median {median:7.2f} ms   p99 {p99:7.2f} ms   {1000 / median:7.1f}/s{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    import django

    django.setup()
    import segno
    from asn1crypto.algos import DSASignature
    from gmssl import sm2
    from reportlab.platypus import Image

    from yijianshi.core.sm3 import sm3_hex
    from yijianshi.documents import render
    from yijianshi.documents.render import DocumentData, render_pdf
    from yijianshi.documents.seal import Sealer, SealKey, seal_pdf, seal_verify
    from yijianshi.licenses import crypto

    pair = crypto.generate_keypair()
    at = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    sealer = Sealer(
        name="陵川县人力资源和社会保障局",
        key_id=pair.key_id,
        public_key=pair.public_key,
        key_created_at=at,
        sign=partial(crypto.sign, private_key=pair.private_key, public_key=pair.public_key),
    )
    data = DocumentData(
        kind="denial_decision",
        number="YJS-20261207-000123-BY01",
        application_number="YJS-20261207-000123",
        issued_at=at,
        issuer=sealer.name,
        applicant_name="张*",
        bundle_name="退休“一件事”",
        lines=(("事项", "职工正常退休（职）申请"), ("办件编号", "YJS-20261207-000123")),
        items=tuple(f"第 {i} 条理由：申请人未达到法定退休年龄，不符合正常退休条件。" for i in range(1, 6)),
        verify_url="https://zwfw.example.gov.cn/verify/documents/YJS-20261207-000123-BY01",
        title=("不予确认决定书", "Decision Not to Confirm"),
    )
    sealed = DocumentData(**{**data.__dict__, "seal": sealer})
    plain = render_pdf(data)
    pdf = render_pdf(sealed)
    digest = sm3_hex(b"x")
    key = SealKey(pair.key_id, pair.public_key, sealer.name)

    def verify_once() -> None:
        crypto._verified.cache_clear()
        assert seal_verify(pdf, key_of=lambda _: key, verify=crypto.verify).ok

    def before(fn: Callable[[], bytes]) -> Callable[[], bytes]:
        """`fn` with the QR code drawn as before: automatic mask, a PNG image (the code of commit 2d8ae01)."""

        def legacy_qr(url: str, side: float) -> Image:
            out = BytesIO()
            segno.make_qr(url, error="m").save(out, kind="png", scale=8, border=render.QR_BORDER)
            return Image(BytesIO(out.getvalue()), width=side, height=side)

        def run() -> bytes:
            current, render.QrFlowable = render.QrFlowable, legacy_qr  # type: ignore[assignment,misc]
            try:
                return fn()
            finally:
                render.QrFlowable = current  # type: ignore[misc]

        return run

    print(f"PDF {len(plain)} bytes unsealed, {len(pdf)} sealed; {args.repeat} runs each")
    print(f"{'':<34} {len(before(lambda: render_pdf(data))())} bytes unsealed with the QR code as before")
    cases = [
        ("render, QR before (baseline)", before(lambda: render_pdf(data))),
        ("render + seal, QR before", before(lambda: render_pdf(sealed))),
        ("render, QR after", lambda: render_pdf(data)),
        ("render + seal, QR after", lambda: render_pdf(sealed)),
    ]
    samples = interleaved([fn for _, fn in cases], args.repeat)
    baseline = statistics.median(samples[0])
    for (name, _), taken in zip(cases, samples, strict=True):
        report(name, taken, baseline=baseline)
    report(
        "seal alone (update, SM3, SM2)",
        timed(lambda: seal_pdf(plain, sealer, at=at, number="n"), args.repeat),
    )
    report("SM2 sign, crypto.sign (GmSSL, C)", timed(lambda: sealer.sign(digest), args.repeat))
    pure = sm2.CryptSM2(private_key=pair.private_key, public_key=pair.public_key)
    pure_sign = partial(pure.sign_with_sm3, bytes.fromhex(digest))
    assert crypto.verify(digest, pure_sign(), pair.public_key)
    report("SM2 sign, gmssl (pure Python, before)", timed(pure_sign, args.repeat))
    report("seal_verify (SM2 x2, not cached)", timed(verify_once, args.repeat))
    c_signers: dict[str, Callable[[], str]] = {}
    message = bytes.fromhex(digest)
    try:
        import gmssl_pyx  # type: ignore[import-not-found]

        def pyx() -> str:
            der = gmssl_pyx.sm2_sign(bytes.fromhex(pair.private_key), bytes.fromhex(pair.public_key), message)
            rs = DSASignature.load(der).native
            return f"{rs['r']:064x}{rs['s']:064x}"

        c_signers["gmssl_pyx (C, GmSSL)"] = pyx
    except ImportError:
        pass
    try:
        import gmssl_fast  # type: ignore[import-not-found]

        fast_key = gmssl_fast.SM2(private_key=pair.private_key, public_key=pair.public_key)
        c_signers["gmssl_fast (C, GmSSL)"] = lambda: bytes(fast_key.sign(message)).hex()
    except ImportError:
        pass
    try:
        import gmalglib  # type: ignore[import-not-found]

        c_key = gmalglib.sm2.SM2(sk=bytes.fromhex(pair.private_key), pk=bytes.fromhex("04" + pair.public_key))
        c_signers["gmalglib (C)"] = lambda: bytes(c_key.sign(message)).hex()
    except ImportError:
        pass
    if not c_signers:
        print("no C-backed SM2 installed: pip install gmssl_pyx (or gmssl-fast, gmalglib) to compare")
    for name, sign in c_signers.items():
        agrees = crypto.verify(digest, sign(), pair.public_key)
        report(f"SM2 sign, {name}{'' if agrees else ' DOES NOT VERIFY'}", timed(sign, args.repeat))


if __name__ == "__main__":
    main()
