"""Agreements in the admin are read-only: every change goes through the pages and their services,
and nothing final, signed or registered can be deleted."""

from django.contrib import admin

from agreements.models import Agreement, Commitment, Registration
from blocs.admin import ReadOnlyAdmin


class CommitmentInline(admin.TabularInline):
    model = Commitment
    fields = ["position", "text"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "term", "version", "status", "superseded_at", "finalized_at", "signed_on"]
    list_filter = ["status", "term__year"]
    search_fields = ["title", "term__bloc__name", "verification_code"]
    list_select_related = ["term__bloc"]
    inlines = [CommitmentInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["membership", "agreement", "signer_title", "signer_name", "updated_at"]
    list_select_related = ["membership__unit", "membership__term__bloc", "agreement"]
