from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm"

    def ready(self) -> None:
        from blocs.todos import register
        from scoring.todos import scoring_todos

        register(scoring_todos)
