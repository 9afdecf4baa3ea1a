"""The write plumbing every app's services share: the row lock, the version check with its one
message, the term-open check, saving a row's changes with their audit event, and the audit log's one
way in.

Every service writes its audit event through `audit_record`, in its own transaction. Events are
never rewritten: those written before the apps were split by domain keep the model labels of the
time (`scoring.ballot`…); `MOVED_LABELS` says what each is called now, and the audit pages and
`import_term` read old labels through it.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet

from blocs.models import AuditEvent, Term, User

# Model labels before the split of `scoring` (commit e249053) -> the labels of today: the models
# that moved to their own apps, and the sheet, first named Assessment.
MOVED_LABELS = {
    "scoring.assessment": "scoring.sheet",
    "scoring.ballot": "ballots.ballot",
    "scoring.ballotcandidate": "ballots.ballotcandidate",
    "scoring.ballotchoice": "ballots.ballotchoice",
    "scoring.ballotparticipation": "ballots.ballotparticipation",
    "scoring.ballotpresence": "ballots.ballotpresence",
    "scoring.conference": "conferences.conference",
    "scoring.conferenceattendance": "conferences.conferenceattendance",
    "scoring.document": "conferences.document",
    "scoring.awarddecision": "board.awarddecision",
    "scoring.boarddeadline": "board.boarddeadline",
}


def current_label(label: str) -> str:
    """The model label of today for a label written at any time."""
    return MOVED_LABELS.get(label, label)


def labels_of(label: str) -> list[str]:
    """Every label under which events of today's `label` may have been written."""
    return [label, *sorted(old for old, new in MOVED_LABELS.items() if new == label)]


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        # One writing per number ("50", "7.5"): a value read back as 50.00 and typed as 50 is no change.
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return value


def snapshot(obj: Model, fields: list[str]) -> dict:
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model,
    term: Term | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        term=term,
        old=old,
        new=new,
        reason=reason,
    )


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    keys = [k for k in new if old.get(k) != new[k]]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


@transaction.atomic
def record_save(*, obj: Model, by: User | None, fields: list[str], action: str, term: Term | None = None):
    """Save a single-row create or edit made through a form, with its audit event."""
    creating = obj.pk is None
    before = {} if creating else snapshot(type(obj).objects.get(pk=obj.pk), fields)
    obj.full_clean()
    obj.save()
    old, new = changed(before, snapshot(obj, fields))
    if creating or new:
        audit_record(actor=by, action=action, obj=obj, term=term, old=old or None, new=new)
    return obj


# Locks, versions, open terms ---------------------------------------------------------------------

# What a user is told when the row changed since their page was drawn (another user, another tab).
STALE = "Người khác vừa sửa dữ liệu này. Hãy tải lại trang để xem bản mới nhất rồi nhập lại."


def locked[M: Model](
    rows: type[M] | QuerySet[M], pk, *, related: tuple[str, ...] = (), of: tuple[str, ...] = ("self",)
) -> M:
    """The row, locked until the transaction ends, with `related` read in the same query. On
    PostgreSQL only the rows of `of` are locked (its own by default; add a related row, e.g. the
    term, when the change must not cross that row's change); SQLite locks the whole database on the
    first write anyway."""
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    if related:
        queryset = queryset.select_related(*related)
    return queryset.select_for_update(of=of).get(pk=pk)


def check_version(current: int, expected: int | None) -> None:
    """Refuse a change made on a page drawn before the row's last change; None means no check (a
    caller without a form, e.g. a command)."""
    if expected is not None and current != expected:
        raise ValidationError(STALE, code="stale")


def ensure_term_open(term: Term | None) -> None:
    """A closed year is read-only for everyone."""
    if term is not None and not term.is_open:
        raise ValidationError(f"Năm thi đua {term.year} đã kết thúc; dữ liệu chỉ còn để xem.", code="closed")


def save_changes(
    obj: Model,
    *,
    values: dict,
    by: User | None,
    action: str,
    term: Term | None = None,
    reason: str = "",
    version_field: str | None = "lock_version",
    touch: dict | None = None,
) -> tuple[dict, dict]:
    """Set `values` on `obj` (locked by the caller), check the row's own rules (`full_clean`: the
    model's validators and constraints, with their Vietnamese messages), save what changed with its
    version raised, and audit old -> new. `touch` (who and when: `updated_by`, `updated_at`) is saved
    with a change but not audited. Returns (old, new); nothing is saved when nothing changed."""
    before = snapshot(obj, list(values))
    for field, value in values.items():
        setattr(obj, field, value)
    obj.full_clean()
    old, new = changed(before, snapshot(obj, list(values)))
    if not new:
        return {}, {}
    update_fields = list(new)
    for field, value in (touch or {}).items():
        setattr(obj, field, value)
        update_fields.append(field)
    if version_field:
        setattr(obj, version_field, getattr(obj, version_field) + 1)
        update_fields.append(version_field)
    obj.save(update_fields=update_fields)
    audit_record(actor=by, action=action, obj=obj, term=term, old=old, new=new, reason=reason)
    return old, new
