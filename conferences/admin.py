"""The conferences and their documents in the admin are read-only: they change only through the
pages and their audited services, and nothing sent to the board can be deleted."""

from django.contrib import admin

from blocs.admin import ReadOnlyAdmin
from conferences.models import Conference, Document


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["term", "kind", "date", "place", "chair_name"]
    list_filter = ["kind", "term__year"]
    list_select_related = ["term__bloc"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    # No link to the files: documents go out only through the permission-checked view.
    list_display = ["term", "kind", "number", "status", "submitted_at", "sha256"]
    list_filter = ["kind", "status", "term__year"]
    exclude = ["pdf", "signed_scan"]
    list_select_related = ["term__bloc"]
