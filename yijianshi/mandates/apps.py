from django.apps import AppConfig


class MandatesConfig(AppConfig):
    """授权委托. Its periodic job, `mandates.expire` (tasks.py, the `mandates expire` command), only tidies the
    stored status: the guard never lets a mandate past its last day cover anything."""

    name = "yijianshi.mandates"
    label = "mandates"
    verbose_name = "授权委托 Mandates"

    def ready(self) -> None:
        from yijianshi.core.jobs import DailyAt, Job, registry

        registry.register(
            Job(
                name="mandates-expire",
                task="yijianshi.mandates.tasks.expire_mandates",
                schedule=DailyAt(0, 10),
                expires=6 * 3600,
            )
        )
