"""Files of personal data are readable by the platform's own account only (docs/security.md, finding 5).

The embedded SQLite database and the notification log (core/notify.py, `NOTIFY_FILE`) hold names, identity
numbers and phone numbers. Created under a default umask (022) they were world-readable (0644): another account
on the machine could copy them. They are 0600:

- the notification log is created 0600 (core/notify.py opens it with that mode) and tightened if an older one
  was looser;
- the SQLite file is created by SQLite when Django first connects (`migrate`, `demo`, the first request): at each
  new connection (`connection_created`) the file, and its journal or WAL files if present, are tightened to 0600.
  SQLite gives the journal and WAL files it creates later the database file's mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

PRIVATE = 0o600


def file_private(path: str | os.PathLike[str]) -> None:
    """Make an existing file 0600 when it is readable or writable by anyone but its owner."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700 | PRIVATE)


def sqlite_files_private(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: the SQLite database file (not an in-memory one) and its journals, 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or not Path(name).is_file():
        return
    for suffix in ("", "-journal", "-wal", "-shm"):
        file_private(name + suffix)
