from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = "Thiết lập của tỉnh"

    def ready(self) -> None:
        from province.catalogue import ensure_awards

        post_migrate.connect(ensure_awards, sender=self)
