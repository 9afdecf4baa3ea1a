"""The award catalogue in the admin, to read: its entries are named by registrations, ballots and
decisions, so none is added or removed there."""

from django.contrib import admin

from blocs.admin import ReadOnlyAdmin
from province.models import Award


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["position", "code", "label", "category"]
