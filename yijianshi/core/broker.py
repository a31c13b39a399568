"""Handing work to the Celery broker (TASKS_MODE="celery") without letting a broker outage reach a request.

A publish to a broker that is down fails after the client's reconnect attempts, which take seconds; and a
failure raised after a transaction has committed would turn a request that did its work into a 500. So
`publish` tries once (the caller passes retry=False to the task), and after a failure leaves the broker alone
for QUIET_SECONDS (core/outage.py) — every caller in this process then hears at once that it cannot publish,
and does the work another way: the outbox leaves its rows for the periodic run, a notice is sent from this
process.
"""

from __future__ import annotations

from collections.abc import Callable

from kombu.exceptions import KombuError

from .outage import Quiet

QUIET_SECONDS = 30.0

BROKER = Quiet("the broker", QUIET_SECONDS)


def publish(send: Callable[[], object], *, what: str) -> bool:
    """Call `send` (one publish to the broker) unless the broker failed less than QUIET_SECONDS ago. True when
    the broker took it; False when it did not or was not tried — the caller then does the work another way."""
    if BROKER.down():
        return False
    try:
        send()
    except (KombuError, OSError):
        BROKER.failed(f"could not queue {what}")
        return False
    return True
