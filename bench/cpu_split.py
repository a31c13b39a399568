"""Where a machine's CPU goes during a benchmark window: the user + system time of every process, from /proc
(Linux), grouped as the production shape's components — the web processes, the task worker, PostgreSQL's
backends, Redis, the benchmark's clients, everything else.

    before = snapshot(); ...; after = snapshot()
    for name, seconds in split(before, after, roots={"web": gunicorn.pid, "worker": celery.pid}): ...

A process belongs to a root's group when the root is among its ancestors; PostgreSQL's backends are the
processes whose command line starts with "postgres:" (every database of the server: run one benchmark at a
time). Used by bench/http_submit.py to print the CPU milliseconds each component spends per submission.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Proc:
    ppid: int
    cpu_s: float  # user + system, seconds since the process started
    command: str


def snapshot() -> dict[int, Proc]:
    """Every process's parent, CPU time and command line, now."""
    found: dict[int, Proc] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, … utime (12th), stime
        found[int(entry.name)] = Proc(
            ppid=int(fields[1]), cpu_s=(int(fields[11]) + int(fields[12])) / TICKS, command=command
        )
    return found


def _group(pid: int, procs: dict[int, Proc], roots: dict[str, int]) -> str:
    command = procs[pid].command
    if command.startswith("postgres:") or "/postgres " in command:
        return "postgresql"
    if command.startswith("redis-server") or "/redis-server" in command:
        return "redis"
    by_pid = {p: name for name, p in roots.items()}
    seen, current = 0, pid
    while current in procs and seen < 64:  # walk up to a root
        if current in by_pid:
            return by_pid[current]
        current, seen = procs[current].ppid, seen + 1
    return "other"


def split(before: dict[int, Proc], after: dict[int, Proc], roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds spent between the snapshots by each group (the roots' names, "postgresql", "redis",
    "other"); a process that started meanwhile counts from zero, one that ended is not counted."""
    spent: dict[str, float] = {}
    for pid, proc in after.items():
        earlier = before.get(pid)
        base = earlier.cpu_s if earlier is not None and earlier.command == proc.command else 0.0
        name = _group(pid, after, roots)
        spent[name] = spent.get(name, 0.0) + max(0.0, proc.cpu_s - base)
    return spent
