"""Values read from the database and kept per process (the working-day calendar, catalogue lookups on the
submission path): until a model they come from is saved or deleted in this process — cleared at once, and
again when that transaction commits, so a reader in between cannot keep the old value — or, for the other
processes (web and task workers) and for writes that send no signals (`QuerySet.update`, `bulk_create`), for
at most `ttl()` seconds. A ttl of 0 turns the keeping off.

Tests clear every instance before each test (a rolled-back test transaction sends no signal):
`remembered_clear_all()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

V = TypeVar("V")

_instances: list[Remembered[Any]] = []


class Remembered(Generic[V]):
    def __init__(
        self,
        name: str,
        *,
        ttl: Callable[[], float],
        sources: Iterable[type[models.Model]],
        max_entries: int = 1024,
    ) -> None:
        self.name, self.ttl, self.max_entries = name, ttl, max_entries
        self._values: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        for signal in (post_save, post_delete):
            for model in sources:
                signal.connect(
                    self._changed,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"{name}.{signal is post_save}.{model._meta.label}",
                )
        _instances.append(self)

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The value kept for `key`, or `load()` (then kept) when there is none or it is older than ttl()."""
        ttl = self.ttl()
        if ttl > 0:
            with self._lock:
                hit = self._values.get(key)
            if hit is not None and time.monotonic() - hit[0] < ttl:
                return hit[1]
        value = load()
        if ttl > 0:
            with self._lock:
                if len(self._values) >= self.max_entries:
                    self._values.clear()
                self._values[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def _changed(self, **kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=kwargs.get("using"))


def remembered_clear_all() -> None:
    for instance in _instances:
        instance.clear()
