from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = "Hội nghị, văn bản"

    def ready(self) -> None:
        from conferences.todos import documents
        from scoring.todos import extend

        extend(documents)
