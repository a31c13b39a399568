"""The demo accounts (yijianshi/accounts/demo.py) as tests name them."""

from __future__ import annotations

from django.contrib.auth.models import User

# one user of each kind the permission matrices go through: the owner, another applicant, the clerk at the hall
# the application was taken in and one at a town centre, an officer with a part of it and one without, admin,
# auditor (and nobody signed in)
MATRIX_USERS = [
    "anonymous",
    "mother",
    "father",
    "clerk",
    "clerk_town",
    "officer_health",
    "officer_civil",
    "admin",
    "auditor",
]


def user(username: str) -> User:
    return User.objects.get(username=username)
