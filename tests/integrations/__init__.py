"""Tests of the outbox and the department connectors (yijianshi/integrations)."""

from __future__ import annotations

from yijianshi.catalog.models import Department, Region
from yijianshi.integrations.models import DepartmentIntegration

SECRET = "s3cret-of-the-public-security-bureau"


def make_department(
    code: str = "gaj", *, mode: str | None = None, url: str = "", secret: str = SECRET, active: bool = True
) -> Department:
    """A county department; with `mode`, connected that way (webhook: to `url`, signed with `secret`)."""
    region, _ = Region.objects.get_or_create(code="140524", defaults={"name": "陵川县", "level": "county"})
    department = Department.objects.create(region=region, code=code, name=f"陵川县{code}", kind=code)
    if mode is not None:
        DepartmentIntegration.objects.create(
            department=department, mode=mode, url=url, secret=secret, active=active
        )
    return department
