"""Back-office admin. Nothing that history refers to can be deleted here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from blocs.models import AuditEvent, Bloc, Membership, Term, Unit, UnitName, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """For the rows of every app that change only through the pages and their audited services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(NoDeleteAdmin):
    list_display = ["name", "short_name", "kind", "head_title", "head_name"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    inlines = [UnitNameInline]


@admin.register(Bloc)
class BlocAdmin(NoDeleteAdmin):
    list_display = ["name", "short_name", "number"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    """Shown, not edited: members, leader and deputy change through the pages, whose services keep
    the rotation rules and write the audit log."""

    model = Membership
    extra = 0
    fields = ["unit", "position", "role", "chosen_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Term)
class TermAdmin(NoDeleteAdmin):
    list_display = ["bloc", "year", "status", "decision_number", "decision_date"]
    list_filter = ["year", "status"]
    search_fields = ["bloc__name"]
    # A year is closed (and everything scored and voted in it frozen) only by the page's service.
    readonly_fields = ["bloc", "year", "status", "closed_at"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "unit__kind"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Đơn vị", {"fields": ["full_name", "job_title", "unit"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "term"]
    list_filter = ["action"]
    search_fields = ["object_repr", "reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
