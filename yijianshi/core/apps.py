from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yijianshi.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .datafiles import sqlite_files_private

        connection_created.connect(sqlite_files_private, dispatch_uid="yijianshi.core.sqlite_files_private")
