"""The members' self-assessment sheets and their evidence."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import Agreement, Target
from blocs.audit import audit_record
from blocs.models import Membership, User
from blocs.uploads import validate_upload
from scoring import arithmetic
from scoring.models import (
    SCORED_KINDS,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Evidence,
    Layer,
    Score,
    Sheet,
    SheetStatus,
)
from scoring.services.common import _check_version, _locked_set
from scoring.services.criteria import accepting_self_assessment
from scoring.services.finals import final_scores_refresh

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")


# Self-assessment --------------------------------------------------------------------------------


def self_sheet(*, criteria_set: CriteriaSet, membership: Membership) -> Sheet | None:
    return Sheet.objects.filter(criteria_set=criteria_set, subject=membership, layer=Layer.SELF).first()


def _get_or_create_self_sheet(criteria_set: CriteriaSet, membership: Membership, by: User | None) -> Sheet:
    sheet = self_sheet(criteria_set=criteria_set, membership=membership)
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            return Sheet.objects.create(
                criteria_set=criteria_set, subject=membership, layer=Layer.SELF, updated_by=by
            )
    except IntegrityError:  # the same unit opened its sheet in another request at the same moment
        return Sheet.objects.get(criteria_set=criteria_set, subject=membership, layer=Layer.SELF)


def registered_targets(membership: Membership) -> dict[str, Decimal]:
    """The member's targets in the term's current agreement, by normalized indicator name."""
    agreement = Agreement.objects.current().filter(term_id=membership.term_id).first()
    if agreement is None:
        return {}
    targets = Target.objects.filter(registration__agreement=agreement, registration__membership=membership)
    return {arithmetic.normalize_indicator(t.indicator): t.value for t in targets}


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
    criteria_set: CriteriaSet, membership: Membership, cells: dict[int, Cell], sheet: Sheet | None
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
        target = (
            targets.get(arithmetic.normalize_indicator(criterion.indicator)) if criterion.indicator else None
        )
        try:
            points = arithmetic.points_from_input(
                criterion, points=cell.points, quantity=cell.quantity, target=target
            )
        except arithmetic.Invalid as exc:
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
) -> Sheet | None:
    """Save the member's self-assessment draft. Every cell is checked first; one bad cell saves nothing
    (the ValidationError maps `c<criterion pk>` to its message). Posting what is already stored (a
    double click) changes nothing and is not an error."""
    criteria_set = _locked_set(criteria_set)
    sheet = (
        Sheet.objects.select_for_update()
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
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    elif sheet.is_submitted:
        raise ValidationError("Phiếu tự chấm đã nộp; chỉ còn để xem.")
    else:
        _check_version(sheet.lock_version, lock_version)
    _apply(sheet, changes, by=by, action="score.self")
    return sheet


def _apply(sheet: Sheet, changes, *, by: User | None, action: str) -> None:
    """Write the checked changes of one sheet, each with its audit event, and bump its version."""
    now = timezone.now()
    term = sheet.criteria_set.term
    for criterion, old, values in changes:
        before = _audit_value(old)
        if values is None:
            audit_record(actor=by, action="score.clear", obj=old, term=term, old=before)
            old.delete()
            continue
        score, _ = Score.objects.update_or_create(
            sheet=sheet,
            criterion=criterion,
            defaults={**values, "kind": criterion.kind, "updated_at": now},
        )
        after = _audit_value(score)
        if after != before:
            audit_record(actor=by, action=action, obj=score, term=term, old=before, new=after)
    sheet.lock_version += 1
    sheet.updated_at, sheet.updated_by = now, by
    sheet.save(update_fields=["lock_version", "updated_at", "updated_by"])


def sheet_totals(sheet: Sheet) -> dict[str, Decimal]:
    """The sheet's totals, computed by the database: scored criteria, bonus, deductions, total."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=10, decimal_places=2))
    return Score.objects.filter(sheet=sheet).aggregate(
        base=Coalesce(Sum("points", filter=Q(kind__in=SCORED_KINDS)), zero),
        bonus=Coalesce(Sum("points", filter=Q(kind=CriterionKind.BONUS)), zero),
        deduction=Coalesce(Sum("points", filter=Q(kind=CriterionKind.DEDUCTION)), zero),
        total=Coalesce(Sum("points"), zero),
    )


def missing_for_submit(sheet: Sheet) -> list[Criterion]:
    """Scored criteria (bonus and deduction are optional) that the sheet has not filled in."""
    filled = sheet.scores.values("criterion_id")
    return list(sheet.criteria_set.criteria.filter(kind__in=SCORED_KINDS).exclude(pk__in=filled).in_order())


@transaction.atomic
def sheet_submit(*, sheet: Sheet, lock_version: int | None, by: User | None) -> Sheet:
    criteria_set = _locked_set(sheet.criteria_set)
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
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
    final_scores_refresh(criteria_set=criteria_set, subjects=[sheet.subject])
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
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.is_submitted:
        raise ValidationError("Phiếu đã nộp; không thêm minh chứng được.")
    kind = validate_upload(upload, kinds=EVIDENCE_KINDS)
    digest = _sha256(upload)
    evidence = Evidence(
        sheet=sheet,
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
        Sheet.objects.select_for_update(of=("self",))
        .select_related("criteria_set__term")
        .get(pk=evidence.sheet_id)
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
