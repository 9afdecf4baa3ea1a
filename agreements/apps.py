from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = "Giao ước thi đua"

    def ready(self) -> None:
        from agreements.todos import agreement_todos
        from blocs.todos import register

        register(agreement_todos)
