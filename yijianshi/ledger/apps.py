from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "yijianshi.ledger"
    label = "ledger"
    verbose_name = "上链存证 Access ledger"
