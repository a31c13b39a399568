from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "yijianshi.integrations"
    label = "integrations"
    verbose_name = "部门对接 Integrations"

    def ready(self) -> None:
        from django.conf import settings

        if getattr(settings, "TASKS_MODE", "inprocess") == "celery":
            # Configure the Celery app from the settings in every process that may queue a task (web, shell).
            import yijianshi.celery  # noqa: F401
        else:
            from . import runner

            runner.start_if_serving()
