from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = "Ban Thi đua – Khen thưởng"

    def ready(self) -> None:
        from blocs.todos import register
        from board.todos import deadline_todos

        register(deadline_todos)
