"""The members' self-assessment sheets and their evidence: saving a sheet's cells (all or none),
submitting it, attaching and removing files. Each write takes the set's lock first
(`criteria.locked_set`) and checks the window (`permissions.accepting_self_assessment`) inside it."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from blocs.audit import audit_record, check_version, locked
from blocs.models import Membership, User
from blocs.uploads import validate_upload
from scoring import selectors
from scoring.arithmetic import Cell
from scoring.models import CriteriaSet, Criterion, Evidence, Layer, Score, Sheet, SheetStatus
from scoring.permissions import accepting_self_assessment, can_edit_own_sheet
from scoring.services.criteria import locked_set
from scoring.services.finals import final_scores_refresh

EVIDENCE_KINDS = ("pdf", "png", "jpeg", "docx", "xlsx")
OUTSIDE_WINDOW = "Ngoài thời gian tự chấm: chưa mở, đã khóa hoặc đã quá hạn."


# Self-assessment --------------------------------------------------------------------------------


def _get_or_create_self_sheet(criteria_set: CriteriaSet, membership: Membership, by: User | None) -> Sheet:
    sheet = selectors.self_sheet(criteria_set=criteria_set, membership=membership)
    if sheet is not None:
        return sheet
    try:
        with transaction.atomic():
            return Sheet.objects.create(
                criteria_set=criteria_set, subject=membership, layer=Layer.SELF, updated_by=by
            )
    except IntegrityError:  # the same unit opened its sheet in another request at the same moment
        return Sheet.objects.get(criteria_set=criteria_set, subject=membership, layer=Layer.SELF)


def _audit_value(score: Score | None) -> dict | None:
    if score is None:
        return None
    return {"points": str(score.points), "quantity": None if score.quantity is None else str(score.quantity)}


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
    criteria_set = locked_set(criteria_set)
    sheet = (
        Sheet.objects.select_for_update()
        .filter(criteria_set=criteria_set, subject=membership, layer=Layer.SELF)
        .first()
    )
    errors, changes = selectors.cell_changes(criteria_set, membership, cells, sheet)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return sheet
    if not accepting_self_assessment(criteria_set):
        raise ValidationError(OUTSIDE_WINDOW)
    if sheet is None:
        sheet = _get_or_create_self_sheet(criteria_set, membership, by)
        sheet = locked(Sheet, sheet.pk)
    elif sheet.is_submitted:
        raise ValidationError("Phiếu tự chấm đã nộp; chỉ còn để xem.")
    else:
        check_version(sheet.lock_version, lock_version)
    apply_changes(sheet, changes, by=by, action="score.self")
    return sheet


def apply_changes(sheet: Sheet, changes: list[selectors.Change], *, by: User | None, action: str) -> None:
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


@transaction.atomic
def sheet_submit(*, sheet: Sheet, lock_version: int | None, by: User | None) -> Sheet:
    criteria_set = locked_set(sheet.criteria_set)
    sheet = locked(Sheet, sheet.pk)
    if sheet.is_submitted:
        return sheet  # a double click: submitted once
    if not accepting_self_assessment(criteria_set):
        raise ValidationError(OUTSIDE_WINDOW)
    check_version(sheet.lock_version, lock_version)
    missing = selectors.missing_for_submit(sheet)
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
    criteria_set = locked_set(criteria_set)
    if not accepting_self_assessment(criteria_set):
        raise ValidationError("Ngoài thời gian tự chấm; không thêm minh chứng được.")
    if criterion.criteria_set_id != criteria_set.pk or criterion.is_group:
        raise ValidationError("Tiêu chí không thuộc phiếu này.")
    sheet = _get_or_create_self_sheet(criteria_set, membership, by)
    sheet = locked(Sheet, sheet.pk)
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
    sheet = locked(Sheet, evidence.sheet_id, related=("criteria_set__term",))
    if not can_edit_own_sheet(sheet.criteria_set, sheet):
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
