"""Unusual patterns of staff access to shared data, for the auditor (issue 17 point 3: purpose-bound staff
access; 001 §15: every use traceable). Read from the access ledger and the applications, never written.

Two patterns, each with a threshold an administrator sets (settings, from the environment):

- files opened without an application: a clerk whose counter intakes read the shared data of more people in
  one Beijing day than they then filed applications for (AUDIT_OPENED_WITHOUT_APPLICATION, default 5): a
  counter intake that is started and cancelled reads a person's file for nothing;
- reads outside office hours: staff reads on a non-working day or outside AUDIT_OFFICE_HOURS (default
  08:00–18:00, Beijing time) — each one listed.

What is shown masks the subjects' identifiers (standing rule 4).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Q

from yijianshi.core import clock
from yijianshi.core.calendar import work_calendar
from yijianshi.core.identifiers import mask
from yijianshi.ledger.models import LedgerEntry

from .models import Application

STAFF_ROLES = ("clerk", "officer", "admin", "auditor")


@dataclass(frozen=True)
class Finding:
    kind: str  # "opened_without_application" | "outside_office_hours"
    actor_name: str
    actor_role: str
    day: date
    count: int
    detail: str  # masked subjects, or the time of the read

    @property
    def labels(self) -> tuple[str, str]:
        return {
            "opened_without_application": ("查询个人数据而未提交申请", "files opened without an application"),
            "outside_office_hours": ("工作时间以外查询", "reads outside office hours"),
        }[self.kind]


def _office_hours() -> tuple[time, time]:
    start, _, end = str(getattr(settings, "AUDIT_OFFICE_HOURS", "08:00-18:00")).partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def unusual_access(*, since: datetime, until: datetime) -> list[Finding]:
    """The findings in [since, until), newest day first."""
    threshold = int(getattr(settings, "AUDIT_OPENED_WITHOUT_APPLICATION", 5))
    opening, closing = _office_hours()
    calendar = work_calendar()
    reads = (
        LedgerEntry.objects.filter(at__gte=since, at__lt=until, actor_role__in=STAFF_ROLES)
        .only("at", "actor_id", "actor_name", "actor_role", "subject_id", "purpose_kind")
        .order_by("at")
    )
    opened: dict[tuple[int | None, str, date], set[str]] = defaultdict(set)
    findings: list[Finding] = []
    for entry in reads:
        local = clock.local(entry.at)
        if entry.purpose_kind == "intake" and entry.actor_role == "clerk":
            opened[(entry.actor_id, entry.actor_name, local.date())].add(entry.subject_id)
        if not calendar.is_workday(local.date()) or not opening <= local.time() < closing:
            findings.append(
                Finding(
                    "outside_office_hours",
                    entry.actor_name,
                    entry.actor_role,
                    local.date(),
                    1,
                    f"{local:%H:%M} · {mask(entry.subject_id)}",
                )
            )
    for (actor_id, name, day), subjects in opened.items():
        filed = set(
            Application.objects.filter(
                Q(agent_id=actor_id), party_id__in=subjects, submitted_at__date__gte=day
            ).values_list("party_id", flat=True)
        )
        unfiled = subjects - filed
        if len(unfiled) > threshold:
            findings.append(
                Finding(
                    "opened_without_application",
                    name,
                    "clerk",
                    day,
                    len(unfiled),
                    "、".join(sorted(mask(s) for s in unfiled))[:300],
                )
            )
    return sorted(findings, key=lambda f: (f.day, f.kind, f.actor_name), reverse=True)
