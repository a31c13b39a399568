from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "yijianshi.licenses"
    label = "licenses"
    verbose_name = "电子证照 E-licences"

    def ready(self) -> None:
        from yijianshi.core.jobs import DailyAt, Job, registry

        # `licence expire` then `licence remind` (无感续证), once a day at 08:30 Beijing time
        # (services.licences_daily); a run not sent within 6 h is dropped, the next day's does it.
        registry.register(
            Job(
                name="licences-daily",
                task="yijianshi.licenses.tasks.licences_daily_task",
                schedule=DailyAt(8, 30),
                expires=6 * 3600,
            )
        )
