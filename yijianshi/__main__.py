"""The `yijianshi` console command: Django's management commands with our settings.

yijianshi catalog validate|load|export
yijianshi report bundles [--region CODE] [--format table|json|csv]
yijianshi demo            # migrate, load the catalogue and demo data
yijianshi runserver 127.0.0.1:8000
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yijianshi", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
