"""Review (thẩm định by the leader, chấm chéo by assigned members), the members' explanations
(giải trình) and the leader's decisions, and the final scores they add up to.

Final scores are derived, never typed: `final_scores_refresh` recomputes a member's rows from its
submitted sheets under the term's rule whenever one of them changes, in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from blocs.audit import audit_record, check_version, ensure_term_open, locked
from blocs.models import Membership, User
from scoring import arithmetic, selectors
from scoring.arithmetic import Cell
from scoring.models import SCORED_KINDS, CriteriaSet, Criterion, Explanation, Layer, Sheet, SheetStatus
from scoring.permissions import accepting_reviews, explanation_open
from scoring.services.criteria import locked_set
from scoring.services.finals import final_scores_refresh
from scoring.services.sheets import apply_changes


def _ensure_reviewing(criteria_set: CriteriaSet) -> None:
    ensure_term_open(criteria_set.term)
    if not accepting_reviews(criteria_set):
        raise ValidationError("Chấm điểm chưa mở hoặc đã khóa; không thẩm định được.")


def _submitted_self(criteria_set: CriteriaSet, subject: Membership) -> Sheet:
    sheet = Sheet.objects.filter(
        criteria_set=criteria_set, subject=subject, layer=Layer.SELF, status=SheetStatus.SUBMITTED
    ).first()
    if sheet is None:
        raise ValidationError("Đơn vị chưa nộp phiếu tự chấm; chưa thẩm định được.")
    return sheet


@transaction.atomic
def leader_review_start(*, criteria_set: CriteriaSet, subject: Membership, by: User | None) -> Sheet:
    """The leader's review sheet of `subject` (created once; a second call returns it)."""
    criteria_set = locked_set(criteria_set)
    _ensure_reviewing(criteria_set)
    _submitted_self(criteria_set, subject)
    existing = Sheet.objects.filter(criteria_set=criteria_set, subject=subject, layer=Layer.LEADER).first()
    if existing is not None:
        return existing
    sheet = Sheet(
        criteria_set=criteria_set,
        subject=subject,
        layer=Layer.LEADER,
        reviewer=selectors.leader_reviewer(criteria_set, subject),
        updated_by=by,
    )
    sheet.full_clean()
    sheet.save()
    audit_record(
        actor=by, action="review.start", obj=sheet, term=criteria_set.term, new={"layer": Layer.LEADER}
    )
    return sheet


@transaction.atomic
def cross_assign(*, criteria_set: CriteriaSet, reviewer: Membership, subject: Membership, by: User | None):
    """The leader assigns member `reviewer` to cross-check member `subject` (once; never its own
    sheet: the model's constraints say so)."""
    criteria_set = locked_set(criteria_set)
    _ensure_reviewing(criteria_set)
    term_id = criteria_set.term_id
    if reviewer.term_id != term_id or subject.term_id != term_id:
        raise ValidationError("Chỉ phân công giữa các thành viên của khối năm nay.")
    sheet = Sheet(
        criteria_set=criteria_set, subject=subject, layer=Layer.CROSS, reviewer=reviewer, updated_by=by
    )
    sheet.full_clean()
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError as exc:  # assigned by another request since `full_clean` looked
        raise ValidationError("Đã phân công đơn vị này chấm chéo phiếu đó.") from exc
    audit_record(
        actor=by,
        action="cross.assign",
        obj=sheet,
        term=criteria_set.term,
        new={"reviewer": reviewer.pk, "subject": subject.pk},
    )
    return sheet


@transaction.atomic
def cross_unassign(*, sheet: Sheet, by: User | None) -> None:
    criteria_set = locked_set(sheet.criteria_set)
    _ensure_reviewing(criteria_set)
    sheet = locked(Sheet, sheet.pk)
    if sheet.layer != Layer.CROSS:
        raise ValidationError("Chỉ hủy được phân công chấm chéo.")
    if sheet.is_submitted or sheet.scores.exists():
        raise ValidationError("Đơn vị đã chấm chéo phiếu này; không hủy phân công được.")
    audit_record(
        actor=by,
        action="cross.unassign",
        obj=sheet,
        term=criteria_set.term,
        old={"reviewer": sheet.reviewer_id, "subject": sheet.subject_id},
    )
    sheet.delete()


@transaction.atomic
def review_save(*, sheet: Sheet, cells: dict[int, Cell], lock_version: int | None, by: User | None) -> Sheet:
    """Save a review sheet (all cells or none). A posted copy of what is stored changes nothing."""
    criteria_set = locked_set(sheet.criteria_set)
    sheet = locked(Sheet, sheet.pk, related=("subject",))
    sheet.criteria_set = criteria_set
    if sheet.layer not in selectors.REVIEW_LAYERS:
        raise ValidationError("Đây không phải phiếu thẩm định.")
    errors, changes = selectors.review_changes(sheet, cells)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return sheet
    _ensure_reviewing(criteria_set)
    if sheet.is_submitted:
        raise ValidationError("Phiếu thẩm định đã nộp; chỉ còn để xem.")
    check_version(sheet.lock_version, lock_version)
    apply_changes(sheet, changes, by=by, action=f"score.{sheet.layer}")
    return sheet


@transaction.atomic
def review_submit(*, sheet: Sheet, by: User | None) -> Sheet:
    criteria_set = locked_set(sheet.criteria_set)
    sheet = locked(Sheet, sheet.pk)
    if sheet.is_submitted:
        return sheet
    _ensure_reviewing(criteria_set)
    filled = sheet.scores.values("criterion_id")
    missing = criteria_set.criteria.filter(kind__in=SCORED_KINDS).exclude(pk__in=filled).count()
    if missing:
        raise ValidationError(f"Còn {missing} tiêu chí chưa thẩm định.")
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at, sheet.submitted_by = timezone.now(), by
    sheet.lock_version += 1
    sheet.save()
    audit_record(
        actor=by,
        action="review.submit",
        obj=sheet,
        term=criteria_set.term,
        old={"status": SheetStatus.DRAFT},
        new={"status": SheetStatus.SUBMITTED},
    )
    final_scores_refresh(criteria_set=criteria_set, subjects=[sheet.subject])
    return sheet


# Explanations -----------------------------------------------------------------------------------


@transaction.atomic
def explanation_file(
    *, criteria_set: CriteriaSet, subject: Membership, criterion: Criterion, text: str, by: User | None
) -> Explanation:
    """The member explains a lowered criterion, once, before the explanation deadline (the model
    refuses an empty text and a second explanation)."""
    criteria_set = locked_set(criteria_set)
    if not explanation_open(criteria_set):
        raise ValidationError("Đã hết thời gian giải trình.")
    if criterion.pk not in selectors.lowered(criteria_set, subject):
        raise ValidationError("Chỉ giải trình tiêu chí bị thẩm định hạ điểm.")
    text = text.strip()
    explanation = Explanation(
        criteria_set=criteria_set, subject=subject, criterion=criterion, text=text, filed_by=by
    )
    explanation.full_clean()
    try:
        with transaction.atomic():
            explanation.save()
    except IntegrityError as exc:  # filed by another request since `full_clean` looked
        raise ValidationError("Đơn vị đã giải trình tiêu chí này (mỗi tiêu chí một lần).") from exc
    audit_record(
        actor=by,
        action="explanation.file",
        obj=explanation,
        term=criteria_set.term,
        new={"criterion": criterion.pk, "text": text},
    )
    return explanation


@transaction.atomic
def explanation_decide(
    *, explanation: Explanation, points: Decimal, note: str, by: User | None
) -> Explanation:
    """The leader sets the final score of an explained criterion (typed as for a judged score; a
    deduction as the amount deducted). The decision wins over every layer."""
    criteria_set = locked_set(explanation.criteria_set)
    _ensure_reviewing(criteria_set)
    explanation = locked(Explanation, explanation.pk, related=("criterion", "subject"))
    criterion = explanation.criterion
    problem = arithmetic.check_decision(criterion, points)
    if problem:
        raise ValidationError({"points": problem})
    old = None if explanation.decided_points is None else str(explanation.decided_points)
    explanation.decided_points = arithmetic.signed_points(criterion, points)
    explanation.decision_note = note.strip()
    explanation.decided_at, explanation.decided_by = timezone.now(), by
    explanation.full_clean()
    explanation.save()
    audit_record(
        actor=by,
        action="explanation.decide",
        obj=explanation,
        term=criteria_set.term,
        old={"points": old},
        new={"points": str(explanation.decided_points), "note": explanation.decision_note},
    )
    final_scores_refresh(criteria_set=criteria_set, subjects=[explanation.subject])
    return explanation
