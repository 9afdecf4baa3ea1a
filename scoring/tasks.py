"""Scoring's part of the dashboard's "việc cần làm" (see `blocs.tasks`). One query for all terms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from blocs.models import Role, Term
from blocs.tasks import Task
from scoring.models import (
    Assessment,
    CriteriaSet,
    Document,
    DocumentKind,
    DocumentStatus,
    Layer,
    ScoringState,
    SheetStatus,
)

YEAR_END_DOCUMENTS = (DocumentKind.REPORT_YEAREND, DocumentKind.MINUTES, DocumentKind.PROPOSAL)


def scoring_tasks(terms: Sequence[Term], user, *, board: bool) -> list[Task]:
    open_terms = [t for t in terms if t.is_open and t.user_role is not None]
    if not open_terms:
        return []
    own_submitted = Assessment.objects.filter(
        criteria_set=OuterRef("pk"),
        layer=Layer.SELF,
        status=SheetStatus.SUBMITTED,
        subject__unit_id=user.unit_id,
    )
    own_reviewed = Assessment.objects.filter(
        criteria_set=OuterRef("pk"),
        layer__in=[Layer.LEADER, Layer.CROSS],
        status=SheetStatus.SUBMITTED,
        subject__unit_id=user.unit_id,
    )
    # The year-end documents already sent, for the leader's task (a subquery of the same query).
    documents_sent = (
        Document.objects.filter(
            term=OuterRef("term_id"), kind__in=YEAR_END_DOCUMENTS, status=DocumentStatus.SUBMITTED
        )
        .order_by()
        .values("term")
        .annotate(n=Count("pk"))
        .values("n")
    )
    sets = {
        s.term_id: s
        for s in CriteriaSet.objects.filter(term__in=open_terms)
        .only("pk", "term_id", "state", "deadline", "explanation_deadline")
        .annotate(
            submitted=Count(
                "assessments",
                filter=Q(assessments__layer=Layer.SELF, assessments__status=SheetStatus.SUBMITTED),
                distinct=True,
            ),
            leader_reviews=Count("assessments", filter=Q(assessments__layer=Layer.LEADER), distinct=True),
            undecided=Count(
                "explanations", filter=Q(explanations__decided_points__isnull=True), distinct=True
            ),
            own_submitted=Exists(own_submitted),
            documents_sent=Coalesce(Subquery(documents_sent, output_field=IntegerField()), 0),
            own_reviewed=Exists(own_reviewed),
        )
    }
    # Review sheets this unit still has to write (the leader's layer or an assigned cross-check).
    pending_reviews = list(
        Assessment.objects.filter(
            criteria_set__term__in=open_terms,
            criteria_set__state=ScoringState.OPEN,
            reviewer__unit_id=user.unit_id,
            status=SheetStatus.DRAFT,
        ).select_related("subject__unit", "criteria_set")
    )
    tasks = []
    for term in open_terms:
        tasks.extend(_for_term(term, sets.get(term.pk)))
        criteria_set = sets.get(term.pk)
        if (
            term.user_role == Role.LEADER
            and criteria_set is not None
            and criteria_set.state == ScoringState.LOCKED
        ):
            left = len(YEAR_END_DOCUMENTS) - criteria_set.documents_sent
            if left > 0:
                tasks.append(
                    Task(
                        term,
                        f"Gửi Ban Thi đua – Khen thưởng báo cáo tổng kết, biên bản, tờ trình (còn {left}/3)",
                        reverse("scoring:documents", args=[term.pk]),
                    )
                )
        for sheet in pending_reviews:
            if sheet.criteria_set.term_id == term.pk:
                verb = "Thẩm định" if sheet.layer == Layer.LEADER else "Chấm chéo"
                tasks.append(
                    Task(
                        term,
                        f"{verb} phiếu của {sheet.subject.unit.name}",
                        reverse("scoring:review", args=[sheet.pk]),
                    )
                )
    return tasks


def _for_term(term: Term, criteria_set: CriteriaSet | None) -> list[Task]:
    drafts = term.user_role in (Role.LEADER, Role.DEPUTY)
    if criteria_set is None:
        if drafts:
            return [
                Task(
                    term, "Xây dựng bảng tiêu chí chấm điểm", reverse("scoring:term_scoring", args=[term.pk])
                )
            ]
        return []
    if criteria_set.state == ScoringState.SETUP:
        if term.user_role == Role.LEADER:
            return [Task(term, "Hoàn thiện bảng tiêu chí và mở chấm điểm", criteria_set.get_absolute_url())]
        return []
    if criteria_set.state != ScoringState.OPEN:
        return []
    tasks = []
    before_deadline = timezone.now() <= criteria_set.deadline
    if before_deadline and not criteria_set.own_submitted:
        deadline = date_format(timezone.localtime(criteria_set.deadline), "H:i d/m/Y")
        tasks.append(
            Task(
                term,
                f"Tự chấm điểm và nộp phiếu trước {deadline}",
                reverse("scoring:own_sheet", args=[criteria_set.pk]),
            )
        )
    if criteria_set.own_reviewed and (
        criteria_set.explanation_deadline is None or timezone.now() <= criteria_set.explanation_deadline
    ):
        tasks.append(
            Task(
                term,
                "Xem kết quả thẩm định; giải trình nếu bị hạ điểm",
                reverse("scoring:own_sheet", args=[criteria_set.pk]),
            )
        )
    awaiting = criteria_set.submitted - criteria_set.leader_reviews
    if term.user_role == Role.LEADER and awaiting > 0:
        tasks.append(
            Task(
                term,
                f"{awaiting} phiếu tự chấm chờ thẩm định",
                reverse("scoring:grid", args=[criteria_set.pk]),
            )
        )
    if term.user_role == Role.LEADER and criteria_set.undecided:
        tasks.append(
            Task(
                term,
                f"{criteria_set.undecided} giải trình chờ trưởng khối quyết định",
                reverse("scoring:grid", args=[criteria_set.pk]),
            )
        )
    if term.user_role == Role.LEADER and (not before_deadline or criteria_set.submitted >= term.member_count):
        tasks.append(
            Task(
                term,
                f"Đã nộp {criteria_set.submitted}/{term.member_count} phiếu tự chấm: khóa chấm điểm",
                criteria_set.get_absolute_url(),
            )
        )
    return tasks


DUE_SOON = timedelta(days=30)
STEP_PAGES = {
    "agreement_signed": "agreements:term_agreement",
    "scoring_locked": "scoring:term_scoring",
    "vote_closed": "scoring:ballots",
    "documents_submitted": "scoring:documents",
}


def deadline_tasks(terms: Sequence[Term], user, *, board: bool) -> list[Task]:
    """The board's deadlines that are near (30 days) or passed, for the leader and deputy of each
    open term: one query when the board has set no such deadline for the year, two otherwise."""
    from scoring.services.overview import deadlines_for, overview_rows

    mine = [t for t in terms if t.is_open and t.user_role in (Role.LEADER, Role.DEPUTY)]
    if not mine:
        return []
    today = timezone.localdate()
    deadlines = deadlines_for(mine[0].year)
    if all(due - today > DUE_SOON for due in deadlines.values()):
        return []  # none near or passed: whatever is done, there is nothing to say
    by_pk = {t.pk: t for t in mine}
    tasks = []
    rows = overview_rows(
        mine[0].year, deadlines=deadlines, today=today, term_ids=list(by_pk), steps_only=True
    )
    for row in rows:
        for step in row.steps.values():
            if step.done or step.due is None or step.due - today > DUE_SOON:  # overdue: due < today
                continue
            when = f"đã quá hạn {step.due:%d/%m/%Y}" if step.overdue else f"hạn {step.due:%d/%m/%Y}"
            term = by_pk[row.term.pk]
            tasks.append(Task(term, f"{step.label} ({when})", reverse(STEP_PAGES[step.item], args=[term.pk])))
    return tasks
