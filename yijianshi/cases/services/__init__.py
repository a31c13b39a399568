"""Writes to cases (004 annex 3, 通用流程), one module per stage. One command, one transaction: each service
locks what it decides on (the application row first, then its item cases, always in that order), checks the
transition against the tables in transitions.py (core.statemachine), writes the history row, the documents and
the outbox messages in the same transaction, and leaves notifications to `transaction.on_commit`. Every
service takes the acting `Actor` (`Actor.system()` for sweeps and cascades; never None).

Clocks (stored when assigned): intake within 2 working hours of submission (the service point's business
hours), acceptance within 1 working day of intake, each item's promised limit from its acceptance; a
correction request stops the item's clock and the pause is added back on resume.
"""

from .commitments import commitment_post_check, tolerated_material_receive
from .delivery import application_archive, application_deliver, application_withdraw
from .intake import application_intake, application_supplement
from .item_cases import (
    VERBS,
    dependants_to_end,
    item_case_accept,
    item_case_approve,
    item_case_deny,
    item_case_progress,
    item_case_reject,
    item_case_request_correction,
    item_case_resume,
    item_case_transition,
)
from .submission import Submission, application_submit
from .sweep import _case_to_sweep, deadlines_sweep

__all__ = [
    "VERBS",
    "Submission",
    "_case_to_sweep",
    "application_archive",
    "application_deliver",
    "application_intake",
    "application_submit",
    "application_supplement",
    "application_withdraw",
    "commitment_post_check",
    "deadlines_sweep",
    "dependants_to_end",
    "item_case_accept",
    "item_case_approve",
    "item_case_deny",
    "item_case_progress",
    "item_case_reject",
    "item_case_request_correction",
    "item_case_resume",
    "item_case_transition",
    "tolerated_material_receive",
]
