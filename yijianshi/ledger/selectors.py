"""Reads of the access ledger: "who read my data, when, and for which application" (issue 4)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LedgerEntry


def ledger_entries_for_subject(subject_id: str, *also: str) -> QuerySet[LedgerEntry]:
    """Every read and verification about `subject_id` (the full identifier) — and the other identifiers in
    `also`, e.g. a representative's enterprise — newest first. Show the subject with `entry.subject_masked`;
    the actor is `actor_name` with `actor_role`, the reason `purpose_kind` and `purpose_reference`."""
    subjects = [s.strip() for s in (subject_id, *also) if s and s.strip()]
    return LedgerEntry.objects.filter(subject_id__in=subjects).order_by("-seq")
