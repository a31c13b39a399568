from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "yijianshi.uploads"
    label = "uploads"
    verbose_name = "材料上传 Uploads"
    default_auto_field = "django.db.models.BigAutoField"
