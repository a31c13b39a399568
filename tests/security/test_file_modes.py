"""Finding 5 (issue 17, lows): the SQLite database and the notification log were created world-readable (the
process umask, 0644). Both hold personal data: they are created (or tightened at the first connection) 0600 —
readable by the platform's own account only (yijianshi/core/datafiles.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from yijianshi.core.notify import Notice, notify

pytestmark = pytest.mark.django_db


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask() -> Any:
    old = os.umask(0o022)  # what a default shell gives the process
    yield
    os.umask(old)


def test_a_new_sqlite_database_file_is_private(tmp_path: Path, open_umask: None) -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    name = tmp_path / "fresh.sqlite3"
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(name)}, alias="fresh")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x integer)")
    finally:
        wrapper.close()
    assert mode(name) == 0o600


def test_an_existing_world_readable_database_file_is_tightened(tmp_path: Path, open_umask: None) -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    name = tmp_path / "old.sqlite3"
    name.touch(mode=0o644)
    os.chmod(name, 0o644)
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(name)}, alias="old")
    try:
        wrapper.ensure_connection()
    finally:
        wrapper.close()
    assert mode(name) == 0o600


def test_the_test_database_itself_is_private() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a file only on SQLite")
    connection.ensure_connection()
    assert mode(connection.settings_dict["NAME"]) == 0o600


def test_the_notification_log_is_created_private(tmp_path: Path, settings: Any, open_umask: None) -> None:
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"
    [delivery] = notify(
        Notice(
            event="application.received",
            reference="YJS1",
            subject_zh="收件",
            subject_en="Received",
            body_zh="已收件",
            body_en="Received",
            phone="13800000000",
        ),
        channels=["file"],
    )
    assert delivery.ok, delivery
    assert settings.NOTIFY_FILE.exists() and mode(settings.NOTIFY_FILE) == 0o600
