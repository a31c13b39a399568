"""The one registry of periodic jobs (yijianshi/core/jobs.py) and its two readers: Celery beat's schedule
(yijianshi/celery.py) and the in-process runner (yijianshi/runner.py). Time is moved, never slept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.utils.module_loading import import_string
from hypothesis import given
from hypothesis import strategies as st

from yijianshi.celery import beat_schedule
from yijianshi.core import clock
from yijianshi.core.jobs import DailyAt, Every, Job, JobRegistry
from yijianshi.core.jobs import registry as project_jobs
from yijianshi.runner import POLL_SECONDS, JobRunner

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


class CountingTask:
    """Stands in for a Celery task: beat reads its `name`, the runner calls it."""

    def __init__(self, name: str, *, fails: int = 0) -> None:
        self.name, self.fails, self.runs = name, fails, 0

    def __call__(self) -> None:
        self.runs += 1
        if self.runs <= self.fails:
            raise RuntimeError("the database went away")


tick = CountingTask("tests.tick")
flaky = CountingTask("tests.flaky")


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    tick.runs = flaky.runs = 0
    flaky.fails = 0


HALF_A_MINUTE = Every(30)


def job(
    name: str = "tick",
    task: str = "tests.core.test_jobs.tick",
    schedule: Every | DailyAt = HALF_A_MINUTE,
    expires: float = 30,
) -> Job:
    return Job(name=name, task=task, schedule=schedule, expires=expires)


def registry_of(*jobs: Job) -> JobRegistry:
    registry = JobRegistry()
    for one in jobs:
        registry.register(one)
    return registry


# --- both readers of the registry -------------------------------------------------------------------------


def test_the_beat_schedule_and_the_runners_jobs_are_the_registry() -> None:
    schedule = beat_schedule()
    runs = JobRunner().jobs
    assert set(schedule) == {j.name for j in runs} == {j.name for j in project_jobs}
    for one in project_jobs:
        entry = schedule[one.name]
        assert entry["task"] == import_string(one.task).name  # beat sends the task the runner calls
        assert entry["options"] == {"expires": one.expires}
        if isinstance(one.schedule, Every):
            assert entry["schedule"] == one.schedule.seconds
        else:
            assert isinstance(entry["schedule"], crontab)
            assert (entry["schedule"].hour, entry["schedule"].minute) == (
                {one.schedule.hour},
                {one.schedule.minute},
            )


def test_each_part_registers_its_jobs() -> None:
    assert {(j.name, import_string(j.task).name, j.schedule, j.expires) for j in project_jobs} == {
        ("deliver-outbox", "integrations.deliver_outbox", Every(10), 10),
        ("sweep-deadlines", "cases.sweep_deadlines", Every(60), 60),
        ("licences-daily", "licenses.daily", DailyAt(8, 30), 6 * 3600),
        ("mandates-expire", "mandates.expire", DailyAt(0, 10), 6 * 3600),
    }


def test_the_finalized_celery_app_carries_the_beat_schedule() -> None:
    from yijianshi.celery import app

    app.finalize()  # what `celery beat` does once Django has started and every part has registered its jobs
    assert app.conf.beat_schedule == beat_schedule()


def test_a_fresh_registry_gives_a_schedule_of_its_own() -> None:
    assert beat_schedule(registry_of(job(schedule=Every(30), expires=20))) == {
        "tick": {"task": "tests.tick", "schedule": 30.0, "options": {"expires": 20}},
    }


# --- the runner -------------------------------------------------------------------------------------------


def test_the_runner_runs_a_registered_job_when_it_is_due() -> None:
    runner = JobRunner(registry_of(job()))
    with clock.frozen(T0):
        assert runner.run_due() == {"tick": True}  # never ran in this process: due at once
    with clock.frozen(T0 + timedelta(seconds=29)):
        assert runner.run_due() == {}
    with clock.frozen(T0 + timedelta(seconds=30)):
        assert runner.run_due() == {"tick": True}
    with clock.frozen(T0 + timedelta(seconds=31)):
        assert runner.run_due(woken={"tick"}) == {"tick": True}  # woken: at once
        assert runner.run_due(woken={"nobody"}) == {}
    assert tick.runs == 3


def test_a_job_registered_after_the_runner_started_is_picked_up() -> None:
    registry = registry_of(job())
    runner = JobRunner(registry)
    with clock.frozen(T0):
        runner.run_due()
        registry.register(job(name="flaky", task="tests.core.test_jobs.flaky"))
        assert runner.run_due() == {"flaky": True}


def test_a_failing_job_is_tried_again_after_a_backoff_and_does_not_stop_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    flaky.fails = 2
    runner = JobRunner(
        registry_of(
            job(name="flaky", task="tests.core.test_jobs.flaky", schedule=Every(1)), job(schedule=Every(1))
        )
    )
    with clock.frozen(T0):
        assert runner.run_due() == {"flaky": False, "tick": True}
    with clock.frozen(T0 + timedelta(seconds=POLL_SECONDS - 1)):
        assert runner.run_due() == {"tick": True}  # the failed one waits out its backoff
    with clock.frozen(T0 + timedelta(seconds=POLL_SECONDS)):
        assert runner.run_due() == {"flaky": False, "tick": True}
    with clock.frozen(
        T0 + timedelta(seconds=POLL_SECONDS + 2 * POLL_SECONDS)
    ):  # twice as long the second time
        assert runner.run_due() == {"flaky": True, "tick": True}
    with clock.frozen(T0 + timedelta(seconds=3 * POLL_SECONDS + 1)):
        assert runner.run_due() == {"flaky": True, "tick": True}  # succeeded: back on its schedule
    assert any(r.exc_info for r in caplog.records)


def test_a_job_whose_task_cannot_be_imported_is_a_failure_not_a_crash() -> None:
    runner = JobRunner(registry_of(job(name="gone", task="tests.core.test_jobs.nothing_here"), job()))
    with clock.frozen(T0):
        assert runner.run_due() == {"gone": False, "tick": True}


# --- the registry and the schedules -----------------------------------------------------------------------


def test_the_same_job_twice_is_harmless_another_under_its_name_is_refused() -> None:
    registry = registry_of(job())
    assert registry.register(job()) == job()
    with pytest.raises(ValueError, match="already registered"):
        registry.register(job(schedule=Every(5)))
    assert [j.schedule for j in registry] == [Every(30)] and len(registry) == 1 and "tick" in registry


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Job(name="", task="a.b", schedule=Every(1), expires=1),
        lambda: Job(name="x", task="nodots", schedule=Every(1), expires=1),
        lambda: Job(name="x", task="a.b", schedule=Every(1), expires=0),
        lambda: Every(0),
        lambda: DailyAt(24, 0),
        lambda: DailyAt(8, 60),
    ],
)
def test_a_malformed_job_is_refused(bad) -> None:
    with pytest.raises(ValueError):
        bad()


def beijing(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=clock.SHANGHAI)


def test_a_daily_job_runs_at_its_beijing_time_or_at_the_first_look_after_it() -> None:
    at = DailyAt(8, 30)
    assert not at.due(now=beijing(2, 8, 29), last=None)
    assert at.due(now=beijing(2, 8, 30), last=None)
    assert at.due(now=beijing(2, 23, 0), last=None)  # a process started late runs it at once
    assert not at.due(now=beijing(2, 23, 0), last=beijing(2, 8, 30))
    assert not at.due(now=beijing(3, 0, 5), last=beijing(2, 8, 30))  # midnight is not the time
    assert at.due(now=beijing(3, 8, 31), last=beijing(2, 23, 0))


looks = st.lists(st.integers(min_value=0, max_value=5 * 24 * 60), min_size=1, max_size=200).map(sorted)


@given(minutes=looks, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_a_daily_job_runs_once_on_each_day_the_runner_looks_after_its_time(
    minutes: list[int], hour: int, minute: int
) -> None:
    at, start, last, ran = DailyAt(hour, minute), beijing(1, 0), None, []
    for offset in minutes:
        now = start + timedelta(minutes=offset)
        if at.due(now=now, last=last):
            last = now
            ran.append(now)
    days_with_a_late_look = {
        (start + timedelta(minutes=m)).date()
        for m in minutes
        if (start + timedelta(minutes=m)).time() >= (start.replace(hour=hour, minute=minute)).time()
    }
    assert [r.date() for r in ran] == sorted(days_with_a_late_look)  # once a day, each such day
    assert all((r.hour, r.minute) >= (hour, minute) for r in ran)


@given(
    seconds=st.lists(st.integers(min_value=0, max_value=3600), min_size=1, max_size=200).map(sorted),
    period=st.integers(min_value=1, max_value=600),
)
def test_a_periodic_job_never_runs_twice_within_its_period(seconds: list[int], period: int) -> None:
    every, last, ran = Every(period), None, []
    for offset in seconds:
        now = T0 + timedelta(seconds=offset)
        if every.due(now=now, last=last):
            last = now
            ran.append(offset)
    assert ran[0] == seconds[0]
    assert all(b - a >= period for a, b in zip(ran, ran[1:], strict=False))
    assert all(
        s - ran[-1] < period for s in seconds if s > ran[-1]
    )  # the last look after the last run: not due
