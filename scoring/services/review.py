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

from blocs.audit import audit_record
from blocs.models import Membership, Role, User
from scoring import arithmetic
from scoring.models import (
    SCORED_KINDS,
    CriteriaSet,
    Criterion,
    Explanation,
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)
from scoring.services.common import _check_version, _ensure_term_open, _locked_set
from scoring.services.finals import final_scores_refresh, reviewed_points
from scoring.services.sheets import Cell, _apply, _evaluate

REVIEW_LAYERS = (Layer.LEADER, Layer.CROSS)


def accepting_reviews(criteria_set: CriteriaSet) -> bool:
    """Reviews, explanations and decisions go on while scoring is open (the deadline is the members')."""
    return (
        criteria_set.state == ScoringState.OPEN
        and criteria_set.term is not None
        and criteria_set.term.is_open
    )


def _ensure_reviewing(criteria_set: CriteriaSet) -> None:
    _ensure_term_open(criteria_set)
    if criteria_set.state != ScoringState.OPEN:
        raise ValidationError("Chấm điểm chưa mở hoặc đã khóa; không thẩm định được.")


def _submitted_self(criteria_set: CriteriaSet, subject: Membership) -> Sheet:
    sheet = Sheet.objects.filter(
        criteria_set=criteria_set, subject=subject, layer=Layer.SELF, status=SheetStatus.SUBMITTED
    ).first()
    if sheet is None:
        raise ValidationError("Đơn vị chưa nộp phiếu tự chấm; chưa thẩm định được.")
    return sheet


def leader_reviewer(criteria_set: CriteriaSet, subject: Membership) -> Membership:
    """Who reviews for the leader: the leader's unit, or the deputy's for the leader's own sheet."""
    role = Role.DEPUTY if subject.role == Role.LEADER else Role.LEADER
    reviewer = criteria_set.term.memberships.filter(role=role).first()
    if reviewer is None:
        raise ValidationError("Khối chưa có trưởng khối và phó trưởng khối để thẩm định phiếu này.")
    return reviewer


@transaction.atomic
def leader_review_start(*, criteria_set: CriteriaSet, subject: Membership, by: User | None) -> Sheet:
    """The leader's review sheet of `subject` (created once; a second call returns it)."""
    criteria_set = _locked_set(criteria_set)
    _ensure_reviewing(criteria_set)
    _submitted_self(criteria_set, subject)
    existing = Sheet.objects.filter(criteria_set=criteria_set, subject=subject, layer=Layer.LEADER).first()
    if existing is not None:
        return existing
    sheet = Sheet.objects.create(
        criteria_set=criteria_set,
        subject=subject,
        layer=Layer.LEADER,
        reviewer=leader_reviewer(criteria_set, subject),
        updated_by=by,
    )
    audit_record(
        actor=by, action="review.start", obj=sheet, term=criteria_set.term, new={"layer": Layer.LEADER}
    )
    return sheet


@transaction.atomic
def cross_assign(*, criteria_set: CriteriaSet, reviewer: Membership, subject: Membership, by: User | None):
    """The leader assigns member `reviewer` to cross-check member `subject`."""
    criteria_set = _locked_set(criteria_set)
    _ensure_reviewing(criteria_set)
    term_id = criteria_set.term_id
    if reviewer.term_id != term_id or subject.term_id != term_id:
        raise ValidationError("Chỉ phân công giữa các thành viên của khối năm nay.")
    if reviewer.pk == subject.pk:
        raise ValidationError("Một đơn vị không chấm chéo phiếu của chính mình.")
    try:
        with transaction.atomic():
            sheet = Sheet.objects.create(
                criteria_set=criteria_set,
                subject=subject,
                layer=Layer.CROSS,
                reviewer=reviewer,
                updated_by=by,
            )
    except IntegrityError as exc:
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
    criteria_set = _locked_set(sheet.criteria_set)
    _ensure_reviewing(criteria_set)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
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


def _self_points(criteria_set: CriteriaSet, subject: Membership) -> dict[int, Decimal]:
    return dict(
        Score.objects.filter(
            sheet__criteria_set=criteria_set, sheet__subject=subject, sheet__layer=Layer.SELF
        ).values_list("criterion_id", "points")
    )


def _checked(sheet: Sheet, cells: dict[int, Cell]):
    """The cells checked against their criteria, plus a comment wherever the reviewed score differs
    from the self-assessment: (messages by `c<pk>`, the changes to make)."""
    errors, changes = _evaluate(sheet.criteria_set, sheet.subject, cells, sheet)
    self_points = _self_points(sheet.criteria_set, sheet.subject)
    for criterion, _old, values in changes:
        key = f"c{criterion.pk}"
        if values is None or key in errors:
            continue
        if values["points"] != self_points.get(criterion.pk) and not values["note"].strip():
            errors[key] = "Điểm thẩm định khác điểm tự chấm: ghi nhận xét, lý do."
    return errors, changes


def review_errors(*, sheet: Sheet, cells: dict[int, Cell]) -> dict[str, str]:
    """Cell messages of a review without saving."""
    return _checked(sheet, cells)[0]


@transaction.atomic
def review_save(*, sheet: Sheet, cells: dict[int, Cell], lock_version: int | None, by: User | None) -> Sheet:
    """Save a review sheet (all cells or none). A posted copy of what is stored changes nothing."""
    criteria_set = _locked_set(sheet.criteria_set)
    sheet = Sheet.objects.select_for_update().select_related("subject").get(pk=sheet.pk)
    sheet.criteria_set = criteria_set
    if sheet.layer not in REVIEW_LAYERS:
        raise ValidationError("Đây không phải phiếu thẩm định.")
    errors, changes = _checked(sheet, cells)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return sheet
    _ensure_reviewing(criteria_set)
    if sheet.is_submitted:
        raise ValidationError("Phiếu thẩm định đã nộp; chỉ còn để xem.")
    _check_version(sheet.lock_version, lock_version)
    _apply(sheet, changes, by=by, action=f"score.{sheet.layer}")
    return sheet


@transaction.atomic
def review_submit(*, sheet: Sheet, by: User | None) -> Sheet:
    criteria_set = _locked_set(sheet.criteria_set)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
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


def explanation_open(criteria_set: CriteriaSet) -> bool:
    deadline = criteria_set.explanation_deadline
    return accepting_reviews(criteria_set) and (deadline is None or timezone.now() <= deadline)


def lowered(criteria_set: CriteriaSet, subject: Membership) -> dict[int, tuple[Decimal, Decimal]]:
    """Criteria where the reviewed score is below the self-assessment: {criterion: (self, reviewed)}."""
    own = _self_points(criteria_set, subject)
    return {
        c: (own[c], p) for c, p in reviewed_points(criteria_set, subject).items() if c in own and p < own[c]
    }


@transaction.atomic
def explanation_file(
    *, criteria_set: CriteriaSet, subject: Membership, criterion: Criterion, text: str, by: User | None
) -> Explanation:
    """The member explains a lowered criterion, once, before the explanation deadline."""
    criteria_set = _locked_set(criteria_set)
    if not explanation_open(criteria_set):
        raise ValidationError("Đã hết thời gian giải trình.")
    if criterion.pk not in lowered(criteria_set, subject):
        raise ValidationError("Chỉ giải trình tiêu chí bị thẩm định hạ điểm.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Ghi nội dung giải trình."})
    try:
        with transaction.atomic():
            explanation = Explanation.objects.create(
                criteria_set=criteria_set, subject=subject, criterion=criterion, text=text, filed_by=by
            )
    except IntegrityError as exc:
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
    criteria_set = _locked_set(explanation.criteria_set)
    _ensure_reviewing(criteria_set)
    explanation = (
        Explanation.objects.select_for_update().select_related("criterion", "subject").get(pk=explanation.pk)
    )
    criterion = explanation.criterion
    problem = arithmetic.check_decision(criterion, points)
    if problem:
        raise ValidationError({"points": problem})
    old = None if explanation.decided_points is None else str(explanation.decided_points)
    explanation.decided_points = arithmetic.signed_points(criterion, points)
    explanation.decision_note = note.strip()
    explanation.decided_at, explanation.decided_by = timezone.now(), by
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
