"""Handing work to the Celery broker (TASKS_MODE="celery") without letting a broker outage reach a request.

A publish to a broker that is down fails after the client's reconnect attempts, which take seconds; and a
failure raised after a transaction has committed would turn a request that did its work into a 500. So
`publish` tries once (the caller passes retry=False to the task), and after a failure leaves the broker alone
for QUIET_SECONDS — every caller in this process then hears at once that it cannot publish, and does the work
another way: the outbox leaves its rows for the periodic run, a notice is sent from this process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

QUIET_SECONDS = 30.0

_quiet_until = 0.0  # time.monotonic() before which the broker is not tried again (this process)


def publish(send: Callable[[], object], *, what: str) -> bool:
    """Call `send` (one publish to the broker) unless the broker failed less than QUIET_SECONDS ago. True when
    the broker took it; False when it did not or was not tried — the caller then does the work another way."""
    global _quiet_until
    if time.monotonic() < _quiet_until:
        return False
    try:
        send()
    except (KombuError, OSError):
        _quiet_until = time.monotonic() + QUIET_SECONDS
        logger.warning("broker: could not queue %s; not trying again for %.0f s", what, QUIET_SECONDS,
                       exc_info=True)
        return False
    return True
