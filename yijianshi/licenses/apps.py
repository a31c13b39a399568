from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "yijianshi.licenses"
    label = "licenses"
    verbose_name = "电子证照 E-licences"
