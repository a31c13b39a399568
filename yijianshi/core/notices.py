"""One way to send a notice: after the commit, through a worker when there is one (issue 16, point 1).

A service that tells someone something — an applicant that a department accepted (004 annex 3: "予以受理的，
出具受理通知书并短信告知申请人"), the raiser of a data objection, a licence holder that renewal is due — builds
a `Notice` (core/notify.py) and calls `notice_send_on_commit` inside its transaction. Nothing is sent if the
transaction rolls back; once it commits the notice is sent once:

- embedded default (TASKS_MODE="inprocess"): by `notify()` in this process, right after the commit;
- scale-out (TASKS_MODE="celery"): by a worker, through the task ``core.send_notice`` (core/tasks.py). When
  the broker cannot take it (core/broker.py: one attempt, then 30 s of not trying), this process sends it
  itself, from a thread of its own, so that neither a broker outage nor a slow gateway holds up the answer.

Sending never raises (`notify` records a failed channel as a failed delivery), so a committed decision is never
turned into an error by its notice. A worker killed while sending may send it again (at least once): gateways
de-duplicate on ``(reference, event)``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.db import transaction

from . import broker
from .notify import Notice, notify
from .tasks import send_notice


def notice_send_on_commit(notice: Notice) -> None:
    """Send `notice` once the current transaction commits (at once outside a transaction); never if it rolls
    back."""
    transaction.on_commit(partial(notice_send, notice), robust=True)


def notice_send(notice: Notice) -> None:
    """Send `notice` now: in this process, or handed to a worker (TASKS_MODE="celery") with this process as the
    fallback when the broker cannot take it. Call it after the commit (`notice_send_on_commit` does)."""
    if getattr(settings, "TASKS_MODE", "inprocess") != "celery":
        notify(notice)
        return
    data = asdict(notice)
    if not broker.publish(
        lambda: send_notice.apply_async((data,), retry=False), what=f"a notice ({notice.event})"
    ):
        threading.Thread(target=notify, args=(notice,), name="notice-fallback", daemon=True).start()
