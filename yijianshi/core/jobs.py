"""One list of the periodic jobs, read by both ways of running them (issue 16, point 1; docs/adr/0009).

Each part registers its jobs in its ``AppConfig.ready()``:

- integrations: the outbox delivery every 10 s — a safety net: a commit that wrote messages wakes the delivery
  at once; this run picks up retries whose backoff has passed and messages a dead process left behind;
- cases: the deadline sweep every minute (overdue cases and escalation, 004 annex 3 time limits);
- licences: the daily run at 08:30 Beijing time (expiry, then renewal reminders: 无感续证).

Two consumers read this registry, so they cannot drift apart: Celery beat in the scale-out shape
(yijianshi/celery.py builds ``beat_schedule`` from it) and the in-process runner in the embedded default
(yijianshi/runner.py). A job names the Celery task that does the work by its dotted path: beat sends it by its
task name, the runner calls it in its own process.

Every job must be safe to run twice at once and to run late: each web process runs its own runner, Celery
redelivers a task whose worker died, and a second beat started by mistake sends everything twice
(docs/scale-out.md). A daily job
runs at its time or, when the process was not running then, at the first look after it (so a runner started at
10:00 runs the 08:30 job at once; it is idempotent).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from . import clock


@dataclass(frozen=True)
class Every:
    """Every `seconds`, the first time as soon as the runner looks."""

    seconds: float

    def __post_init__(self) -> None:
        if not self.seconds > 0:
            raise ValueError(f"a period must be positive, not {self.seconds!r}")

    def due(self, *, now: datetime, last: datetime | None) -> bool:
        """Is a run due at `now`, the last one having started at `last` (None: never, in this process)? A clock
        set back makes it due rather than silent for the difference."""
        return last is None or now < last or (now - last).total_seconds() >= self.seconds


@dataclass(frozen=True)
class DailyAt:
    """Once a day at `hour`:`minute` Beijing time (Asia/Shanghai; CELERY_TIMEZONE for beat)."""

    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.hour < 24 and 0 <= self.minute < 60):
            raise ValueError(f"not a time of day: {self.hour}:{self.minute}")

    def due(self, *, now: datetime, last: datetime | None) -> bool:
        """Is a run due at `now`: today's time has come and no run started since it?"""
        local = clock.local(now)
        slot = local.replace(hour=self.hour, minute=self.minute, second=0, microsecond=0)
        return local >= slot and (last is None or clock.local(last) < slot)


Schedule = Every | DailyAt


@dataclass(frozen=True)
class Job:
    """A periodic job: the Celery task that does the work, when it runs, and how long a queued run may wait."""

    name: str  # the beat entry's key and what `runner.wake` is given, e.g. "sweep-deadlines"
    task: str  # the dotted path of the Celery task, e.g. "yijianshi.cases.tasks.sweep_deadlines"
    schedule: Schedule
    expires: float  # seconds: a run still queued after this is dropped (the next one supersedes it)

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a job needs a name")
        if "." not in self.task:
            raise ValueError(f"job {self.name}: the task must be a dotted path, not {self.task!r}")
        if not self.expires > 0:
            raise ValueError(f"job {self.name}: the expiry must be positive, not {self.expires!r}")


class JobRegistry:
    """The periodic jobs by name, in the order registered."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def register(self, job: Job) -> Job:
        """Add `job`. The same job again is harmless; another job under a name already taken is refused."""
        known = self._jobs.get(job.name)
        if known is not None and known != job:
            raise ValueError(f"job {job.name!r} is already registered: {known}")
        self._jobs[job.name] = job
        return job

    def get(self, name: str) -> Job:
        return self._jobs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._jobs

    def __iter__(self) -> Iterator[Job]:
        return iter(list(self._jobs.values()))  # a copy: a part may register while a runner reads

    def __len__(self) -> int:
        return len(self._jobs)


registry = JobRegistry()
