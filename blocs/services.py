"""Writes of the blocs app. Each is one transaction and writes its audit event in it.

Services raise django.core.exceptions.ValidationError with a Vietnamese message when a rule
would be broken; the database constraints stay as the last line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, ProtectedError, Subquery
from django.utils import timezone

from blocs.audit import audit_record, ensure_term_open, locked, record_save, snapshot
from blocs.models import (
    AuditEvent,
    Bloc,
    ChosenBy,
    Membership,
    Role,
    Term,
    TermStatus,
    Unit,
    UnitKind,
    UnitName,
    User,
)
from blocs.permissions import is_board

# Units ------------------------------------------------------------------------------------------


@transaction.atomic
def unit_rename(*, unit: Unit, new_name: str, new_short_name: str, from_year: int, by: User | None) -> Unit:
    """From `from_year` on the unit is called `new_name`; pages about earlier years keep the old name."""
    unit = locked(Unit, unit.pk)
    last = unit.former_names.aggregate(last=Max("until_year"))["last"]
    if last is not None and from_year <= last + 1:
        raise ValidationError(
            f"Đơn vị đã đổi tên từ năm {last + 1}; lần đổi tên tiếp theo phải từ năm {last + 2} trở đi "
            "(muốn sửa tên hiện nay, hãy dùng “Sửa đơn vị”)."
        )
    if new_name == unit.name:
        raise ValidationError("Tên mới trùng với tên hiện nay.")
    if Unit.objects.exclude(pk=unit.pk).filter(name=new_name).exists():
        raise ValidationError(f"Đã có đơn vị tên “{new_name}”.")
    old = snapshot(unit, ["name", "short_name"])
    UnitName.objects.create(unit=unit, name=unit.name, short_name=unit.short_name, until_year=from_year - 1)
    unit.name, unit.short_name = new_name, new_short_name
    unit.save(update_fields=["name", "short_name"])
    audit_record(
        actor=by,
        action="unit.rename",
        obj=unit,
        old=old,
        new={**snapshot(unit, ["name", "short_name"]), "from_year": from_year},
    )
    return unit


# Terms and memberships --------------------------------------------------------------------------

TERM_FIELDS = [
    "year",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "decision_scan",
    "supervisor",
    "supervisor_title",
    "status",
]


@transaction.atomic
def term_create(*, bloc: Bloc, year: int, by: User | None, **fields) -> Term:
    if Term.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationError(f"Khối đã có năm thi đua {year}.")
    term = Term(bloc=bloc, year=year, **fields)
    return record_save(obj=term, by=by, fields=TERM_FIELDS, action="term.create", term=None)


@transaction.atomic
def term_close(*, term: Term, by: User | None, reason: str = "") -> Term:
    term = locked(Term, term.pk)
    ensure_term_open(term)
    term.status, term.closed_at = TermStatus.CLOSED, timezone.now()
    term.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=by,
        action="term.close",
        obj=term,
        term=term,
        old={"status": TermStatus.OPEN},
        new={"status": TermStatus.CLOSED},
        reason=reason,
    )
    return term


def term_require_leader(term: Term) -> Membership:
    """The agreement and the scoring of a term cannot start before it has a leader."""
    leader = term.memberships.filter(role=Role.LEADER).select_related("unit").first()
    if leader is None:
        raise ValidationError(
            f"Khối chưa có trưởng khối năm {term.year}. Ban Thi đua – Khen thưởng cần ghi nhận "
            "trưởng khối trước khi bắt đầu giao ước hoặc chấm điểm."
        )
    return leader


def _check_unit_free(*, unit: Unit, year: int, term: Term) -> None:
    if unit.kind == UnitKind.BOARD:
        raise ValidationError("Ban Thi đua – Khen thưởng không là thành viên của khối nào.")
    other = (
        Membership.objects.filter(unit=unit, year=year)
        .exclude(term=term)
        .select_related("term__bloc")
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"{unit.name} đã là thành viên của {other.term.bloc.name} năm {year}; "
            "mỗi đơn vị chỉ thuộc một khối trong một năm."
        )
    if Membership.objects.filter(unit=unit, term=term).exists():
        raise ValidationError(f"{unit.name} đã là thành viên của khối năm {year}.")


@transaction.atomic
def membership_add(*, term: Term, unit: Unit, position: int | None = None, by: User | None) -> Membership:
    ensure_term_open(term)
    _check_unit_free(unit=unit, year=term.year, term=term)
    if position is None:
        position = (term.memberships.aggregate(last=Max("position"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            membership = Membership.objects.create(term=term, unit=unit, position=position)
    except IntegrityError as exc:  # a concurrent request added the unit first
        raise ValidationError(f"{unit.name} vừa được thêm vào một khối năm {term.year}.") from exc
    audit_record(
        actor=by,
        action="membership.add",
        obj=membership,
        term=term,
        new={"unit": unit.pk, "unit_name": unit.name, "position": position},
    )
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, position: int, by: User | None) -> Membership:
    ensure_term_open(membership.term)
    old = snapshot(membership, ["position"])
    membership.position = position
    membership.save(update_fields=["position"])
    if old["position"] != position:
        audit_record(
            actor=by, action="membership.update", obj=membership, term=membership.term, old=old,
            new={"position": position},
        )  # fmt: skip
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User | None, reason: str = "") -> None:
    term = membership.term
    ensure_term_open(term)
    if membership.role != Role.MEMBER:
        raise ValidationError(
            f"{membership.unit.name} đang là {membership.get_role_display().lower()}; "
            "hãy đổi trưởng, phó khối trước khi bỏ đơn vị khỏi khối."
        )
    old = {"unit": membership.unit_id, "unit_name": membership.unit.name, "position": membership.position}
    repr_, pk = str(membership), membership.pk
    try:
        with transaction.atomic():
            membership.delete()
    except ProtectedError as exc:
        raise ValidationError(
            f"Không thể bỏ {membership.unit.name}: đã có dữ liệu (giao ước, điểm, phiếu) gắn với đơn vị này."
        ) from exc
    AuditEvent.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action="membership.remove",
        object_type=Membership._meta.label_lower,
        object_id=str(pk),
        object_repr=repr_[:255],
        term=term,
        old=old,
        reason=reason,
    )


@transaction.atomic
def leadership_set(
    *,
    term: Term,
    leader: Unit | None,
    deputy: Unit | None,
    leader_chosen_by: str = ChosenBy.APPOINTED,
    deputy_chosen_by: str = ChosenBy.APPOINTED,
    by: User | None,
    reason: str = "",
) -> None:
    """Record who leads and who deputises the term (both must be members, and different units).
    Changing a leadership already recorded needs a reason (issue 15, item 3)."""
    term = locked(Term, term.pk)
    ensure_term_open(term)
    reason = reason.strip()
    if leader is not None and deputy is not None and leader.pk == deputy.pk:
        raise ValidationError("Trưởng khối và phó trưởng khối phải là hai đơn vị khác nhau.")
    members = {m.unit_id: m for m in term.memberships.select_for_update().select_related("unit")}
    for unit, label in ((leader, "Trưởng khối"), (deputy, "Phó trưởng khối")):
        if unit is not None and unit.pk not in members:
            raise ValidationError(
                f"{label} phải là thành viên của khối năm {term.year}: {unit.name} không phải."
            )
    current = {m.role: m for m in members.values() if m.role != Role.MEMBER}
    old = {
        "leader": current[Role.LEADER].unit_id if Role.LEADER in current else None,
        "deputy": current[Role.DEPUTY].unit_id if Role.DEPUTY in current else None,
        "leader_chosen_by": current[Role.LEADER].chosen_by if Role.LEADER in current else "",
        "deputy_chosen_by": current[Role.DEPUTY].chosen_by if Role.DEPUTY in current else "",
    }
    new = {
        "leader": leader.pk if leader else None,
        "deputy": deputy.pk if deputy else None,
        "leader_chosen_by": leader_chosen_by if leader else "",
        "deputy_chosen_by": deputy_chosen_by if deputy else "",
    }
    if old == new:
        return
    if old["leader"] is not None and not reason:
        raise ValidationError({"reason": "Ghi lý do thay đổi trưởng, phó khối đã được ghi nhận."})
    # Demote first, so the one-leader and one-deputy constraints hold at every statement.
    term.memberships.exclude(role=Role.MEMBER).update(role=Role.MEMBER, chosen_by="")
    for unit, role, chosen_by in (
        (leader, Role.LEADER, leader_chosen_by),
        (deputy, Role.DEPUTY, deputy_chosen_by),
    ):
        if unit is not None:
            term.memberships.filter(unit=unit).update(role=role, chosen_by=chosen_by)
    audit_record(actor=by, action="term.leadership", obj=term, term=term, old=old, new=new, reason=reason)


# Rotation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationProposal:
    leader: Membership | None
    deputy: Membership | None
    leader_reason: str
    deputy_reason: str


def _members_by_last_led(term: Term):
    """The term's members, those that never led first, then those that led longest ago, then by position."""
    last_led = (
        Membership.objects.filter(
            term__bloc_id=term.bloc_id, unit_id=OuterRef("unit_id"), role=Role.LEADER, year__lte=term.year
        )
        .values("unit_id")
        .annotate(last=Max("year"))
        .values("last")
    )
    return (
        term.memberships.select_related("unit")
        .with_unit_name()
        .annotate(last_led=Subquery(last_led))
        .order_by(F("last_led").asc(nulls_first=True), "position", "pk")
    )


def rotation_propose(term: Term) -> RotationProposal:
    """A default for next year's leadership; only a proposal, the conference decides.

    This year's deputy leads next year; the next deputy is the member that led longest ago (or never),
    ties broken by position in the formation decision.
    """
    ordered = list(_members_by_last_led(term))
    current_deputy = next((m for m in ordered if m.role == Role.DEPUTY), None)
    if current_deputy is not None:
        leader, leader_reason = current_deputy, f"Phó trưởng khối năm {term.year}"
    else:
        candidates = [m for m in ordered if m.role != Role.LEADER]
        leader = candidates[0] if candidates else None
        leader_reason = "Năm nay chưa có phó trưởng khối; đơn vị lâu nhất chưa làm trưởng khối"
    rest = [m for m in ordered if m != leader and m.role != Role.LEADER]
    deputy = rest[0] if rest else None
    if deputy is None:
        deputy_reason = ""
    elif deputy.last_led is None:
        deputy_reason = "Chưa từng làm trưởng khối"
    else:
        deputy_reason = f"Làm trưởng khối lần gần nhất năm {deputy.last_led}"
    return RotationProposal(
        leader=leader, deputy=deputy, leader_reason=leader_reason, deputy_reason=deputy_reason
    )


@transaction.atomic
def term_open_next(
    *,
    term: Term,
    leader: Unit,
    deputy: Unit | None,
    leader_chosen_by: str,
    deputy_chosen_by: str,
    by: User | None,
) -> Term:
    """Open next year's term with this year's members (same positions) and the elected leadership."""
    year = term.year + 1
    if Term.objects.filter(bloc_id=term.bloc_id, year=year).exists():
        raise ValidationError(f"Khối đã có năm thi đua {year}.")
    members = list(term.memberships.select_related("unit").order_by("position", "pk"))
    taken = dict(
        Membership.objects.filter(year=year, unit_id__in=[m.unit_id for m in members]).values_list(
            "unit__name", "term__bloc__name"
        )
    )
    if taken:
        listed = "; ".join(f"{unit} ({bloc})" for unit, bloc in sorted(taken.items()))
        raise ValidationError(f"Các đơn vị sau đã thuộc khối khác năm {year}: {listed}.")
    nxt = Term.objects.create(bloc_id=term.bloc_id, year=year, decision_issuer=term.decision_issuer)
    Membership.objects.bulk_create(
        [Membership(term=nxt, unit_id=m.unit_id, year=year, position=m.position) for m in members]
    )
    audit_record(
        actor=by,
        action="term.open_next",
        obj=nxt,
        term=nxt,
        new={"from_term": term.pk, "year": year, "members": [m.unit_id for m in members]},
    )
    leadership_set(
        term=nxt,
        leader=leader,
        deputy=deputy,
        leader_chosen_by=leader_chosen_by,
        deputy_chosen_by=deputy_chosen_by,
        by=by,
        reason=f"Bầu tại hội nghị tổng kết năm {term.year}",
    )
    return nxt


@transaction.atomic
def leadership_elect(
    *,
    term: Term,
    leader: Unit,
    deputy: Unit | None,
    leader_chosen_by: str,
    deputy_chosen_by: str,
    by: User | None,
    reason: str = "",
) -> Term:
    """Record the conference's choice of next year's leader and deputy.

    Opens next year's term if it does not exist yet; otherwise sets its leadership. Once next
    year's leadership is recorded (a leader holds it), only board staff change it, with a reason.
    """
    ensure_term_open(term)
    recorded = Membership.objects.filter(
        term__bloc_id=term.bloc_id, year=term.year + 1, role=Role.LEADER
    ).exists()
    if recorded and by is not None and not is_board(by):
        raise ValidationError(
            f"Trưởng khối năm {term.year + 1} đã được ghi nhận; "
            "chỉ Ban Thi đua – Khen thưởng thay đổi được, có ghi lý do."
        )
    member_ids = set(term.memberships.values_list("unit_id", flat=True))
    nxt = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
    if nxt is None:
        for unit in (leader, deputy):
            if unit is not None and unit.pk not in member_ids:
                raise ValidationError(f"{unit.name} không là thành viên của khối năm {term.year}.")
        return term_open_next(
            term=term,
            leader=leader,
            deputy=deputy,
            leader_chosen_by=leader_chosen_by,
            deputy_chosen_by=deputy_chosen_by,
            by=by,
        )
    leadership_set(
        term=nxt,
        leader=leader,
        deputy=deputy,
        leader_chosen_by=leader_chosen_by,
        deputy_chosen_by=deputy_chosen_by,
        by=by,
        reason=reason if recorded else f"Bầu tại hội nghị tổng kết năm {term.year}",
    )
    return nxt


# Accounts ---------------------------------------------------------------------------------------


@transaction.atomic
def account_create(
    *,
    unit: Unit,
    username: str,
    full_name: str,
    job_title: str = "",
    email: str = "",
    password: str,
    by: User | None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"Tên đăng nhập “{username}” đã có người dùng.")
    user = User(unit=unit, username=username, full_name=full_name, job_title=job_title, email=email)
    user.set_password(password)
    user.save()
    if unit.kind == UnitKind.BOARD:
        from django.contrib.auth.models import Group

        from blocs.permissions import BOARD_GROUP

        user.groups.add(Group.objects.get(name=BOARD_GROUP))
    audit_record(
        actor=by,
        action="account.create",
        obj=user,
        new={"username": username, "unit": unit.pk, "full_name": full_name},
    )
    return user


@transaction.atomic
def account_set_password(*, user: User, password: str, by: User | None) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=by, action="account.reset_password", obj=user)


@transaction.atomic
def account_set_active(*, user: User, active: bool, by: User | None) -> None:
    if by is not None and user.pk == by.pk and not active:
        raise ValidationError("Không thể tự khóa tài khoản của chính mình.")
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=by,
        action="account.activate" if active else "account.deactivate",
        obj=user,
        old={"is_active": not active},
        new={"is_active": active},
    )
