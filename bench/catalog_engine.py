"""Benchmark of the bundle engine (issue: catalogue and bundle engine).

Cases:
  1. every bundle of every region shipped: form, materials, schedule and figures (one `engine.compute`);
  2. the same from a published version's JSON snapshot (decode + compute), as the web pages do;
  3. a synthetic bundle of 50 items and 1,000 distinct fields (and 200 materials, a layered DAG).
Baseline, in the same process: one plain pass over the same input that touches every field and material
once (the floor any computation must pay). The ratio says how many such passes the engine costs.

    .venv/bin/python bench/catalog_engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yijianshi.catalog import engine  # noqa: E402
from yijianshi.catalog.engine.serialize import bundle_from_dict, bundle_to_dict  # noqa: E402
from yijianshi.catalog.packs import read_packs  # noqa: E402


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


def baseline(bundles: list[engine.BundleDef]) -> Callable[[], object]:
    def run() -> int:
        n = 0
        for b in bundles:
            for it in b.items:
                for f in it.fields:
                    n += len(f.key)
                for m in it.materials:
                    n += len(m.code)
        return n

    return run


def synthetic(items: int = 50, fields: int = 1000, materials: int = 200, seed: int = 7) -> engine.BundleDef:
    rng = random.Random(seed)
    keys = [f"s{i // 100}.f{i}" for i in range(fields)]
    types = ["string", "date", "id_number", "phone", "number"]
    specs = [
        engine.FieldSpec(
            key=k,
            label_zh=k,
            label_en=k,
            type=types[i % 5],
            required=i % 3 != 0,
            source="population" if i % 2 else None,
        )
        for i, k in enumerate(keys)
    ]
    per_item = [specs[i::items] for i in range(items)]  # each key belongs to one item first …
    defs = []
    for i in range(items):
        extra = rng.sample(specs, 20)  # … and 20 more per item overlap with others
        own = {s.key: s for s in [*per_item[i], *extra]}
        mats = tuple(
            engine.MaterialSpec(
                code=f"m{j}",
                name=f"m{j}",
                licence="lic" if j % 4 == 0 else None,
                data_check="population" if j % 4 == 1 else None,
            )
            for j in rng.sample(range(materials), 8)
        )
        legal = rng.randint(5, 60)
        defs.append(
            engine.ItemDef(
                ref=f"i{i}",
                name=f"item {i}",
                department="d",
                legal_limit_days=legal,
                promised_limit_days=rng.randint(1, legal),
                fields=tuple(own.values()),
                materials=mats,
            )
        )
    deps = tuple((f"i{j}", f"i{k}") for j in range(1, items) for k in rng.sample(range(j), min(j, 2)))
    return engine.BundleDef(code="SYN-50", name="synthetic", items=tuple(defs), dependencies=deps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    cat = read_packs()
    shipped = [cat.bundle_def(region, raw) for region, raw in cat.bundles()]
    snapshots = [json.dumps(bundle_to_dict(b)) for b in shipped]
    syn = synthetic()
    assert len({f.key for it in syn.items for f in it.fields}) == 1000

    cases: list[tuple[str, Callable[[], object], Callable[[], object], int]] = [
        (
            f"all {len(shipped)} shipped bundles, compute",
            lambda: [engine.compute(b) for b in shipped],
            baseline(shipped),
            args.repeat,
        ),
        (
            f"all {len(shipped)} shipped bundles, from JSON snapshot",
            lambda: [engine.compute(bundle_from_dict(json.loads(s))) for s in snapshots],
            baseline(shipped),
            args.repeat,
        ),
        (
            "synthetic 50 items / 1,000 fields, compute",
            lambda: engine.compute(syn),
            baseline([syn]),
            args.repeat,
        ),
    ]
    print(
        f"python {sys.version.split()[0]}, {len(shipped)} bundles, "
        f"{sum(len(b.items) for b in shipped)} bundle items, repeat {args.repeat}"
    )
    print(f"{'case':<48} {'median ms':>10} {'p99 ms':>9} {'baseline ms':>12} {'ratio':>7}")
    for name, fn, base, repeat in cases:
        s = timed(fn, repeat)
        b = timed(base, repeat)
        print(
            f"{name:<48} {statistics.median(s):>10.3f} {p99(s):>9.3f} {statistics.median(b):>12.4f} "
            f"{statistics.median(s) / statistics.median(b):>7.1f}"
        )
    per = timed(lambda: [engine.compute(b) for b in shipped], 50)
    print(f"per bundle (median over the shipped set): {statistics.median(per) / len(shipped) * 1000:.1f} µs")


if __name__ == "__main__":
    main()
