from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yijianshi.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        """Set up what runs the background work: the Celery app (TASKS_MODE="celery": configured in every process
        that may queue a task — web, shell — and read by the worker and beat), or the in-process runner of the
        periodic jobs (the embedded default: started when this process is a web server). The jobs themselves are
        registered by the parts' own ready() (core/jobs.py)."""
        from django.conf import settings

        if getattr(settings, "TASKS_MODE", "inprocess") == "celery":
            import yijianshi.celery  # noqa: F401
        else:
            from yijianshi import runner

            runner.start_if_serving()

        from django.db.backends.signals import connection_created

        from .datafiles import sqlite_files_private

        connection_created.connect(sqlite_files_private, dispatch_uid="yijianshi.core.sqlite_files_private")
