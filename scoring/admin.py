"""Scoring in the admin is read-only: scores, sheets and evidence change only through the pages and
their audited services, and nothing scored can be deleted."""

from django.contrib import admin

from blocs.admin import ReadOnlyAdmin
from scoring.models import CriteriaSet, Evidence, Explanation, Score, Sheet


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ["name", "term", "state", "deadline", "final_rule"]
    list_filter = ["state", "term__year"]
    search_fields = ["name", "term__bloc__name"]
    list_select_related = ["term__bloc"]


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = ["subject", "layer", "reviewer", "status", "submitted_at"]
    list_filter = ["layer", "status", "criteria_set__term__year"]
    list_select_related = ["subject__unit", "subject__term__bloc", "reviewer__unit", "reviewer__term__bloc"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["sheet", "criterion", "points", "quantity", "updated_at"]
    list_select_related = ["sheet__subject__unit", "sheet__subject__term__bloc", "criterion"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    # No link to the file: evidence goes out only through the permission-checked view.
    list_display = ["original_name", "sheet", "criterion", "file_kind", "size", "uploaded_at"]
    exclude = ["file"]
    list_select_related = ["sheet__subject__unit", "sheet__subject__term__bloc", "criterion"]


@admin.register(Explanation)
class ExplanationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "criterion", "filed_at", "decided_points", "decided_at"]
    list_select_related = ["subject__unit", "subject__term__bloc", "criterion"]
