"""Reads of the access ledger: "who read my data, when, and for which application" (issue 4)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import LedgerEntry


def ledger_entries_for_subject(subject_id: str) -> QuerySet[LedgerEntry]:
    """Every read and verification about `subject_id` (the full identifier), newest first. Show the subject
    with `entry.subject_masked`; the actor is `actor_name` with `actor_role`, the reason `purpose_kind` and
    `purpose_reference`."""
    return LedgerEntry.objects.filter(subject_id=(subject_id or "").strip()).order_by("-seq")
