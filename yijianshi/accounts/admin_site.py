"""The admin site, for staff who passed the second factor (accounts/otp.py).

It is Django's default site (every `admin.site.register` lands here: settings install it through
`apps.StaffAdminConfig`), with one more condition on `has_permission`: a staff account's session must be verified.
Its sign-in page sends a signed-in staff member who still owes the code to the code page, and back afterwards."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from yijianshi.core import clock
from yijianshi.core.calendar import calendar_status

from .otp import second_factor_url
from .roles import second_factor_missing


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not second_factor_missing(request.user)

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The landing page warns, as the holiday page does, while this year or the next is counted over weekends
        only: deadlines computed then may fall on a public holiday (core.calendar.calendar_status)."""
        for warning in calendar_status(clock.local(clock.now()).date())["warnings"]:
            messages.warning(request, f"{warning['zh']} / {warning['en']}")
        return super().index(request, extra_context)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET" and second_factor_missing(request.user):
            return HttpResponseRedirect(second_factor_url(request, request.GET.get("next") or "/admin/"))
        return super().login(request, extra_context)
