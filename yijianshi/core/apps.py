from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yijianshi.core"
    label = "core"
    verbose_name = "核心 Core"
