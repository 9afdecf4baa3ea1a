"""The board's deadlines and award decisions in the admin, to read: they change only through the
board's pages and their audited services."""

from django.contrib import admin

from blocs.admin import ReadOnlyAdmin
from board.models import AwardDecision, BoardDeadline


@admin.register(BoardDeadline)
class BoardDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["year", "item", "due"]
    list_filter = ["year"]


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdmin):
    list_display = ["membership", "award", "awarded", "decision_number", "decision_date", "term"]
    list_filter = ["awarded", "term__year"]
    list_select_related = ["membership__unit", "membership__term__bloc", "term__bloc"]
