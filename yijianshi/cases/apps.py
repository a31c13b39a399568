from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yijianshi.cases"
    label = "cases"
    verbose_name = "办件 Cases"

    def ready(self) -> None:
        from yijianshi.core.jobs import Every, Job, registry

        # Overdue applications and item cases, and their escalation (services.deadlines_sweep).
        registry.register(
            Job(
                name="sweep-deadlines",
                task="yijianshi.cases.tasks.sweep_deadlines",
                schedule=Every(60),
                expires=60,
            )
        )
