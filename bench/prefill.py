"""Benchmark of prefilling the newborn form (新生儿出生一件事, 陵川县 140524-09) for one applicant from the
local sources (issue 4: "prefilling the newborn form for one applicant from local sources (median and p99)").

Set-up, in a database of its own (a temporary SQLite file unless --database-url names another, e.g. a
throwaway PostgreSQL database): migrate, load the newborn bundle, create the demo accounts, seed the local
sources with `--persons` synthetic persons (timed: the seed row of the table).

Cases, each `--repeat` times after a warm-up, alternating with its baseline:
  1. `datahub.services.prefill` for the demo mother: the form's 27 keys routed to 4 sources, 5 reads (population,
     marriage, household, the birth lookup, the birth record), each through the breaker and appended to the
     access ledger (SM3 chain);
  2. the same for a random seeded mother (a different subject every run, so no page stays hot);
Baseline, in the same run: the same 5 reads as plain ORM lookups (`SourceRecord` by source and subject, one
`SourceLink` lookup), without the service layer: no routing, no breaker, no ledger. The ratio says what the
service layer — mostly the ledger append — costs per prefill.

    .venv/bin/python bench/prefill.py [--repeat 300] [--persons 3000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed_pair(
    fn: Callable[[], object], base: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Time `fn` and `base` alternately, so both see the same machine (other work, caches, checkpoints)."""
    fn()
    base()  # warm up
    samples: list[float] = []
    base_samples: list[float] = []
    for _ in range(repeat):
        for f, out in ((fn, samples), (base, base_samples)):
            t0 = time.perf_counter()
            f()
            out.append((time.perf_counter() - t0) * 1000)
    return samples, base_samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="yjs-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # demo accounts, fast
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import User

    from yijianshi.accounts.demo import MOTHER_ID, create_demo_accounts
    from yijianshi.accounts.roles import actor_of
    from yijianshi.catalog.engine import compute
    from yijianshi.catalog.packs import read_packs
    from yijianshi.catalog.services import catalog_load
    from yijianshi.core.actor import Actor
    from yijianshi.datahub.demo import demo_data_seed
    from yijianshi.datahub.models import SourceLink, SourceRecord
    from yijianshi.datahub.services import prefill
    from yijianshi.ledger.models import LedgerEntry
    from yijianshi.ledger.services import Purpose, ledger_append

    cat = read_packs()
    region, bundle = next((r, b) for r, b in cat.bundles() if b["code"] == "140524-09")
    keys = [(f.key, f.spec.source) for f in compute(cat.bundle_def(region, bundle)).form.fields]
    pack = cat.regions[region]
    pack["bundles"], pack["delegations"] = [bundle], []
    cat.regions = {region: pack}
    catalog_load(catalogue=cat, actor=Actor.system())
    create_demo_accounts()
    seed_started = time.perf_counter()
    summary = demo_data_seed(persons=args.persons, enterprises=max(1, args.persons // 10), seed=1)
    seed_ms = (time.perf_counter() - seed_started) * 1000

    mother = User.objects.get(username="mother")
    clerk = User.objects.get(username="clerk")
    purpose = Purpose(kind="prefill", reference="BENCH")
    mothers = list(SourceLink.objects.filter(role="mother").values_list("party_id", flat=True).distinct())
    rng = random.Random(1)
    check = prefill(form_keys=keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(mother))
    assert check.values["father.id_number"].value and not check.failures
    ledger_before = LedgerEntry.objects.count()

    def service_demo() -> object:
        return prefill(form_keys=keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(mother))

    def service_random() -> object:
        return prefill(
            form_keys=keys, applicant_id=rng.choice(mothers), purpose=purpose, actor=actor_of(clerk)
        )

    ids = dict(SourceRecord.objects.filter(subject_id=MOTHER_ID).values_list("source__code", "source_id"))
    birth_id = SourceRecord.objects.filter(source__code="birth").values_list("source_id", flat=True).first()

    def baseline(subject: str) -> Callable[[], object]:
        def run() -> object:
            out = [
                next(
                    iter(
                        SourceRecord.objects.filter(source_id=ids[code], subject_id=subject).values_list(
                            "data", flat=True
                        )[:1]
                    ),
                    None,
                )
                for code in ("population", "marriage", "household")
            ]
            child = (
                SourceLink.objects.filter(source_id=birth_id, role="mother", party_id=subject)
                .order_by("-record__effective_date", "-record_id")
                .values_list("record__subject_id", flat=True)
                .first()
            )
            out.append(
                next(
                    iter(
                        SourceRecord.objects.filter(source_id=birth_id, subject_id=child).values_list(
                            "data", flat=True
                        )[:1]
                    ),
                    None,
                )
            )
            return out

        return run

    def baseline_random() -> object:
        return baseline(rng.choice(mothers))()

    rows = []
    for label, fn, base in (
        (
            "prefill, demo mother (27 keys, 4 sources, 5 reads + 5 ledger rows)",
            service_demo,
            baseline(MOTHER_ID),
        ),
        ("prefill, a random seeded mother each run", service_random, baseline_random),
    ):
        samples, base_samples = timed_pair(fn, base, args.repeat)
        rows.append(
            (
                label,
                statistics.median(samples),
                p99(samples),
                statistics.median(base_samples),
                p99(base_samples),
            )
        )
    appended = LedgerEntry.objects.count() - ledger_before
    append_samples = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ledger_append(
            actor=actor_of(mother),
            subject_id=MOTHER_ID,
            source="population",
            purpose=purpose,
            fields=["person.name"],
            mode="query",
            outcome="ok",
        )
        append_samples.append((time.perf_counter() - t0) * 1000)

    print(
        f"\nprefill benchmark — {connection.vendor}, {summary.persons} persons / {summary.total} records, "
        f"{args.repeat} runs per case, Python {sys.version.split()[0]}\n"
    )
    print("| case | median ms | p99 ms | baseline median ms | baseline p99 ms | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, med, top, bmed, btop in rows:
        print(f"| {label} | {med:.2f} | {top:.2f} | {bmed:.3f} | {btop:.3f} | {med / bmed:.1f} |")
    print(
        f"\nseeding {summary.persons} persons and {summary.enterprises} enterprises ({summary.total} records, "
        f"{summary.links} links): {seed_ms:.0f} ms; ledger rows appended by the runs: {appended}"
    )
    print(
        f"one ledger append alone (committed, outside a transaction): median {statistics.median(append_samples):.2f}"
        f" ms, p99 {p99(append_samples):.2f} ms"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
