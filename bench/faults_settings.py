"""Settings of the fault run (bench/faults.py, tests/reliability/test_faults.py): the production settings with
a short outbox lease, so that the messages a SIGKILLed deliverer held are sent again within seconds instead
of after the default lease (CLAIM_SIZE × webhook timeout + 30 s = 80 s). Nothing else differs."""

from __future__ import annotations

import os

from yijianshi.settings import *  # noqa: F403 - the production settings, unchanged but for the lines below

OUTBOX_WEBHOOK_TIMEOUT = float(os.environ.get("FAULTS_WEBHOOK_TIMEOUT", "2"))
OUTBOX_LEASE_SECONDS = float(os.environ.get("FAULTS_LEASE_SECONDS", "12"))
