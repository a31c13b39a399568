"""A crash between the department system's receipt and our record of it (STYLE.md: a crash never loses nor
duplicates a message).

A separate process delivers one message and is killed with SIGKILL right after the receiver answered 200 and
before the row is marked delivered (the test-only fault point YIJIANSHI_FAULT=after_send in outbox.py), or right
after it claimed the row (after_claim). The row stays pending under the dead process's lease; nobody sends it
while the lease lasts; afterwards a second deliverer sends it again, the row ends delivered, and the receiver —
deduplicating on the Idempotency-Key — recorded the message exactly once.

The processes share the test database: on PostgreSQL the test database itself (hence transaction=True); on
SQLite a file database in tmp_path (the test database is in memory), migrated by the first process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from yijianshi.integrations.outbox import lease_seconds

from . import SECRET
from .receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
KEY = "YJS-20260302-0001:birth-registration:created"

SCRIPT = r"""
import json, os, sys
from datetime import timedelta

import django
django.setup()
from django.core.management import call_command
from django.db import transaction

from yijianshi.core import clock
from yijianshi.integrations.models import OutboxMessage
from yijianshi.integrations.outbox import outbox_deliver_due


def rows():
    return list(OutboxMessage.objects.values("idempotency_key", "status", "attempts", "claim_token"))


step = sys.argv[1]
if step == "setup-and-deliver":
    if os.environ.get("CRASH_TEST_MIGRATE") == "1":
        call_command("migrate", verbosity=0)
    from yijianshi.catalog.models import Department, Region
    from yijianshi.integrations.models import DepartmentIntegration
    from yijianshi.integrations.outbox import outbox_enqueue

    with transaction.atomic():
        region = Region.objects.create(code="140524", name="陵川县", level="county")
        department = Department.objects.create(region=region, code="gaj", name="陵川县公安局", kind="gaj")
        DepartmentIntegration.objects.create(department=department, mode="webhook", url=sys.argv[2],
                                             secret=sys.argv[3])
        outbox_enqueue(topic="item_case.created", department=department,
                       payload={"application": "YJS-20260302-0001", "item_case": 1}, idempotency_key=sys.argv[4])
    print(json.dumps({"counts": outbox_deliver_due(), "after": rows()}), flush=True)
elif step == "deliver":
    before = rows()
    with clock.frozen(clock.now() + timedelta(seconds=float(sys.argv[2]))):
        counts = outbox_deliver_due()
    print(json.dumps({"before": before, "counts": counts, "after": rows()}))
"""


def database_url(tmp_path: Path) -> tuple[str, bool]:
    """The URL another process uses to reach this test's database, and whether it must migrate it first."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}", False
    return f"sqlite:///{tmp_path / 'crash.sqlite3'}", True


class Process:
    def __init__(self, tmp_path: Path) -> None:
        url, self.migrate = database_url(tmp_path)
        self.env = {k: v for k, v in os.environ.items() if k != "YIJIANSHI_FAULT"}
        self.env.update(
            DJANGO_SETTINGS_MODULE="yijianshi.settings",
            DATABASE_URL=url,
            YIJIANSHI_DATA_DIR=str(tmp_path),
            YIJIANSHI_TASKS="inprocess",
            YIJIANSHI_OUTBOX_RUNNER="off",
            YIJIANSHI_LOG_LEVEL="WARNING",
        )

    def run(self, *args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(self.env, CRASH_TEST_MIGRATE="1" if self.migrate else "0")
        if fault:
            env["YIJIANSHI_FAULT"] = fault
        return subprocess.run(
            [sys.executable, "-c", SCRIPT, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ok(self, *args: str) -> dict[str, Any]:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["after_send", "after_claim"])
def test_a_deliverer_killed_mid_delivery_leaves_the_message_to_the_next_one_exactly_once(tmp_path, fault):
    with Receiver(secret=SECRET) as receiver:
        process = Process(tmp_path)

        # given: a process writes one message and dies at the fault point while delivering it
        crashed = process.run("setup-and-deliver", receiver.url, SECRET, KEY, fault=fault)
        assert crashed.returncode == -signal.SIGKILL, crashed.stderr
        assert crashed.stdout == ""  # it never got to report anything
        sent_before_the_crash = 1 if fault == "after_send" else 0
        assert len(receiver.attempts) == len(receiver.messages) == sent_before_the_crash

        # when: another deliverer runs while the dead one's lease lasts, nothing is sent
        during = process.ok("deliver", "1")
        [row] = during["before"]
        assert (row["status"], row["attempts"]) == ("pending", 1) and row["claim_token"]
        assert during["counts"] == {"delivered": 0, "retried": 0, "failed": 0}
        assert len(receiver.attempts) == sent_before_the_crash

        # when: it runs after the lease
        after = process.ok("deliver", str(lease_seconds() + 1))
        assert after["counts"] == {"delivered": 1, "retried": 0, "failed": 0}

        # then: delivered, and the department system holds the message once
        [row] = after["after"]
        assert (row["status"], row["attempts"], row["claim_token"]) == ("delivered", 2, "")
        assert list(receiver.messages) == [KEY]
        assert len(receiver.attempts) == sent_before_the_crash + 1
        assert receiver.duplicates[KEY] == sent_before_the_crash  # the redelivery was recognised as one
        assert receiver.messages[KEY]["payload"] == {"application": "YJS-20260302-0001", "item_case": 1}
