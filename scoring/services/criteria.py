"""The criteria set: building it (by hand or from a spreadsheet), its settings, opening, locking,
reopening scoring and publishing the ranking."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from blocs.audit import audit_record, check_version, ensure_term_open, locked, save_changes, snapshot
from blocs.models import Term, User
from blocs.services import term_require_leader
from scoring import tables
from scoring.models import CriteriaSet, Criterion, CriterionKind, Score, ScoringState
from scoring.outstanding import lock_outstanding
from scoring.permissions import is_past_deadline
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


def locked_set(criteria_set: CriteriaSet) -> CriteriaSet:
    """The set, locked until the transaction ends: every write of scoring takes this lock first, so
    that writes to one term's scores happen one after the other."""
    return locked(CriteriaSet, criteria_set.pk, related=("term__bloc",))


def _ensure_setup(criteria_set: CriteriaSet) -> None:
    ensure_term_open(criteria_set.term)
    if criteria_set.state != ScoringState.SETUP:
        raise ValidationError("Đã mở chấm điểm: bảng tiêu chí không sửa được nữa.")


# Criteria sets ----------------------------------------------------------------------------------


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
    criteria_set = CriteriaSet(term=term, name=name.strip())
    criteria_set.full_clean()
    criteria_set.save()
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
    """Name, final rule, tie-break rules and explanation deadline (the model checks each). A change
    of the final rule recomputes every final score."""
    criteria_set = locked_set(criteria_set)
    ensure_term_open(criteria_set.term)
    check_version(criteria_set.lock_version, lock_version)
    values = {field: data[field] for field in SETTING_FIELDS if field in data}
    _old, new = save_changes(
        criteria_set, values=values, by=by, action="criteria.settings", term=criteria_set.term
    )
    if "final_rule" in new and criteria_set.term is not None:
        final_scores_refresh(criteria_set=criteria_set)
    return criteria_set


@transaction.atomic
def criterion_add(*, criteria_set: CriteriaSet, data: dict, by: User | None) -> Criterion:
    """A group or criterion at the end of its level; `Criterion.clean` clears what its kind does not
    use and tells what it lacks."""
    criteria_set = locked_set(criteria_set)
    _ensure_setup(criteria_set)
    parent = data.get("parent")
    siblings = criteria_set.criteria.filter(parent=parent)
    position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    criterion = Criterion(criteria_set=criteria_set, position=position, **data)
    criterion.full_clean()
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
    criteria_set = locked_set(criterion.criteria_set)
    _ensure_setup(criteria_set)
    criterion = Criterion.objects.get(pk=criterion.pk)
    if "kind" in data and (data["kind"] == CriterionKind.GROUP) != criterion.is_group:
        raise ValidationError({"kind": "Không đổi được giữa nhóm và tiêu chí; hãy xóa rồi thêm mới."})
    # Every field the kind may clear is audited and saved, not only those posted.
    values = {f: getattr(criterion, f) for f in CRITERION_FIELDS}
    values |= {f: v for f, v in data.items() if f != "parent"}
    if "parent" in data:
        values["parent_id"] = data["parent"].pk if data["parent"] is not None else None
    save_changes(
        criterion,
        values=values,
        by=by,
        action="criterion.update",
        term=criteria_set.term,
        version_field=None,
    )
    return criterion


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: int, by: User | None) -> None:
    """Swap with the previous (-1) or next (+1) sibling."""
    criteria_set = locked_set(criterion.criteria_set)
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
    criteria_set = locked_set(criterion.criteria_set)
    _ensure_setup(criteria_set)
    if criterion.children.exists():
        raise ValidationError("Nhóm còn tiêu chí; hãy xóa hoặc chuyển các tiêu chí trong nhóm trước.")
    if criterion.scores.exists():
        raise ValidationError("Tiêu chí đã có điểm, không xóa được.")
    old = snapshot(criterion, CRITERION_FIELDS)
    audit_record(actor=by, action="criterion.remove", obj=criterion, term=criteria_set.term, old=old)
    criterion.delete()


# Opening, locking, reopening, publishing ---------------------------------------------------------


@transaction.atomic
def scoring_open(*, criteria_set: CriteriaSet, deadline: datetime, by: User | None) -> CriteriaSet:
    criteria_set = locked_set(criteria_set)
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
    criteria_set.full_clean()
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
def scoring_lock(
    *, criteria_set: CriteriaSet, by: User | None, acknowledged: Collection[int] | None = None
) -> CriteriaSet:
    """Lock scoring: refused while a lowered score may still be explained or an explanation awaits
    its decision (`scoring.outstanding`); the members without a sheet or a review must be the ones
    the caller confirmed locking without (`acknowledged`, their membership pks), so that a member
    who fell behind after the confirmation page was read is never locked out unseen. A caller
    without a page (a command, the demo) passes None: the audit event names them all the same."""
    criteria_set = locked_set(criteria_set)
    ensure_term_open(criteria_set.term)
    if criteria_set.state != ScoringState.OPEN:
        raise ValidationError("Chỉ khóa được khi đang chấm điểm.")
    outstanding = lock_outstanding(criteria_set)
    if outstanding.blocking:
        raise ValidationError(
            "Chưa khóa được: còn điểm bị hạ mà đơn vị còn quyền giải trình, hoặc giải trình chờ quyết định."
        )
    if acknowledged is not None and outstanding.acknowledged != sorted(set(acknowledged)):
        raise ValidationError(
            "Danh sách đơn vị chưa nộp phiếu hoặc chưa được thẩm định đã thay đổi; xem lại trước khi khóa."
        )
    criteria_set.state = ScoringState.LOCKED
    criteria_set.locked_at = timezone.now()
    criteria_set.lock_version += 1
    criteria_set.full_clean()
    criteria_set.save()
    audit_record(
        actor=by,
        action="scoring.lock",
        obj=criteria_set,
        term=criteria_set.term,
        old={"state": ScoringState.OPEN},
        new={"state": ScoringState.LOCKED}
        | ({"missing": [m.name for m in outstanding.missing]} if outstanding.missing else {})
        | ({"unreviewed": [m.name for m in outstanding.unreviewed]} if outstanding.unreviewed else {}),
    )
    return criteria_set


@transaction.atomic
def scoring_reopen(
    *, criteria_set: CriteriaSet, deadline: datetime, reason: str, by: User | None
) -> CriteriaSet:
    """Board staff reopen scoring after the lock or the deadline, with a reason and a new deadline."""
    criteria_set = locked_set(criteria_set)
    ensure_term_open(criteria_set.term)
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
    criteria_set.full_clean()
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


@transaction.atomic
def ranking_publish(*, criteria_set: CriteriaSet, by: User | None) -> CriteriaSet:
    """The leader publishes the ranking to the members, once scoring is locked."""
    criteria_set = locked_set(criteria_set)
    if criteria_set.state != ScoringState.LOCKED:
        raise ValidationError("Khóa chấm điểm trước khi công bố xếp hạng.")
    if criteria_set.published_at is not None:
        return criteria_set
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["published_at"])
    audit_record(
        actor=by,
        action="ranking.publish",
        obj=criteria_set,
        term=criteria_set.term,
        new={"published_at": criteria_set.published_at.isoformat()},
    )
    return criteria_set


# Import from a spreadsheet ----------------------------------------------------------------------


@transaction.atomic
def criteria_import(*, criteria_set: CriteriaSet, upload: UploadedFile, by: User | None) -> int:
    """Replace the criteria of a set in setup by the rows of `upload`; returns how many were imported.

    Tie-break rules that name a criterion are dropped: the criteria they named are gone.
    """
    criteria_set = locked_set(criteria_set)
    ensure_term_open(criteria_set.term)
    if criteria_set.state != ScoringState.SETUP:
        raise ValidationError("Bảng tiêu chí đã mở chấm điểm, không thay được.")
    if Score.objects.filter(criterion__criteria_set=criteria_set).exists():
        raise ValidationError("Tiêu chí đã có điểm, không thay được bảng tiêu chí.")
    rows = tables.parse(upload)

    existing = Criterion.objects.filter(criteria_set=criteria_set)
    old = {"criteria": existing.count()}
    try:
        existing.filter(parent__isnull=False).delete()
        existing.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "Tiêu chí đã có minh chứng hoặc giải trình, không thay được bảng tiêu chí."
        ) from exc

    group = None
    top_position = child_position = 0
    for row in rows:
        if row.in_group:
            child_position += 1
            parent, position = group, child_position
        else:
            top_position += 1
            parent, position = None, top_position
        criterion = Criterion(
            criteria_set=criteria_set,
            parent=parent,
            position=position,
            code=row.code,
            kind=row.kind,
            text=row.text,
            max_points=row.max_points,
            step=row.step,
            unit_points=row.unit_points,
            indicator=row.indicator,
            guidance=row.guidance,
        )
        try:
            criterion.full_clean()
        except ValidationError as exc:
            raise ValidationError([f"Dòng {row.line}: {message}" for message in exc.messages]) from exc
        criterion.save()
        if row.is_group:
            group, child_position = criterion, 0

    new = {"criteria": len(rows), "file": upload.name}
    kept = [rule for rule in criteria_set.tie_break if not (isinstance(rule, dict) and "criterion" in rule)]
    if kept != criteria_set.tie_break:
        old["tie_break"], new["tie_break"] = criteria_set.tie_break, kept
        criteria_set.tie_break = kept
        criteria_set.lock_version += 1
        criteria_set.save(update_fields=["tie_break", "lock_version"])
    audit_record(
        actor=by, action="criteria.import", obj=criteria_set, term=criteria_set.term, old=old, new=new
    )
    return len(rows)
