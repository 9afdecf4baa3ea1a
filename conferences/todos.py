"""The conferences' part of the dashboard's "việc cần làm": once scoring is locked, the leader sends
the board the year-end report, minutes and proposal. Read with scoring's own query (`scoring.todos`
`extend`), so that the dashboard reads no more."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from blocs.models import Role, Term
from blocs.todos import Todo
from conferences.models import Document, DocumentKind, DocumentStatus
from scoring.models import CriteriaSet, ScoringState
from scoring.todos import Extension

YEAR_END_DOCUMENTS = (DocumentKind.REPORT_YEAREND, DocumentKind.MINUTES, DocumentKind.PROPOSAL)


def _annotations() -> dict:
    sent = (
        Document.objects.filter(
            term=OuterRef("term_id"), kind__in=YEAR_END_DOCUMENTS, status=DocumentStatus.SUBMITTED
        )
        .order_by()
        .values("term")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {"documents_sent": Coalesce(Subquery(sent, output_field=IntegerField()), 0)}


def _todos(term: Term, criteria_set: CriteriaSet) -> list[Todo]:
    if term.user_role != Role.LEADER or criteria_set.state != ScoringState.LOCKED:
        return []
    left = len(YEAR_END_DOCUMENTS) - criteria_set.documents_sent
    if left <= 0:
        return []
    return [
        Todo(
            term,
            f"Gửi Ban Thi đua – Khen thưởng báo cáo tổng kết, biên bản, tờ trình (còn {left}/3)",
            reverse("conferences:documents", args=[term.pk]),
        )
    ]


documents = Extension(annotations=_annotations, todos=_todos)
