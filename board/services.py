"""The board's writes: the deadlines it sets for every bloc of a year, and the province's decisions
on the units the blocs proposed. One transaction each, with its audit events; the reads are in
`board.selectors`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from blocs.audit import STALE, audit_record, check_version, snapshot
from blocs.models import Membership, Term, User
from board import selectors
from board.models import AwardDecision, BoardDeadline

Item = BoardDeadline.Item
DECISION_FIELDS = ["awarded", "decision_number", "decision_date", "note"]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def deadlines_set(*, year: int, dues: Mapping[str, date | None], by: User | None) -> list[str]:
    """Set the board's deadlines of a year: a date sets or moves one, None removes it; items not in
    `dues` stay as they are. Returns the items that changed, each with its audit event."""
    if not 2000 <= year <= 2100:
        raise ValidationError("Năm phải trong khoảng 2000–2100.")
    unknown = set(dues) - set(Item.values)
    if unknown:
        raise ValidationError(f"Không có hạn “{', '.join(sorted(unknown))}”.")
    existing = {d.item: d for d in BoardDeadline.objects.select_for_update().filter(year=year)}
    changed = []
    for item, due in dues.items():
        current = existing.get(item)
        old = current.due if current else None
        if old == due:
            continue
        if due is None:
            audit_record(actor=by, action="board_deadline.clear", obj=current, old={"due": _iso(old)})
            current.delete()
        else:
            if current is None:
                current = BoardDeadline.objects.create(year=year, item=item, due=due)
            else:
                current.due = due
                current.save(update_fields=["due"])
            audit_record(
                actor=by,
                action="board_deadline.set",
                obj=current,
                old={"due": _iso(old)} if old else None,
                new={"due": _iso(due)},
            )
        changed.append(item)
    return changed


@transaction.atomic
def award_decision_record(
    *,
    term: Term,
    membership: Membership,
    award: str,
    awarded: bool,
    decision_number: str = "",
    decision_date: date | None = None,
    note: str = "",
    lock_version: int | None = None,
    by: User | None,
) -> AwardDecision:
    """Record (or correct) the province's decision on a unit the term proposed for an award, after
    the decision's own rules (`AwardDecision`'s validators and `clean`). `lock_version` is the version
    of the decision the form showed, None when it showed none: a decision recorded or corrected by
    someone else since is not overwritten (STALE)."""
    if membership.term_id != term.pk or not selectors.is_proposed(term, membership=membership, award=award):
        raise ValidationError("Đơn vị này không được khối đề nghị cho hình thức khen thưởng này.")
    decision = AwardDecision.objects.select_for_update().filter(membership=membership, award=award).first()
    if decision is not None and lock_version is None:
        raise ValidationError(STALE, code="stale")  # recorded since the form showed none
    check_version(decision.lock_version if decision is not None else None, lock_version)
    creating = decision is None
    if creating:
        decision = AwardDecision(term=term, membership=membership, award=award)
    before = None if creating else snapshot(decision, DECISION_FIELDS)
    values = {
        "awarded": awarded,
        "decision_number": decision_number,
        "decision_date": decision_date,
        "note": note,
    }
    for name, value in values.items():
        setattr(decision, name, value)
    # The term, the unit and the award are the proposal's, checked above; the rest is the user's.
    decision.full_clean(exclude=["term", "membership", "award", "recorded_by"])
    after = snapshot(decision, DECISION_FIELDS)
    if after == before:
        return decision
    decision.recorded_at = timezone.now()
    decision.recorded_by = by if by is not None and by.is_authenticated else None
    if not creating:
        decision.lock_version += 1
    decision.save()
    audit_record(actor=by, action="award_decision.record", obj=decision, term=term, old=before, new=after)
    return decision
