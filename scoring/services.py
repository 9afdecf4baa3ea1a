"""Writes of the scoring app: one transaction each, with its audit event (old value, new value)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import Agreement, Target
from blocs.models import Membership, Term, User
from blocs.services import audit_record, snapshot, term_require_leader
from blocs.uploads import validate_upload
from scoring import rules
from scoring.models import (
    SCORED_KINDS,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Evidence,
    Layer,
    Score,
    ScoringState,
    SheetStatus,
)

STALE = "Người khác vừa sửa phiếu này. Hãy tải lại trang để xem bản mới nhất rồi nhập lại."
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
EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")


def _locked_set(criteria_set: CriteriaSet) -> CriteriaSet:
    return (
        CriteriaSet.objects.select_for_update(of=("self",))
        .select_related("term__bloc")
        .get(pk=criteria_set.pk)
    )


def _ensure_term_open(criteria_set: CriteriaSet) -> None:
    if criteria_set.term is not None and not criteria_set.term.is_open:
        raise ValidationError(f"Năm thi đua {criteria_set.term.year} đã kết thúc; dữ liệu chỉ còn để xem.")


def _ensure_setup(criteria_set: CriteriaSet) -> None:
    _ensure_term_open(criteria_set)
    if criteria_set.state != ScoringState.SETUP:
        raise ValidationError("Đã mở chấm điểm: bảng tiêu chí không sửa được nữa.")


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise ValidationError(STALE, code="stale")


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
        elif criterion.max_points and not rules._on_step(criterion.max_points, criterion.step):
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


# Self-assessment --------------------------------------------------------------------------------


def self_sheet(*, criteria_set: CriteriaSet, membership: Membership) -> Assessment | None:
    return Assessment.objects.filter(criteria_set=criteria_set, subject=membership, layer=Layer.SELF).first()


def _get_or_create_self_sheet(
    criteria_set: CriteriaSet, membership: Membership, by: User | None
) -> Assessment:
    sheet = self_sheet(criteria_set=criteria_set, membership=membership)
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                criteria_set=criteria_set, subject=membership, layer=Layer.SELF, updated_by=by
            )
    except IntegrityError:  # the same unit opened its sheet in another request at the same moment
        return Assessment.objects.get(criteria_set=criteria_set, subject=membership, layer=Layer.SELF)


def registered_targets(membership: Membership) -> dict[str, Decimal]:
    """The member's targets in the term's current agreement, by normalized indicator name."""
    agreement = Agreement.objects.current().filter(term_id=membership.term_id).first()
    if agreement is None:
        return {}
    targets = Target.objects.filter(registration__agreement=agreement, registration__membership=membership)
    return {rules.normalize_indicator(t.indicator): t.value for t in targets}


@dataclass(frozen=True)
class Cell:
    """What was typed in one cell: the points (or the amount deducted), or the count / value achieved."""

    points: Decimal | None = None
    quantity: Decimal | None = None
    note: str = ""


def _audit_value(score: Score | None) -> dict | None:
    if score is None:
        return None
    return {"points": str(score.points), "quantity": None if score.quantity is None else str(score.quantity)}


def _evaluate(
    criteria_set: CriteriaSet, membership: Membership, cells: dict[int, Cell], sheet: Assessment | None
) -> tuple[dict[str, str], list[tuple[Criterion, Score | None, dict | None]]]:
    """Check every cell against its criterion: the messages by `c<pk>`, and the changes to make."""
    criteria = {c.pk: c for c in criteria_set.criteria.scorable()}
    needs_targets = any(criteria[pk].kind == CriterionKind.TARGET for pk in cells if pk in criteria)
    targets = registered_targets(membership) if needs_targets else {}
    existing = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    errors: dict[str, str] = {}
    changes: list[tuple[Criterion, Score | None, dict | None]] = []
    for pk, cell in cells.items():
        criterion = criteria.get(pk)
        if criterion is None:
            raise ValidationError("Phiếu có tiêu chí không thuộc bảng tiêu chí này; hãy tải lại trang.")
        target = targets.get(rules.normalize_indicator(criterion.indicator)) if criterion.indicator else None
        try:
            points = rules.points_from_input(
                criterion, points=cell.points, quantity=cell.quantity, target=target
            )
        except rules.Invalid as exc:
            errors[f"c{pk}"] = str(exc)
            continue
        old = existing.get(pk)
        if points is None:
            if old is not None:
                changes.append((criterion, old, None))
            continue
        values = {"points": points, "quantity": cell.quantity, "target_value": target, "note": cell.note}
        if old is None or any(getattr(old, k) != v for k, v in values.items()):
            changes.append((criterion, old, values))
    return errors, changes


def sheet_errors(
    *, criteria_set: CriteriaSet, membership: Membership, cells: dict[int, Cell]
) -> dict[str, str]:
    """The messages of the cells that do not fit their criteria, without saving anything."""
    return _evaluate(criteria_set, membership, cells, None)[0]


@transaction.atomic
def sheet_save(
    *,
    criteria_set: CriteriaSet,
    membership: Membership,
    cells: dict[int, Cell],
    lock_version: int | None,
    by: User | None,
) -> Assessment | None:
    """Save the member's self-assessment draft. Every cell is checked first; one bad cell saves nothing
    (the ValidationError maps `c<criterion pk>` to its message). Posting what is already stored (a
    double click) changes nothing and is not an error."""
    criteria_set = _locked_set(criteria_set)
    sheet = (
        Assessment.objects.select_for_update()
        .filter(criteria_set=criteria_set, subject=membership, layer=Layer.SELF)
        .first()
    )
    errors, changes = _evaluate(criteria_set, membership, cells, sheet)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return sheet
    if not accepting_self_assessment(criteria_set):
        raise ValidationError("Ngoài thời gian tự chấm: chưa mở, đã khóa hoặc đã quá hạn.")
    if sheet is None:
        sheet = _get_or_create_self_sheet(criteria_set, membership, by)
        sheet = Assessment.objects.select_for_update().get(pk=sheet.pk)
    elif sheet.is_submitted:
        raise ValidationError("Phiếu tự chấm đã nộp; chỉ còn để xem.")
    else:
        _check_version(sheet.lock_version, lock_version)
    now = timezone.now()
    for criterion, old, values in changes:
        before = _audit_value(old)
        if values is None:
            audit_record(actor=by, action="score.clear", obj=old, term=criteria_set.term, old=before)
            old.delete()
            continue
        score, _ = Score.objects.update_or_create(
            assessment=sheet,
            criterion=criterion,
            defaults={**values, "kind": criterion.kind, "updated_at": now},
        )
        after = _audit_value(score)
        if after != before:
            audit_record(
                actor=by, action="score.self", obj=score, term=criteria_set.term, old=before, new=after
            )
    sheet.lock_version += 1
    sheet.updated_at, sheet.updated_by = now, by
    sheet.save(update_fields=["lock_version", "updated_at", "updated_by"])
    return sheet


def sheet_totals(sheet: Assessment) -> dict[str, Decimal]:
    """The sheet's totals, computed by the database: scored criteria, bonus, deductions, total."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=10, decimal_places=2))
    return Score.objects.filter(assessment=sheet).aggregate(
        base=Coalesce(Sum("points", filter=Q(kind__in=SCORED_KINDS)), zero),
        bonus=Coalesce(Sum("points", filter=Q(kind=CriterionKind.BONUS)), zero),
        deduction=Coalesce(Sum("points", filter=Q(kind=CriterionKind.DEDUCTION)), zero),
        total=Coalesce(Sum("points"), zero),
    )


def missing_for_submit(sheet: Assessment) -> list[Criterion]:
    """Scored criteria (bonus and deduction are optional) that the sheet has not filled in."""
    filled = sheet.scores.values("criterion_id")
    return list(
        sheet.criteria_set.criteria.filter(
            kind__in=[
                k.value
                for k in (
                    CriterionKind.POINTS,
                    CriterionKind.PASS_FAIL,
                    CriterionKind.OCCURRENCE,
                    CriterionKind.TARGET,
                )
            ]
        )
        .exclude(pk__in=filled)
        .in_order()
    )


@transaction.atomic
def sheet_submit(*, sheet: Assessment, lock_version: int | None, by: User | None) -> Assessment:
    criteria_set = _locked_set(sheet.criteria_set)
    sheet = Assessment.objects.select_for_update().get(pk=sheet.pk)
    if sheet.is_submitted:
        return sheet  # a double click: submitted once
    if not accepting_self_assessment(criteria_set):
        raise ValidationError("Ngoài thời gian tự chấm: chưa mở, đã khóa hoặc đã quá hạn.")
    _check_version(sheet.lock_version, lock_version)
    missing = missing_for_submit(sheet)
    if missing:
        listed = ", ".join(c.code or c.text[:40] for c in missing[:10])
        raise ValidationError(f"Còn {len(missing)} tiêu chí chưa chấm: {listed}.")
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at, sheet.submitted_by = timezone.now(), by
    sheet.lock_version += 1
    sheet.save()
    audit_record(
        actor=by,
        action="sheet.submit",
        obj=sheet,
        term=criteria_set.term,
        old={"status": SheetStatus.DRAFT},
        new={"status": SheetStatus.SUBMITTED},
    )
    return sheet


@transaction.atomic
def evidence_add(
    *, criteria_set: CriteriaSet, membership: Membership, criterion: Criterion, upload, by: User | None
) -> Evidence:
    """Attach a file (checked by content and size) to one criterion of the member's own sheet."""
    criteria_set = _locked_set(criteria_set)
    if not accepting_self_assessment(criteria_set):
        raise ValidationError("Ngoài thời gian tự chấm; không thêm minh chứng được.")
    if criterion.criteria_set_id != criteria_set.pk or criterion.is_group:
        raise ValidationError("Tiêu chí không thuộc phiếu này.")
    sheet = _get_or_create_self_sheet(criteria_set, membership, by)
    sheet = Assessment.objects.select_for_update().get(pk=sheet.pk)
    if sheet.is_submitted:
        raise ValidationError("Phiếu đã nộp; không thêm minh chứng được.")
    kind = validate_upload(upload, kinds=EVIDENCE_KINDS)
    digest = _sha256(upload)
    evidence = Evidence(
        assessment=sheet,
        criterion=criterion,
        file_kind=kind,
        original_name=(upload.name or "minh-chung")[:255],
        size=upload.size,
        sha256=digest,
        uploaded_by=by,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    audit_record(
        actor=by,
        action="evidence.add",
        obj=evidence,
        term=criteria_set.term,
        new={"criterion": criterion.pk, "name": evidence.original_name, "sha256": digest},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: User | None) -> None:
    sheet = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("criteria_set__term")
        .get(pk=evidence.assessment_id)
    )
    if sheet.is_submitted or not accepting_self_assessment(sheet.criteria_set):
        raise ValidationError("Phiếu đã nộp hoặc ngoài thời gian tự chấm; không xóa minh chứng được.")
    audit_record(
        actor=by,
        action="evidence.remove",
        obj=evidence,
        term=sheet.criteria_set.term,
        old={"criterion": evidence.criterion_id, "name": evidence.original_name, "sha256": evidence.sha256},
    )
    name = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.storage.delete(name))


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
