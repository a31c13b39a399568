"""Benchmark of licence signing and verification (issue 4 point 6: "licence signing and verification per second").

Cases, on the canonical encoding of a demo marriage certificate (≈ 900 bytes of UTF-8 JSON):
  1. baseline: the SM3 digest of the canonical encoding alone (OpenSSL's SM3 through hashlib when present);
  2. sign: digest + SM2 signature (gmssl, pure Python; the nonce from `secrets`);
  3. verify: digest + SM2 verification (two scalar multiplications), the per-process memory of SM2 results
     cleared before each call; and the same again with the result remembered (what a licence in a wallet
     costs on its second and later waiver checks in one web process);
  4. key pair generation (once per department, for scale);
  and with --db, end to end through the services on a throwaway SQLite database:
  5. licence_issue (serial, identifier, digest, signature, two INSERTs, one transaction);
  6. licence_verify by identifier (lookup, re-digest, verify, status and dates).
Each operation is timed alone, one at a time, in one process; operations per second = 1000 / median ms.

    .venv/bin/python bench/licence_sign.py [--repeat N] [--db]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def sample_fields() -> dict[str, Any]:
    from yijianshi.licenses.identifiers import derived_issuer_code, licence_identifier
    from yijianshi.licenses.models import canonical_fields

    issuer = derived_issuer_code(region_code="140524", department_code="civil_affairs")
    spouse = {"国籍": "中国", "出生日期": "1994-03-15", "身份证件号": "140524199403150223"}
    return canonical_fields(
        identifier=licence_identifier(type_code="11100000000013127D001", issuer_code=issuer, serial=123456),
        type="11100000000013127D001",
        type_name="结婚证",
        holder="王芳",
        holder_id_type="111",
        holder_id="140524199403150223",
        issuer=issuer,
        issuer_name="陵川县民政部门",
        issue_date=date(2019, 10, 1),
        valid_from=date(2019, 10, 1),
        valid_to=None,
        version=1,
        surface={
            "持证人": "王芳",
            "登记日期": "2019-10-01",
            "结婚证字号": "J140524-2019-000123",
            "登记机关": "陵川县民政局",
            "男方": {**spouse, "姓名": "李强", "出生日期": "1992-07-08", "身份证件号": "14052419920708031X"},
            "女方": {**spouse, "姓名": "王芳"},
        },
    )


def crypto_cases(repeat: int) -> list[tuple[str, list[float]]]:
    from yijianshi.core import sm3
    from yijianshi.licenses import crypto

    fields = sample_fields()
    pair = crypto.generate_keypair()
    digest = crypto.digest_of(fields)
    signature = crypto.sign(digest, private_key=pair.private_key, public_key=pair.public_key)
    print(
        f"canonical encoding: {len(crypto.canonical_bytes(fields))} bytes; SM3 via "
        f"{'hashlib (OpenSSL)' if sm3.sm3_hex is sm3._sm3_openssl else 'gmssl (pure Python)'}"
    )
    return [
        (
            "baseline: SM3 digest of the canonical encoding",
            timed(lambda: crypto.digest_of(fields), repeat * 10),
        ),
        (
            "SM3 digest, gmssl pure Python (for reference)",
            timed(lambda: sm3.sm3_gmssl(crypto.canonical_bytes(fields)), repeat),
        ),
        (
            "sign: digest + SM2 signature",
            timed(
                lambda: crypto.sign(
                    crypto.digest_of(fields), private_key=pair.private_key, public_key=pair.public_key
                ),
                repeat,
            ),
        ),
        (
            "verify: digest + SM2 verification",
            timed(
                lambda: (
                    crypto._verified.cache_clear(),
                    crypto.verify(crypto.digest_of(fields), signature, pair.public_key),
                ),
                repeat,
            ),
        ),
        (
            "verify again: digest + the remembered SM2 result (per process)",
            timed(lambda: crypto.verify(crypto.digest_of(fields), signature, pair.public_key), repeat),
        ),
        ("SM2 key pair generation", timed(crypto.generate_keypair, max(10, repeat // 5))),
    ]


def db_cases(repeat: int) -> list[tuple[str, list[float]]]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yijianshi.catalog.models import Department, LicenceType, Region
    from yijianshi.core.actor import Actor
    from yijianshi.licenses.services import licence_issue, licence_verify

    region = Region.objects.create(code="140524", name="陵川县", level="county")
    civil = Department.objects.create(
        region=region, code="civil_affairs", name="民政部门", kind="civil_affairs"
    )
    LicenceType.objects.create(
        code="marriage_certificate",
        name="结婚证",
        issuer_kind="civil_affairs",
        type_code="11100000000013127D001",
    )
    surface = sample_fields()["surface"]
    issued: list[str] = []

    def issue() -> None:
        issued.append(
            licence_issue(
                licence_type="marriage_certificate",
                holder_name="王芳",
                holder_id="140524199403150223",
                holder_id_type="111",
                issuer=civil,
                surface=surface,
                valid_from=date(2019, 10, 1),
                valid_to=None,
                actor=Actor.system(),
            ).identifier
        )

    cases = [("licence_issue (service, SQLite)", timed(issue, repeat))]
    position = iter(range(10**9))

    def verify() -> None:
        result = licence_verify(identifier=issued[next(position) % len(issued)])
        assert result.ok, result.problems

    cases.append(("licence_verify by identifier (service, SQLite)", timed(verify, repeat)))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--db", action="store_true", help="also time the services on a throwaway SQLite database"
    )
    args = parser.parse_args()
    if args.db:  # a throwaway database and key folder, set before Django reads its settings
        folder = Path(tempfile.mkdtemp(prefix="yijianshi-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["YIJIANSHI_KEY_DIR"] = str(folder / "keys")
    import django

    django.setup()
    cases = crypto_cases(args.repeat)
    if args.db:
        cases += db_cases(args.repeat)
    base = statistics.median(cases[0][1])
    print(f"{'case':56} {'median ms':>10} {'p99 ms':>8} {'ops/s':>8} {'× baseline':>11}")
    for name, samples in cases:
        median = statistics.median(samples)
        print(f"{name:56} {median:10.3f} {p99(samples):8.3f} {1000 / median:8.1f} {median / base:11.0f}")


if __name__ == "__main__":
    main()
