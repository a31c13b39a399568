from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "yijianshi.accounts"
    label = "accounts"
    verbose_name = "账户 Accounts"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with its default site asking staff for the second factor (accounts/admin_site.py);
    named in INSTALLED_APPS instead of django.contrib.admin."""

    default = False  # not the accounts app's own configuration
    default_site = "yijianshi.accounts.admin_site.StaffAdminSite"
