from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "yijianshi.integrations"
    label = "integrations"
    verbose_name = "部门对接 Integrations"
