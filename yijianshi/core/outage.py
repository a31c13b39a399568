"""A dependency that just failed — the broker, the shared cache — is left alone for a while by this process.

Trying it again on every request would cost each one the client's reconnect attempts (seconds when a server is
down); instead the first failure is logged and, for `seconds`, `down()` says so at once and the caller does its
work another way (core/broker.py, accounts/services.py). After that the next call tries again.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


class Quiet:
    def __init__(self, name: str, seconds: float = 30.0) -> None:
        self.name, self.seconds = name, seconds
        self._until = 0.0  # time.monotonic() before which it is not tried again

    def down(self) -> bool:
        return time.monotonic() < self._until

    def failed(self, what: str) -> None:
        """Record a failure (call it from the `except` block: the exception is logged with it)."""
        self._until = time.monotonic() + self.seconds
        logger.warning("%s: %s; not trying again for %.0f s", self.name, what, self.seconds, exc_info=True)

    def reset(self) -> None:
        self._until = 0.0
