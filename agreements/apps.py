from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Giao ước thi đua"

    def ready(self) -> None:
        from agreements.tasks import agreement_tasks
        from blocs.tasks import register

        register(agreement_tasks)
