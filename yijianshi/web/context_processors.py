"""What every page's header needs: display preferences, who is signed in and for which party they act."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yijianshi.accounts.models import PartyType

from .prefs import display_of, profile_of


def portal(request: HttpRequest) -> dict[str, Any]:
    profile = profile_of(request)
    acting = None
    if profile is not None and profile.role == "applicant":
        acting = {
            "enterprise": profile.party_type == PartyType.ENTERPRISE,
            "name": profile.name,
            "enterprise_name": profile.enterprise_name,
        }
    role = profile.role if profile else ("admin" if getattr(request.user, "is_superuser", False) else "")
    return {"display": display_of(request), "acting": acting, "portal_role": role, "portal_profile": profile}
