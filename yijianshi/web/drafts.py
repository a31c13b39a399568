"""The wizard's draft kept between sign-ins (`ApplyDraft`): saved with every step, read when the session has
none, dropped on submission. Only the signed-in user's own draft is ever read or written."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from .models import ApplyDraft


def apply_draft_get(*, user: User, bundle_code: str) -> dict[str, Any] | None:
    draft = ApplyDraft.objects.filter(user=user, bundle_code=bundle_code).only("state").first()
    return dict(draft.state) if draft else None


def apply_draft_save(*, user: User, bundle_code: str, state: dict[str, Any]) -> None:
    ApplyDraft.objects.update_or_create(user=user, bundle_code=bundle_code, defaults={"state": state})


def apply_draft_discard(*, user: User, bundle_code: str) -> None:
    ApplyDraft.objects.filter(user=user, bundle_code=bundle_code).delete()
