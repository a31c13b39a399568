from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "yijianshi.integrations"
    label = "integrations"
    verbose_name = "部门对接 Integrations"

    def ready(self) -> None:
        from yijianshi.core.jobs import Every, Job, registry

        # The outbox's safety net: a commit that wrote messages wakes the delivery at once (outbox.py); this run
        # picks up retries whose backoff has passed and messages a process that died left behind.
        registry.register(
            Job(
                name="deliver-outbox",
                task="yijianshi.integrations.tasks.deliver_outbox",
                schedule=Every(10),
                expires=10,
            )
        )
