from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = "Bình xét, suy tôn"

    def ready(self) -> None:
        from ballots.todos import ballot_todos
        from blocs.todos import register

        register(ballot_todos)
