"""适老化 display preferences (large type, high contrast): kept on the user's Profile when signed in, in the
session for visitors; a visitor's choices are carried onto the profile when they sign in."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from yijianshi.accounts.models import Profile

FLAGS = ("large_type", "high_contrast")


@dataclass(frozen=True)
class Display:
    large_type: bool = False
    high_contrast: bool = False

    @property
    def html_classes(self) -> str:
        return " ".join(
            c for c, on in (("large-type", self.large_type), ("high-contrast", self.high_contrast)) if on
        )


def profile_of(request: HttpRequest) -> Profile | None:
    if not request.user.is_authenticated:
        return None
    if not hasattr(request, "_portal_profile"):
        request._portal_profile = Profile.objects.filter(user_id=request.user.pk).first()  # type: ignore[attr-defined]
    return request._portal_profile  # type: ignore[attr-defined]


def display_of(request: HttpRequest) -> Display:
    profile = profile_of(request)
    if profile is not None:
        return Display(large_type=profile.large_type, high_contrast=profile.high_contrast)
    stored = request.session.get("display", {}) if hasattr(request, "session") else {}
    return Display(**{f: bool(stored.get(f)) for f in FLAGS})


def display_toggle(request: HttpRequest, flag: str) -> Display:
    """Flip one preference and remember it where it belongs (profile or session)."""
    current = display_of(request)
    new = Display(**{f: (not getattr(current, f)) if f == flag else getattr(current, f) for f in FLAGS})
    profile = profile_of(request)
    if profile is not None:
        setattr(profile, flag, getattr(new, flag))
        profile.save(update_fields=[flag])
    else:
        request.session["display"] = {f: getattr(new, f) for f in FLAGS}
    return new
