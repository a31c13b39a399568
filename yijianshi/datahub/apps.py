from django.apps import AppConfig


class DatahubConfig(AppConfig):
    name = "yijianshi.datahub"
    label = "datahub"
    verbose_name = "数据共享 Shared data"
