"""Scoring's part of the dashboard's "việc cần làm" (see `blocs.todos`). One query for all terms.

The apps built on scoring that have to-dos of their own once scoring reaches a state (the
conferences' documents once it is locked) extend that query instead of reading the sets again: they
register, in their `AppConfig.ready()`, the annotations they need and a function that turns an
annotated set into their to-dos (`extend`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from blocs.models import Role, Term
from blocs.todos import Todo
from scoring.models import (
    CriteriaSet,
    Explanation,
    FinalRule,
    FinalScore,
    Layer,
    ScoringState,
    Sheet,
    SheetStatus,
)


@dataclass(frozen=True)
class Extension:
    annotations: Callable[[], dict]
    todos: Callable[[Term, CriteriaSet], list[Todo]]


_extensions: list[Extension] = []


def extend(extension: Extension) -> None:
    """Read `extension.annotations()` with the criteria sets, and add `extension.todos(term, set)`
    after scoring's own to-dos of each term (idempotent)."""
    if extension not in _extensions:
        _extensions.append(extension)


def scoring_todos(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    open_terms = [t for t in terms if t.is_open and t.user_role is not None]
    if not open_terms:
        return []
    own_submitted = Sheet.objects.filter(
        criteria_set=OuterRef("pk"),
        layer=Layer.SELF,
        status=SheetStatus.SUBMITTED,
        subject__unit_id=user.unit_id,
    )
    own_reviewed = Sheet.objects.filter(
        criteria_set=OuterRef("pk"),
        layer__in=[Layer.LEADER, Layer.CROSS],
        status=SheetStatus.SUBMITTED,
        subject__unit_id=user.unit_id,
    )
    awaiting_deputy = Sheet.objects.filter(
        criteria_set=OuterRef("pk"), layer=Layer.SELF, status=SheetStatus.SUBMITTED, subject__role=Role.LEADER
    ).exclude(
        Exists(
            Sheet.objects.filter(
                criteria_set=OuterRef("criteria_set"), subject=OuterRef("subject"), layer=Layer.LEADER
            )
        )
    )
    unexplained = FinalScore.objects.filter(
        criteria_set=OuterRef("pk"), reviewed_points__lt=F("self_points")
    ).exclude(
        Exists(Explanation.objects.filter(subject=OuterRef("subject"), criterion=OuterRef("criterion")))
    )
    sets = {
        s.term_id: s
        for s in CriteriaSet.objects.filter(term__in=open_terms)
        .only("pk", "term_id", "state", "deadline", "explanation_deadline")
        .annotate(
            submitted=Count(
                "sheets",
                filter=Q(sheets__layer=Layer.SELF, sheets__status=SheetStatus.SUBMITTED),
                distinct=True,
            ),
            # The leader reviews every sheet but its own, which is the deputy's to review.
            awaiting_leader=Count(
                "sheets",
                filter=Q(sheets__layer=Layer.SELF, sheets__status=SheetStatus.SUBMITTED)
                & ~Q(sheets__subject__role=Role.LEADER),
                distinct=True,
            ),
            leader_reviews=Count(
                "sheets",
                filter=Q(sheets__layer=Layer.LEADER) & ~Q(sheets__subject__role=Role.LEADER),
                distinct=True,
            ),
            awaiting_deputy=Exists(awaiting_deputy),
            # Members whose review under the set's rule is submitted, and lowered scores not explained.
            reviewed=Count(
                "sheets__subject",
                filter=Q(sheets__status=SheetStatus.SUBMITTED)
                & (
                    Q(sheets__layer=Layer.LEADER, final_rule=FinalRule.LEADER)
                    | Q(sheets__layer=Layer.CROSS) & ~Q(final_rule=FinalRule.LEADER)
                ),
                distinct=True,
            ),
            unexplained=Exists(unexplained),
            undecided=Count(
                "explanations", filter=Q(explanations__decided_points__isnull=True), distinct=True
            ),
            own_submitted=Exists(own_submitted),
            own_reviewed=Exists(own_reviewed),
            **{name: value for extension in _extensions for name, value in extension.annotations().items()},
        )
    }
    # Review sheets this unit still has to write (the leader's layer or an assigned cross-check).
    pending_reviews = list(
        Sheet.objects.filter(
            criteria_set__term__in=open_terms,
            criteria_set__state=ScoringState.OPEN,
            reviewer__unit_id=user.unit_id,
            status=SheetStatus.DRAFT,
        ).select_related("subject__unit", "criteria_set")
    )
    tasks = []
    for term in open_terms:
        criteria_set = sets.get(term.pk)
        tasks.extend(_for_term(term, criteria_set))
        if criteria_set is not None:
            for extension in _extensions:
                tasks.extend(extension.todos(term, criteria_set))
        for sheet in pending_reviews:
            if sheet.criteria_set.term_id == term.pk:
                verb = "Thẩm định" if sheet.layer == Layer.LEADER else "Chấm chéo"
                tasks.append(
                    Todo(
                        term,
                        f"{verb} phiếu của {sheet.subject.unit.name}",
                        reverse("scoring:review", args=[sheet.pk]),
                    )
                )
    return tasks


def _nothing_outstanding(term: Term, criteria_set: CriteriaSet) -> bool:
    """Locking is suggested only when every member submitted and was reviewed under the rule, no
    explanation awaits a decision and no lowered score may still be explained (`scoring.outstanding`
    tells the lock page the same in detail)."""
    deadline = criteria_set.explanation_deadline
    explainable = criteria_set.unexplained and (deadline is None or timezone.now() <= deadline)
    return (
        criteria_set.submitted >= term.member_count
        and criteria_set.reviewed >= criteria_set.submitted
        and not criteria_set.undecided
        and not explainable
    )


def _for_term(term: Term, criteria_set: CriteriaSet | None) -> list[Todo]:
    drafts = term.user_role in (Role.LEADER, Role.DEPUTY)
    if criteria_set is None:
        if drafts:
            return [
                Todo(
                    term, "Xây dựng bảng tiêu chí chấm điểm", reverse("scoring:term_scoring", args=[term.pk])
                )
            ]
        return []
    if criteria_set.state == ScoringState.SETUP:
        if term.user_role == Role.LEADER:
            return [Todo(term, "Hoàn thiện bảng tiêu chí và mở chấm điểm", criteria_set.get_absolute_url())]
        return []
    if criteria_set.state != ScoringState.OPEN:
        return []
    tasks = []
    before_deadline = timezone.now() <= criteria_set.deadline
    if before_deadline and not criteria_set.own_submitted:
        deadline = date_format(timezone.localtime(criteria_set.deadline), "H:i d/m/Y")
        tasks.append(
            Todo(
                term,
                f"Tự chấm điểm và nộp phiếu trước {deadline}",
                reverse("scoring:own_sheet", args=[criteria_set.pk]),
            )
        )
    if criteria_set.own_reviewed and (
        criteria_set.explanation_deadline is None or timezone.now() <= criteria_set.explanation_deadline
    ):
        tasks.append(
            Todo(
                term,
                "Xem kết quả thẩm định; giải trình nếu bị hạ điểm",
                reverse("scoring:own_sheet", args=[criteria_set.pk]),
            )
        )
    awaiting = criteria_set.awaiting_leader - criteria_set.leader_reviews
    if term.user_role == Role.LEADER and awaiting > 0:
        tasks.append(
            Todo(
                term,
                f"{awaiting} phiếu tự chấm chờ thẩm định",
                reverse("scoring:grid", args=[criteria_set.pk]),
            )
        )
    if term.user_role == Role.DEPUTY and criteria_set.awaiting_deputy:
        tasks.append(
            Todo(
                term,
                "Thẩm định phiếu tự chấm của trưởng khối",
                reverse("scoring:grid", args=[criteria_set.pk]),
            )
        )
    if term.user_role == Role.LEADER and criteria_set.undecided:
        tasks.append(
            Todo(
                term,
                f"{criteria_set.undecided} giải trình chờ trưởng khối quyết định",
                reverse("scoring:grid", args=[criteria_set.pk]),
            )
        )
    if term.user_role == Role.LEADER and not before_deadline and criteria_set.submitted < term.member_count:
        missing = term.member_count - criteria_set.submitted
        tasks.append(
            Todo(
                term, f"Đã hết hạn tự chấm: {missing} đơn vị chưa nộp phiếu", criteria_set.get_absolute_url()
            )
        )
    if term.user_role == Role.LEADER and _nothing_outstanding(term, criteria_set):
        tasks.append(
            Todo(
                term,
                f"Đủ {criteria_set.submitted}/{term.member_count} phiếu tự chấm đã thẩm định: khóa chấm điểm",
                reverse("scoring:lock", args=[criteria_set.pk]),
            )
        )
    return tasks
