from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "Chấm điểm, bình xét"

    def ready(self) -> None:
        from blocs.tasks import register
        from scoring.ballot_tasks import ballot_tasks
        from scoring.tasks import deadline_tasks, scoring_tasks

        register(scoring_tasks)
        register(ballot_tasks)
        register(deadline_tasks)
