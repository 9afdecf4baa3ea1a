"""The criteria set: building it, its settings, opening, locking and reopening scoring."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from blocs.audit import audit_record, snapshot
from blocs.models import Term, User
from blocs.services import term_require_leader
from scoring import arithmetic
from scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    ScoringState,
)
from scoring.services.common import _check_version, _ensure_setup, _ensure_term_open, _locked_set
from scoring.services.finals import final_scores_refresh

CRITERION_FIELDS = [
    "parent_id",
    "code",
    "text",
    "kind",
    "max_points",
    "step",
    "unit_points",
    "indicator",
    "guidance",
]
SETTING_FIELDS = ["name", "final_rule", "tie_break", "explanation_deadline"]


# Criteria sets ----------------------------------------------------------------------------------


def previous_set(term: Term) -> CriteriaSet | None:
    """The bloc's most recent earlier criteria set, to copy from."""
    return (
        CriteriaSet.objects.filter(term__bloc_id=term.bloc_id, term__year__lt=term.year)
        .order_by("-term__year")
        .first()
    )


def _copy_criteria(*, source: CriteriaSet, target: CriteriaSet) -> int:
    groups = {}
    copied = 0
    for criterion in source.criteria.in_order().select_related(None):
        parent = groups.get(criterion.parent_id)
        new = Criterion.objects.create(
            criteria_set=target,
            parent=parent,
            position=criterion.position,
            **{f: getattr(criterion, f) for f in CRITERION_FIELDS if f != "parent_id"},
        )
        if criterion.is_group:
            groups[criterion.pk] = new
        copied += 1
    return copied


@transaction.atomic
def criteria_set_create(
    *, term: Term | None, by: User | None, source: CriteriaSet | None = None, name: str = ""
) -> CriteriaSet:
    """A term's criteria set (or, with no term, a board template), optionally copied from `source`."""
    if term is not None:
        term = Term.objects.select_for_update().get(pk=term.pk)
        if not term.is_open:
            raise ValidationError(f"Năm thi đua {term.year} đã kết thúc.")
        term_require_leader(term)
        if CriteriaSet.objects.filter(term=term).exists():
            raise ValidationError("Khối đã có bảng tiêu chí năm nay.")
        name = name or f"Bảng tiêu chí chấm điểm thi đua năm {term.year}"
    elif not name.strip():
        raise ValidationError("Đặt tên cho bảng tiêu chí mẫu.")
    criteria_set = CriteriaSet.objects.create(term=term, name=name.strip())
    copied = _copy_criteria(source=source, target=criteria_set) if source is not None else 0
    audit_record(
        actor=by,
        action="criteria.create",
        obj=criteria_set,
        term=term,
        new={"name": criteria_set.name, "copied_from": source.pk if source else None, "criteria": copied},
    )
    return criteria_set


@transaction.atomic
def criteria_settings_update(
    *, criteria_set: CriteriaSet, data: dict, lock_version: int | None, by: User | None
):
    criteria_set = _locked_set(criteria_set)
    _ensure_term_open(criteria_set)
    _check_version(criteria_set.lock_version, lock_version)
    before = snapshot(criteria_set, SETTING_FIELDS)
    for field in SETTING_FIELDS:
        if field in data:
            setattr(criteria_set, field, data[field])
    criteria_set.lock_version += 1
    criteria_set.full_clean()
    criteria_set.save()
    after = snapshot(criteria_set, SETTING_FIELDS)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=by,
            action="criteria.settings",
            obj=criteria_set,
            term=criteria_set.term,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
        )
    if "final_rule" in changed and criteria_set.term is not None:
        final_scores_refresh(criteria_set=criteria_set)
    return criteria_set


def _clean_criterion(criterion: Criterion) -> None:
    if criterion.parent_id is not None:
        parent = criterion.parent
        if parent.criteria_set_id != criterion.criteria_set_id or not parent.is_group:
            raise ValidationError({"parent": "Chỉ xếp tiêu chí vào một nhóm của cùng bảng."})
        if criterion.is_group:
            raise ValidationError({"parent": "Nhóm tiêu chí phải ở cấp cao nhất."})
    if criterion.is_group:
        criterion.max_points, criterion.step, criterion.unit_points, criterion.indicator = (
            Decimal(0),
            None,
            None,
            "",
        )
    if criterion.kind not in (CriterionKind.POINTS, CriterionKind.BONUS, CriterionKind.DEDUCTION):
        criterion.step = None
    if criterion.kind not in (CriterionKind.OCCURRENCE, CriterionKind.TARGET):
        criterion.unit_points = None
    if criterion.kind != CriterionKind.TARGET:
        criterion.indicator = ""
    errors = {}
    if not criterion.is_group and (criterion.max_points is None or criterion.max_points <= 0):
        errors["max_points"] = "Điểm tối đa phải lớn hơn 0."
    if criterion.kind in (CriterionKind.POINTS, CriterionKind.BONUS, CriterionKind.DEDUCTION):
        if criterion.step is None or criterion.step <= 0:
            errors["step"] = "Ghi bước điểm (ví dụ 0,5)."
        elif criterion.max_points and not arithmetic._on_step(criterion.max_points, criterion.step):
            errors["step"] = "Điểm tối đa phải là bội của bước điểm."
    if criterion.kind in (CriterionKind.OCCURRENCE, CriterionKind.TARGET) and not (
        criterion.unit_points and criterion.unit_points > 0
    ):
        errors["unit_points"] = "Ghi số điểm cho mỗi lần hoặc mỗi 1 % chỉ tiêu."
    if criterion.kind == CriterionKind.TARGET and not criterion.indicator.strip():
        errors["indicator"] = "Ghi tên chỉ tiêu đăng ký dùng để tính điểm."
    if errors:
        raise ValidationError(errors)
    criterion.full_clean()


@transaction.atomic
def criterion_add(*, criteria_set: CriteriaSet, data: dict, by: User | None) -> Criterion:
    criteria_set = _locked_set(criteria_set)
    _ensure_setup(criteria_set)
    parent = data.get("parent")
    siblings = criteria_set.criteria.filter(parent=parent)
    position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    criterion = Criterion(criteria_set=criteria_set, position=position, **data)
    _clean_criterion(criterion)
    criterion.save()
    audit_record(
        actor=by,
        action="criterion.add",
        obj=criterion,
        term=criteria_set.term,
        new=snapshot(criterion, CRITERION_FIELDS),
    )
    return criterion


@transaction.atomic
def criterion_update(*, criterion: Criterion, data: dict, by: User | None) -> Criterion:
    criteria_set = _locked_set(criterion.criteria_set)
    _ensure_setup(criteria_set)
    criterion = Criterion.objects.get(pk=criterion.pk)
    before = snapshot(criterion, CRITERION_FIELDS)
    if "kind" in data and (data["kind"] == CriterionKind.GROUP) != criterion.is_group:
        raise ValidationError({"kind": "Không đổi được giữa nhóm và tiêu chí; hãy xóa rồi thêm mới."})
    for field, value in data.items():
        setattr(criterion, field, value)
    _clean_criterion(criterion)
    criterion.save()
    after = snapshot(criterion, CRITERION_FIELDS)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        audit_record(
            actor=by,
            action="criterion.update",
            obj=criterion,
            term=criteria_set.term,
            old={k: before[k] for k in changed},
            new={k: after[k] for k in changed},
        )
    return criterion


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: int, by: User | None) -> None:
    """Swap with the previous (-1) or next (+1) sibling."""
    criteria_set = _locked_set(criterion.criteria_set)
    _ensure_setup(criteria_set)
    siblings = list(criteria_set.criteria.filter(parent_id=criterion.parent_id).order_by("position", "pk"))
    index = next(i for i, c in enumerate(siblings) if c.pk == criterion.pk)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, 1):
        if sibling.position != position:
            Criterion.objects.filter(pk=sibling.pk).update(position=position)
    audit_record(
        actor=by, action="criterion.move", obj=criterion, term=criteria_set.term, new={"position": other + 1}
    )


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: User | None) -> None:
    criteria_set = _locked_set(criterion.criteria_set)
    _ensure_setup(criteria_set)
    if criterion.children.exists():
        raise ValidationError("Nhóm còn tiêu chí; hãy xóa hoặc chuyển các tiêu chí trong nhóm trước.")
    if criterion.scores.exists():
        raise ValidationError("Tiêu chí đã có điểm, không xóa được.")
    old = snapshot(criterion, CRITERION_FIELDS)
    audit_record(actor=by, action="criterion.remove", obj=criterion, term=criteria_set.term, old=old)
    criterion.delete()


# Opening, locking and reopening -----------------------------------------------------------------


@transaction.atomic
def scoring_open(*, criteria_set: CriteriaSet, deadline: datetime, by: User | None) -> CriteriaSet:
    criteria_set = _locked_set(criteria_set)
    if criteria_set.is_template:
        raise ValidationError("Bảng tiêu chí mẫu không dùng để chấm điểm.")
    _ensure_setup(criteria_set)
    term_require_leader(criteria_set.term)
    if not criteria_set.criteria.filter(
        kind__in=[k.value for k in CriterionKind if k != CriterionKind.GROUP]
    ).exists():
        raise ValidationError("Bảng tiêu chí chưa có tiêu chí nào để chấm.")
    if deadline <= timezone.now():
        raise ValidationError({"deadline": "Hạn nộp phải ở sau thời điểm hiện tại."})
    criteria_set.state = ScoringState.OPEN
    criteria_set.deadline = deadline
    criteria_set.opened_at = timezone.now()
    criteria_set.lock_version += 1
    criteria_set.save()
    audit_record(
        actor=by,
        action="scoring.open",
        obj=criteria_set,
        term=criteria_set.term,
        old={"state": ScoringState.SETUP},
        new={"state": ScoringState.OPEN, "deadline": deadline.isoformat()},
    )
    return criteria_set


@transaction.atomic
def scoring_lock(*, criteria_set: CriteriaSet, by: User | None) -> CriteriaSet:
    criteria_set = _locked_set(criteria_set)
    _ensure_term_open(criteria_set)
    if criteria_set.state != ScoringState.OPEN:
        raise ValidationError("Chỉ khóa được khi đang chấm điểm.")
    criteria_set.state = ScoringState.LOCKED
    criteria_set.locked_at = timezone.now()
    criteria_set.lock_version += 1
    criteria_set.save()
    audit_record(
        actor=by,
        action="scoring.lock",
        obj=criteria_set,
        term=criteria_set.term,
        old={"state": ScoringState.OPEN},
        new={"state": ScoringState.LOCKED},
    )
    return criteria_set


@transaction.atomic
def scoring_reopen(
    *, criteria_set: CriteriaSet, deadline: datetime, reason: str, by: User | None
) -> CriteriaSet:
    """Board staff reopen scoring after the lock or the deadline, with a reason and a new deadline."""
    criteria_set = _locked_set(criteria_set)
    _ensure_term_open(criteria_set)
    if not reason.strip():
        raise ValidationError({"reason": "Ghi lý do mở lại."})
    if criteria_set.state == ScoringState.SETUP:
        raise ValidationError("Chưa mở chấm điểm.")
    if criteria_set.state == ScoringState.OPEN and not is_past_deadline(criteria_set):
        raise ValidationError("Đang trong hạn chấm điểm; không cần mở lại.")
    if deadline <= timezone.now():
        raise ValidationError({"deadline": "Hạn nộp mới phải ở sau thời điểm hiện tại."})
    old = {"state": criteria_set.state, "deadline": criteria_set.deadline.isoformat()}
    criteria_set.state = ScoringState.OPEN
    criteria_set.deadline = deadline
    criteria_set.locked_at = None
    criteria_set.published_at = None  # the ranking may change: members see it again once republished
    criteria_set.lock_version += 1
    criteria_set.save()
    audit_record(
        actor=by,
        action="scoring.reopen",
        obj=criteria_set,
        term=criteria_set.term,
        old=old,
        new={"state": ScoringState.OPEN, "deadline": deadline.isoformat()},
        reason=reason.strip(),
    )
    return criteria_set


def is_past_deadline(criteria_set: CriteriaSet) -> bool:
    return criteria_set.deadline is not None and timezone.now() > criteria_set.deadline


def accepting_self_assessment(criteria_set: CriteriaSet) -> bool:
    return (
        criteria_set.state == ScoringState.OPEN
        and not is_past_deadline(criteria_set)
        and criteria_set.term is not None
        and criteria_set.term.is_open
    )
