"""The award catalogue in the admin, to read: its entries are named by registrations, ballots and
decisions, so none is added or removed there."""

from django.contrib import admin

from province.models import Award


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["position", "code", "label", "category"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
