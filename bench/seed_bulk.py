"""Bulk synthetic applications in PostgreSQL, written with set operations, for measuring cost as the data
grows (issue 6, point 2; bench/scaling.py uses it between sizes).

What it writes, into a database already prepared by `yijianshi demo` (migrated, catalogue and demo accounts
loaded; nothing else is started):
  - applicant accounts `seed-0000000` … (auth_user + accounts_profile, role applicant, unusable password), one
    per `--per-applicant` applications, plus `seed-heavy`, who owns `--heavy` of the newest 9,000 (every
    150th: the "my applications" page of bench/scaling.py);
  - `--applications` rows of cases_application over every published bundle (the newborn bundle 140524-09
    takes `--newborn-share` of them, the others share the rest evenly) and the service points of its region,
    each with the bundle's own guide snapshot (the JSON the applicant was shown, ~15 kB, TOASTed as a real one
    is), sample form data, the required materials and an Idempotency-Key. Application i was submitted
    `--interval-seconds` × i before the first seeded one, so growing the database adds older history and
    keeps the newest weeks — the open work — the same; status follows age (submitted and deficient within
    hours, received within days, then completed, delivered, archived; a few withdrawn);
  - the item cases of every application taken in (cases_itemcase: one per item of its snapshot, with the
    item's department, deadlines, and a status consistent with the application's), the history rows
    (cases_caseevent: submitted, and received, fanned out, completed or withdrawn as the status implies) and
    the access-ledger rows of its prefill reads (ledger_ledgerentry, `--ledger-per-application`, seq after
    the current head; the hashes are filler, so `ledger verify` fails on a seeded database — it is a benchmark
    database). No documents (receipt PDFs) and no outbox messages: nothing measured reads them.

Rows go in batches of `--batch` applications, one transaction each, through INSERT … SELECT over
generate_series with a temporary table per batch; foreign-key triggers are skipped (session_replication_role
= replica) because every reference is taken from the catalogue or the batch itself. Running it again appends
the next `--applications` rows after those already seeded. It prints the time taken and the row counts.

    .venv/bin/python bench/seed_bulk.py --database-url postgres://postgres@127.0.0.1:5432/yijianshi_scale
        [--applications 1000000] [--per-applicant 20] [--heavy 60] [--newborn-share 0.4]
        [--ledger-per-application 6] [--interval-seconds 90] [--batch 100000] [--vacuum]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NEWBORN = "140524-09"
SEED_DIGEST = "bench-seed"  # request_digest of every seeded application (how a later run finds them)
HEAVY = "seed-heavy"
HEAVY_STRIDE = 150  # the heavy applicant owns application i for i % HEAVY_STRIDE == 0 (the newest ones)
LEDGER_SOURCES = ("population", "marriage", "household", "birth", "birth", "population")
TABLES = (
    "auth_user",
    "accounts_profile",
    "cases_application",
    "cases_itemcase",
    "cases_caseevent",
    "ledger_ledgerentry",
)


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _django(url: str) -> None:
    os.environ.setdefault("DATABASE_URL", url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
    import django
    from django.conf import settings

    django.setup()
    name = settings.DATABASES["default"]["NAME"]
    if name != url.rsplit("/", 1)[-1]:
        raise SystemExit(f"seed_bulk: Django is set up for database {name!r}, not {url!r}")


def templates(url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per published bundle (ids, its guide snapshot, sample form, materials, service points) and one
    per item of each (ref, item, department, requires, promised days) — what an application of it carries."""
    _django(url)
    from yijianshi.cases.guide import guide_compute
    from yijianshi.cases.samples import sample_form
    from yijianshi.catalog.models import Bundle, Department, Item, ServicePoint
    from yijianshi.catalog.selectors import current_version
    from yijianshi.core.actor import Actor

    bundles: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    ordered = sorted(Bundle.objects.select_related("region"), key=lambda b: (b.code != NEWBORN, b.code))
    for bundle in ordered:
        version = current_version(bundle)
        points = list(
            ServicePoint.objects.filter(region=bundle.region).order_by("pk").values_list("pk", flat=True)
        )
        if version is None or not points:
            continue
        computed = guide_compute(version=version, answers={}, actor=Actor.system())
        snapshot, guide_answers = computed.snapshot(), computed.answers
        try:
            form = sample_form(snapshot["form"])
        except ValueError:  # a pattern without a sample value: required fields only, or nothing
            try:
                form = sample_form(snapshot["form"], required_only=True)
            except ValueError:
                form = {}
        departments = dict(Department.objects.filter(region=bundle.region).values_list("code", "pk"))
        by_ref = dict(
            Item.objects.filter(region=bundle.region, ref__in=snapshot["included"]).values_list("ref", "pk")
        )
        k = len(bundles)
        specs = [s for s in snapshot["items"] if s["ref"] in by_ref and s["department"] in departments]
        if not specs:
            continue
        bundles.append(
            {
                "k": k,
                "bundle_id": bundle.pk,
                "version_id": version.pk,
                "version": version.number,
                "region_id": bundle.region_id,
                "region_code": bundle.region.code,
                "party_type": "enterprise" if bundle.subject == "enterprise" else "person",
                "snapshot": snapshot,
                "answers": guide_answers,
                "form": form,
                "points": points,
                "n_items": len(specs),
                "materials": sorted(
                    m["code"] for m in snapshot["materials"] if m["required"] and not m["waiver"]
                ),
            }
        )
        for pos, spec in enumerate(specs):
            items.append(
                {
                    "k": k,
                    "pos": pos,
                    "ref": spec["ref"],
                    "item_id": by_ref[spec["ref"]],
                    "name": spec["name"][:300],
                    "department_id": departments[spec["department"]],
                    "requires": list(spec["requires"]),
                    "days": int(spec["promised_limit_days"]),
                }
            )
    from django.db import connections

    connections.close_all()
    if not bundles or bundles[0]["snapshot"]["bundle"]["code"] != NEWBORN:
        raise SystemExit(f"seed_bulk: the catalogue has no published {NEWBORN}; run `yijianshi demo` first")
    return bundles, items


def _counts(conn: Any) -> dict[str, int]:
    # reltuples is an estimate; these are exact (a few seconds at a million applications)
    return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}


def _load_templates(conn: Any, bundles: list[dict[str, Any]], items: list[dict[str, Any]]) -> None:
    from psycopg.types.json import Jsonb

    conn.execute("""CREATE TEMP TABLE seed_bundle (k int PRIMARY KEY, bundle_id bigint, version_id bigint,
        version int, region_id bigint, region_code text, party_type text, snapshot jsonb, answers jsonb,
        form_data jsonb, materials jsonb, points bigint[], n_points int, n_items int)""")
    conn.execute("""CREATE TEMP TABLE seed_item (k int, pos int, ref text, item_id bigint, name text,
        department_id bigint, requires jsonb, days int, PRIMARY KEY (k, pos))""")
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO seed_bundle VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    b["k"],
                    b["bundle_id"],
                    b["version_id"],
                    b["version"],
                    b["region_id"],
                    b["region_code"],
                    b["party_type"],
                    Jsonb(b["snapshot"]),
                    Jsonb(b["answers"]),
                    Jsonb(b["form"]),
                    Jsonb(b["materials"]),
                    b["points"],
                    len(b["points"]),
                    b["n_items"],
                )
                for b in bundles
            ],
        )
        cur.executemany(
            "INSERT INTO seed_item VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    i["k"],
                    i["pos"],
                    i["ref"],
                    i["item_id"],
                    i["name"],
                    i["department_id"],
                    Jsonb(i["requires"]),
                    i["days"],
                )
                for i in items
            ],
        )
    conn.execute("ANALYZE seed_bundle")
    conn.execute("ANALYZE seed_item")


def _applicants(conn: Any, pool: int) -> None:
    """`pool` applicant accounts seed-0000000 … (and seed-heavy), created if missing; then the temporary
    table seed_applicant (n, user_id, username, id_number, name), n = -1 for seed-heavy."""
    conn.execute(
        """INSERT INTO auth_user (password, last_login, is_superuser, username, first_name,
            last_name, email, is_staff, is_active, date_joined)
        SELECT '!bench-seed', NULL, false, u, '', '', '', false, true, now()
        FROM (SELECT 'seed-' || lpad(n::text, 7, '0') AS u FROM generate_series(0, %s - 1) n
              UNION ALL SELECT %s) x
        WHERE NOT EXISTS (SELECT 1 FROM auth_user WHERE username = x.u)""",
        [pool, HEAVY],
    )
    conn.execute("""INSERT INTO accounts_profile (user_id, role, name, id_number, phone, email, party_type,
            enterprise_name, enterprise_uscc, department_id, service_point_id, is_department_head, large_type,
            high_contrast)
        SELECT u.id, 'applicant', '测试申请人' || u.id, '99' || lpad(u.id::text, 16, '0'),
               '138' || lpad((u.id % 100000000)::text, 8, '0'), '', 'person', '', '', NULL, NULL,
               false, false, false
        FROM auth_user u LEFT JOIN accounts_profile p ON p.user_id = u.id
        WHERE u.username LIKE 'seed-%' AND p.id IS NULL""")  # no parameters: a plain %
    conn.execute("DROP TABLE IF EXISTS seed_applicant")
    conn.execute(
        """CREATE TEMP TABLE seed_applicant AS
        SELECT CASE WHEN u.username = %s THEN -1 ELSE substr(u.username, 6)::int END AS n, u.id AS user_id,
               u.username, p.id_number, p.name
        FROM auth_user u JOIN accounts_profile p ON p.user_id = u.id
        WHERE u.username LIKE 'seed-%%'""",
        [HEAVY],
    )
    conn.execute("CREATE UNIQUE INDEX ON seed_applicant (n)")
    conn.execute("ANALYZE seed_applicant")


BATCH_SQL = """
CREATE TEMP TABLE seed_batch ON COMMIT DROP AS
WITH g AS MATERIALIZED (
    SELECT i, nextval(%(sequence)s) AS id,
           CASE WHEN random() < %(share)s THEN 0 ELSE 1 + floor(random() * (%(nb)s - 1))::int END AS k,
           %(start)s::timestamptz - make_interval(secs => (i - %(i0)s + random()) * %(step)s) AS at,
           random() AS r1, random() AS r2, random() AS r3
    FROM generate_series(%(lo)s, %(hi)s - 1) i
)
SELECT g.*, extract(epoch FROM now() - g.at) / 86400.0 AS age,
       CASE WHEN g.i %% %(stride)s = 0 AND g.i < %(stride)s * %(heavy)s THEN -1 ELSE g.i %% %(pool)s END AS n,
       CASE
         WHEN extract(epoch FROM now() - g.at) < 7200 THEN
              CASE WHEN g.r1 < 0.9 THEN 'submitted' ELSE 'deficient' END
         WHEN extract(epoch FROM now() - g.at) < 2 * 86400 THEN
              CASE WHEN g.r1 < 0.03 THEN 'deficient' WHEN g.r1 < 0.05 THEN 'withdrawn' ELSE 'received' END
         WHEN extract(epoch FROM now() - g.at) < 20 * 86400 THEN
              CASE WHEN g.r1 < 0.05 THEN 'withdrawn' WHEN g.r1 < 0.55 THEN 'received'
                   WHEN g.r1 < 0.85 THEN 'completed' ELSE 'delivered' END
         WHEN extract(epoch FROM now() - g.at) < 60 * 86400 THEN
              CASE WHEN g.r1 < 0.05 THEN 'withdrawn' WHEN g.r1 < 0.10 THEN 'received'
                   WHEN g.r1 < 0.20 THEN 'completed' WHEN g.r1 < 0.90 THEN 'delivered' ELSE 'archived' END
         ELSE CASE WHEN g.r1 < 0.04 THEN 'withdrawn' WHEN g.r1 < 0.07 THEN 'delivered' ELSE 'archived' END
       END AS status,
       CASE WHEN g.r2 < 0.70 THEN 'online' WHEN g.r2 < 0.90 THEN 'window' WHEN g.r2 < 0.98 THEN 'mobile'
            ELSE 'kiosk' END AS channel
FROM g;
"""

APPLICATION_SQL = """
INSERT INTO cases_application (id, number, bundle_version_id, bundle_id, region_id, snapshot, answers,
    form_data, materials_provided, tolerated, commitments, applicant_id, party_type, party_id, party_name,
    agent_id, authorisation, channel, service_point_id, status, version, idempotency_key, request_digest,
    submitted_at, intake_deadline, received_at, completed_at, delivered_at, archived_at, withdrawn_at,
    delivery_method, delivery_address, tracking_number, overdue, escalation_level, created_at)
SELECT s.id,
       'YJS' || b.region_code || to_char(s.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
             || lpad(s.id::text, 7, '0'),  -- as a submission numbers them (the allocation's id, moved past below)
       b.version_id, b.bundle_id, b.region_id, b.snapshot, b.answers, b.form_data, b.materials, '[]', '[]',
       a.user_id, b.party_type,
       CASE WHEN b.party_type = 'enterprise' THEN '91' || lpad(a.user_id::text, 16, '0') ELSE a.id_number END,
       CASE WHEN b.party_type = 'enterprise' THEN '测试企业' || a.user_id ELSE a.name END,
       NULL, '{}', s.channel, b.points[1 + floor(s.r3 * b.n_points)::int], s.status,
       CASE s.status WHEN 'submitted' THEN 1 WHEN 'deficient' THEN 2 WHEN 'withdrawn' THEN 2
                     WHEN 'received' THEN 2 WHEN 'completed' THEN 3 WHEN 'delivered' THEN 4 ELSE 5 END,
       md5('seed-key-' || s.i), %(digest)s, s.at, s.at + interval '2 hours',
       CASE WHEN s.status IN ('received', 'completed', 'delivered', 'archived')
            THEN s.at + interval '1 hour' END,
       CASE WHEN s.status IN ('completed', 'delivered', 'archived')
            THEN s.at + least(make_interval(secs => s.age * 86400 * 0.7), interval '12 days') END,
       CASE WHEN s.status IN ('delivered', 'archived')
            THEN s.at + least(make_interval(secs => s.age * 86400 * 0.8), interval '14 days') END,
       CASE WHEN s.status = 'archived' THEN s.at + least(make_interval(secs => s.age * 86400 * 0.9),
                                                        interval '45 days') END,
       CASE WHEN s.status = 'withdrawn' THEN s.at + make_interval(secs => least(s.age, 1) * 86400 * 0.5) END,
       CASE WHEN s.status IN ('delivered', 'archived')
            THEN (ARRAY['electronic', 'pickup', 'post'])[1 + floor(s.r2 * 3)::int] ELSE '' END,
       '', '', false, 0, s.at
FROM seed_batch s JOIN seed_bundle b ON b.k = s.k JOIN seed_applicant a ON a.n = s.n
"""

ITEM_CASE_SQL = """
INSERT INTO cases_itemcase (application_id, ref, item_id, name, department_id, position, requires, status,
    resume_status, version, promised_limit_days, accept_deadline, accepted_at, decide_deadline, paused_at,
    paused_workdays, decided_at, result, delivered_at, progress_note, overdue, escalation_level)
SELECT c.id, c.ref, c.item_id, c.name, c.department_id, c.pos, c.requires, c.cs,
       CASE WHEN c.cs = 'correction' THEN 'accepted' ELSE '' END,
       CASE c.cs WHEN 'pending_acceptance' THEN 1 WHEN 'rejected' THEN 2 WHEN 'accepted' THEN 2
                 WHEN 'pre_review' THEN 2 WHEN 'correction' THEN 3 WHEN 'delivered' THEN 4 ELSE 3 END,
       c.days, c.at + interval '1 day', c.accepted, c.accepted + make_interval(days => c.days),
       CASE WHEN c.cs = 'correction' THEN c.accepted + interval '1 day' END, 0,
       CASE WHEN c.cs IN ('approved', 'denied', 'delivered')
                 THEN c.accepted + make_interval(days => greatest(1, least(c.days, floor(c.age * 0.6)::int)))
            WHEN c.cs = 'rejected' THEN c.at + interval '4 hours' END,
       CASE WHEN c.cs IN ('approved', 'delivered') THEN jsonb_build_object('summary', '准予',
                 'number', 'SEED-' || c.id || '-' || c.pos) ELSE '{}'::jsonb END,
       CASE WHEN c.cs = 'delivered' THEN c.accepted + make_interval(days => greatest(1,
                 least(c.days, floor(c.age * 0.6)::int)) + 1) END,
       '', c.cs IN ('accepted', 'pre_review') AND c.accepted + make_interval(days => c.days) < now(), 0
FROM (
    SELECT q.*, CASE WHEN q.cs IN ('pending_acceptance', 'rejected') THEN NULL
                     ELSE q.at + interval '5 hours' END AS accepted
    FROM (
        SELECT p.*, CASE
            WHEN p.status = 'received' AND p.age < 0.5 THEN 'pending_acceptance'
            WHEN p.status = 'received' THEN CASE WHEN p.r < 0.05 THEN 'pending_acceptance'
                 WHEN p.r < 0.60 THEN 'accepted' WHEN p.r < 0.70 THEN 'pre_review'
                 WHEN p.r < 0.80 THEN 'correction' WHEN p.r < 0.97 THEN 'approved' ELSE 'denied' END
            WHEN p.status = 'completed' THEN CASE WHEN p.r < 0.95 THEN 'approved' ELSE 'denied' END
            ELSE CASE WHEN p.r < 0.95 THEN 'delivered' WHEN p.r < 0.98 THEN 'denied' ELSE 'rejected' END
          END AS cs
        FROM (  -- random() in this target list keeps the subquery from being flattened: one draw per row
            SELECT s.id, s.at, s.age, s.status, i.pos, i.ref, i.item_id, i.name, i.department_id, i.requires,
                   i.days, random() AS r
            FROM seed_batch s JOIN seed_item i ON i.k = s.k
            WHERE s.status IN ('received', 'completed', 'delivered', 'archived')
        ) p
    ) q
) c
"""

EVENT_SQL = """
INSERT INTO cases_caseevent (application_id, item_case_id, type, actor_id, actor_role, at, from_status,
    to_status, reason, data, document_id)
SELECT s.id, NULL, e.type, CASE WHEN e.type = 'submitted' THEN a.user_id ELSE e.actor END, e.role,
       s.at + e.after, e.from_status, e.to_status, '', e.data, NULL
FROM seed_batch s JOIN seed_applicant a ON a.n = s.n JOIN seed_bundle b ON b.k = s.k
CROSS JOIN LATERAL (VALUES
    (1, 'submitted', NULL::int, 'applicant', interval '0', '', 'submitted',
     jsonb_build_object('channel', s.channel, 'bundle_version', b.version, 'agent', false)),
    (2, 'received', %(clerk)s, 'clerk', interval '1 hour', 'submitted', 'received', '{}'::jsonb),
    (3, 'fanned_out', %(clerk)s, 'clerk', interval '1 hour', '', '',
     jsonb_build_object('item_cases', b.n_items)),
    (4, 'completed', NULL, 'system', interval '10 days', 'received', 'completed', '{}'::jsonb),
    (5, 'withdrawn', NULL, 'applicant', interval '30 minutes', 'submitted', 'withdrawn', '{}'::jsonb)
) AS e(step, type, actor, role, after, from_status, to_status, data)
WHERE e.step = 1
   OR (e.step IN (2, 3) AND s.status IN ('received', 'completed', 'delivered', 'archived'))
   OR (e.step = 4 AND s.status IN ('completed', 'delivered', 'archived'))
   OR (e.step = 5 AND s.status = 'withdrawn')
"""

LEDGER_SQL = """
INSERT INTO ledger_ledgerentry (seq, at, actor_id, actor_name, actor_role, subject_id, source, purpose_kind,
    purpose_reference, fields, mode, outcome, detail, prev_hash, hash)
SELECT %(seq0)s + (s.i - %(lo)s) * %(per)s + j, s.at - interval '1 second', a.user_id, a.username,
       'applicant', ap.party_id, (%(sources)s::text[])[1 + j %% cardinality(%(sources)s::text[])],
       'application', ap.number,
       '["seeded"]', 'query', 'ok', '', md5('p' || s.i || '-' || j) || md5('q' || s.i || '-' || j),
       md5('h' || s.i || '-' || j) || md5('k' || s.i || '-' || j)
FROM seed_batch s JOIN seed_applicant a ON a.n = s.n JOIN cases_application ap ON ap.id = s.id
CROSS JOIN generate_series(0, %(per)s - 1) j
"""


def seed(
    url: str,
    applications: int,
    *,
    per_applicant: int = 20,
    heavy: int = 60,
    newborn_share: float = 0.4,
    ledger_per_application: int = 6,
    interval_seconds: float = 90.0,
    batch: int = 100_000,
    vacuum: bool = False,
    quiet: bool = False,
    random_seed: float = 0.42,
) -> dict[str, Any]:
    """Append `applications` seeded applications (and their item cases, history, ledger rows) to the database
    at `url`. Returns timings and row counts (before and after)."""
    import psycopg

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    t_start = time.perf_counter()
    bundles, items = templates(url)
    t_templates = time.perf_counter() - t_start
    with psycopg.connect(_dsn(url), autocommit=True) as conn:
        before = _counts(conn)
        done, oldest = conn.execute(
            "SELECT count(*), min(submitted_at) FROM cases_application WHERE request_digest = %s",
            [SEED_DIGEST],
        ).fetchone()
        done = int(done)
        # the first seeded row sits an hour before now; a later run continues the same clock backwards from
        # the oldest seeded row: row i (i >= i0) at start - (i - i0) × interval (plus up to one interval)
        i0 = done
        start = (
            oldest if oldest is not None else conn.execute("SELECT now() - interval '1 hour'").fetchone()[0]
        )
        total = done + applications
        pool = max(1, math.ceil(total / max(1, per_applicant)))
        clerk_row = conn.execute("SELECT id FROM auth_user WHERE username = 'clerk'").fetchone()
        clerk = clerk_row[0] if clerk_row else None
        conn.execute("SET session_replication_role = replica")  # no FK triggers: references are built right
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '64MB'")
        conn.execute("SELECT setseed(%s)", [(random_seed + done % 1000 / 1000) % 1])  # another draw per run
        _load_templates(conn, bundles, items)
        t0 = time.perf_counter()
        with conn.transaction():
            _applicants(conn, pool)
        t_accounts = time.perf_counter() - t0
        say(
            f"seed: {len(bundles)} bundles ({len(items)} items), {pool} seeded applicants (+{HEAVY}); "
            f"appending {applications:,} applications after {done:,} (templates {t_templates:.1f} s, "
            f"accounts {t_accounts:.1f} s)"
        )
        seq0 = int(conn.execute("SELECT coalesce(max(seq), 0) FROM ledger_ledgerentry").fetchone()[0]) + 1
        sequence = conn.execute("SELECT pg_get_serial_sequence('cases_application', 'id')").fetchone()[0]
        phases = {"applications": 0.0, "item_cases": 0.0, "events": 0.0, "ledger": 0.0}
        t_rows = time.perf_counter()
        for lo in range(done, total, batch):
            hi = min(total, lo + batch)
            params = {
                "share": newborn_share,
                "nb": len(bundles),
                "start": start,
                "i0": i0,
                "step": interval_seconds,
                "lo": lo,
                "hi": hi,
                "stride": HEAVY_STRIDE,
                "heavy": heavy,
                "pool": pool,
                "digest": SEED_DIGEST,
                "clerk": clerk,
                "per": ledger_per_application,
                "sequence": sequence,
                "seq0": seq0 + (lo - done) * ledger_per_application,
                "sources": list(LEDGER_SOURCES),
            }
            with conn.transaction():
                conn.execute(BATCH_SQL, params)
                for phase, sql in (
                    ("applications", APPLICATION_SQL),
                    ("item_cases", ITEM_CASE_SQL),
                    ("events", EVENT_SQL),
                    ("ledger", LEDGER_SQL),
                ):
                    if phase == "ledger" and ledger_per_application <= 0:
                        continue
                    t1 = time.perf_counter()
                    conn.execute(sql, params)
                    phases[phase] += time.perf_counter() - t1
                # a live submission takes its number's digits from cases_numberallocation: start after these
                conn.execute(
                    "SELECT setval(pg_get_serial_sequence('cases_numberallocation', 'id'), "
                    "GREATEST((SELECT max(id) FROM cases_application), 1))"
                )
            elapsed = time.perf_counter() - t_rows
            say(f"  {hi:>9,} applications  {elapsed:7.1f} s  ({(hi - done) / elapsed:,.0f}/s)")
        rows_s = time.perf_counter() - t_rows
        t_vac = 0.0
        if vacuum:
            t1 = time.perf_counter()
            for table in TABLES:
                conn.execute(f"VACUUM (ANALYZE) {table}")
            t_vac = time.perf_counter() - t1
        after = _counts(conn)
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    total_s = time.perf_counter() - t_start
    result = {
        "appended": applications,
        "total_seeded": total,
        "applicants": pool + 1,
        "seconds": total_s,
        "rows_seconds": rows_s,
        "per_second": applications / rows_s if rows_s else 0.0,
        "phases": phases,
        "vacuum_seconds": t_vac,
        "before": before,
        "after": after,
        "database_bytes": size,
    }
    say(
        f"seed: {applications:,} applications in {rows_s:.1f} s ({result['per_second']:,.0f}/s; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
        + (f"; VACUUM ANALYZE {t_vac:.1f} s" if vacuum else "")
        + f"), {total_s:.1f} s in all; "
        f"database {size / 2**30:.2f} GiB"
    )
    say("| table | rows before | rows after | added |")
    say("| --- | ---: | ---: | ---: |")
    for t in TABLES:
        say(f"| {t} | {before[t]:,} | {after[t]:,} | {after[t] - before[t]:,} |")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/yijianshi_scale")
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--per-applicant", type=int, default=20)
    parser.add_argument("--heavy", type=int, default=60)
    parser.add_argument("--newborn-share", type=float, default=0.4)
    parser.add_argument("--ledger-per-application", type=int, default=6)
    parser.add_argument("--interval-seconds", type=float, default=90.0)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--vacuum", action="store_true", help="VACUUM (ANALYZE) the tables written, after")
    args = parser.parse_args()
    seed(
        args.database_url,
        args.applications,
        per_applicant=args.per_applicant,
        heavy=args.heavy,
        newborn_share=args.newborn_share,
        ledger_per_application=args.ledger_per_application,
        interval_seconds=args.interval_seconds,
        batch=args.batch,
        vacuum=args.vacuum,
    )


if __name__ == "__main__":
    main()
