"""Benchmark of sealed documents (issue 18 point 7: sealing must not halve the clerk's and officers' rates).

Cases, on a one-page 不予确认决定书 with a QR code and five reasons, in one process, one at a time:
  1. baseline: render the PDF without a seal (reportlab), interleaved with 2 so that both see the same load;
  2. render + seal: the same with the seal drawn and the file signed (SM3 over the bytes, one SM2 signature;
     the seal's own signature is made once per key and process);
  3. seal alone: the incremental update, SM3 and the signature over an already rendered PDF;
  4. SM2 sign alone (gmssl, pure Python) over a digest; and a C-backed SM2 (gmalglib) when it is installed;
  5. seal_verify of the sealed PDF (SM2 results not remembered: the per-process memory is cleared each time).
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


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    median = statistics.median(ordered)
    print(f"{name:<34} median {median:7.2f} ms   p99 {p99:7.2f} ms   {1000 / median:7.1f}/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    import django

    django.setup()
    from yijianshi.core.sm3 import sm3_hex
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

    print(f"PDF {len(plain)} bytes unsealed, {len(pdf)} sealed; {args.repeat} runs each")
    base, both = interleaved([lambda: render_pdf(data), lambda: render_pdf(sealed)], args.repeat)
    report("render (baseline, no seal)", base)
    report("render + seal", both)
    print(f"{'  sealing adds':<34} {statistics.median(both) - statistics.median(base):7.2f} ms to the median")
    report(
        "seal alone (update, SM3, SM2)",
        timed(lambda: seal_pdf(plain, sealer, at=at, number="n"), args.repeat),
    )
    report("SM2 sign, gmssl (pure Python)", timed(lambda: sealer.sign(digest), args.repeat))
    report("seal_verify (SM2 x2, not cached)", timed(verify_once, args.repeat))
    try:
        import gmalglib  # type: ignore[import-not-found]
    except ImportError:
        print("gmalglib (C) not installed: pip install gmalglib to compare")
        return
    c_key = gmalglib.sm2.SM2(sk=bytes.fromhex(pair.private_key), pk=bytes.fromhex("04" + pair.public_key))
    report("SM2 sign, gmalglib (C)", timed(lambda: c_key.sign(b"x"), args.repeat))


if __name__ == "__main__":
    main()
