from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BlocsConfig(AppConfig):
    name = "blocs"
    verbose_name = "Khối thi đua"

    def ready(self) -> None:
        from blocs.roles import ensure_board_group

        post_migrate.connect(ensure_board_group, sender=self)
