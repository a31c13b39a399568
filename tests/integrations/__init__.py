"""Tests of the outbox and the department connectors (yijianshi/integrations)."""

from __future__ import annotations

from tests.support.factories import DepartmentFactory
from yijianshi.catalog.models import Department
from yijianshi.integrations.models import DepartmentIntegration

SECRET = "s3cret-of-the-public-security-bureau"


def make_department(
    code: str = "gaj", *, mode: str | None = None, url: str = "", secret: str = SECRET, active: bool = True
) -> Department:
    """A county department; with `mode`, connected that way (webhook: to `url`, signed with `secret`)."""
    department = DepartmentFactory(code=code)
    if mode is not None:
        DepartmentIntegration.objects.create(
            department=department, mode=mode, url=url, secret=secret, active=active
        )
    return department
