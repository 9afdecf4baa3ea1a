"""Plain builders for tests: make_x(**overrides) returns a saved object."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group

from blocs.models import Bloc, Membership, Role, Term, Unit, UnitKind, User
from blocs.permissions import BOARD_GROUP

_seq = itertools.count(1)
PASSWORD = "Mat-khau-thu-nghiem-2024"


def make_unit(**overrides) -> Unit:
    n = next(_seq)
    fields = {
        "name": f"Sở thử nghiệm {n}",
        "short_name": f"STN{n}",
        "head_title": "Giám đốc",
        "head_name": f"Nguyễn Văn {n}",
    }
    fields.update(overrides)
    return Unit.objects.create(**fields)


def make_board_unit(**overrides) -> Unit:
    fields = {"name": f"Ban Thi đua – Khen thưởng {next(_seq)}", "kind": UnitKind.BOARD}
    fields.update(overrides)
    return Unit.objects.create(**fields)


def make_bloc(**overrides) -> Bloc:
    n = next(_seq)
    fields = {
        "name": f"Khối thi đua thử nghiệm {n}",
        "short_name": f"Khối thử nghiệm {n}",
        "number": f"Khối thi đua số {n}",
    }
    fields.update(overrides)
    return Bloc.objects.create(**fields)


def make_term(*, bloc: Bloc | None = None, year: int = 2023, members: int = 0, **overrides) -> Term:
    """A term; with members=N, N new units join it, the first leading and the second deputising."""
    term = Term.objects.create(bloc=bloc or make_bloc(), year=year, **overrides)
    for i in range(members):
        role = Role.LEADER if i == 0 else Role.DEPUTY if i == 1 else Role.MEMBER
        make_membership(term=term, role=role, position=i + 1)
    return term


def make_membership(
    *, term: Term, unit: Unit | None = None, role: str = Role.MEMBER, position: int | None = None
) -> Membership:
    if position is None:
        position = term.memberships.count() + 1
    chosen_by = "" if role == Role.MEMBER else "elected"
    return Membership.objects.create(
        term=term, unit=unit or make_unit(), role=role, chosen_by=chosen_by, position=position
    )


def make_user(*, unit: Unit | None = None, board: bool = False, **overrides) -> User:
    n = next(_seq)
    if board and unit is None:
        unit = make_board_unit()
    fields = {"username": f"user{n}", "full_name": f"Người dùng {n}", "unit": unit}
    fields.update(overrides)
    user = User(**fields)
    user.set_password(PASSWORD)
    user.save()
    if board:
        user.groups.add(Group.objects.get(name=BOARD_GROUP))
    return user


def unit_user(term: Term, role: str) -> User:
    """A user of the unit holding `role` in the term (its first such member)."""
    membership = term.memberships.filter(role=role).order_by("position").first()
    return make_user(unit=membership.unit)


def make_agreement(term: Term, *, commitments: int = 2, register: bool = True, **overrides):
    """A draft agreement of the term, with commitments and (optionally) every member registered."""
    from agreements.models import Agreement, Commitment, Registration

    fields = {"title": f"Giao ước thi đua năm {term.year}", "place": "Quảng Ngãi", **overrides}
    agreement = Agreement.objects.create(term=term, **fields)
    Commitment.objects.bulk_create(
        [
            Commitment(agreement=agreement, position=i, text=f"Nội dung thi đua số {i}")
            for i in range(1, commitments + 1)
        ]
    )
    if register:
        Registration.objects.bulk_create(
            [
                Registration(
                    agreement=agreement,
                    membership=m,
                    awards=["tt_ldxs"],
                    signer_title="Giám đốc",
                    signer_name=f"Người ký {m.position}",
                )
                for m in term.memberships.all()
            ]
        )
    return agreement


def make_criteria_set(term: Term | None, *, criteria: int = 3, all_kinds: bool = False, state: str = "setup"):
    """A criteria set: group I with `criteria` judged criteria (max 10, step 0,5), group II with a bonus
    (cap 5) and a deduction (up to 5); with `all_kinds`, also pass/fail, per-occurrence and target
    criteria. `state="open"` opens scoring with a deadline a week ahead."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from scoring.models import CriteriaSet, Criterion, CriterionKind

    name = f"Bảng tiêu chí năm {term.year}" if term else "Bảng tiêu chí mẫu"
    criteria_set = CriteriaSet.objects.create(term=term, name=name)
    one = Criterion.objects.create(
        criteria_set=criteria_set, position=1, code="I", text="Thực hiện nhiệm vụ", kind="group"
    )
    rows = [
        (CriterionKind.POINTS, f"Tiêu chí {i}", {"max_points": Decimal(10), "step": Decimal("0.5")})
        for i in range(1, criteria + 1)
    ]
    if all_kinds:
        rows += [
            (CriterionKind.PASS_FAIL, "Nộp báo cáo đúng hạn", {"max_points": Decimal(5)}),
            (
                CriterionKind.OCCURRENCE,
                "Bài viết tuyên truyền",
                {"max_points": Decimal(6), "unit_points": Decimal(2)},
            ),
            (
                CriterionKind.TARGET,
                "Tỷ lệ giải quyết đơn thư",
                {
                    "max_points": Decimal(10),
                    "unit_points": Decimal("0.1"),
                    "indicator": "Tỷ lệ giải quyết đơn thư",
                },
            ),
        ]
    for position, (kind, text, fields) in enumerate(rows, 1):
        Criterion.objects.create(
            criteria_set=criteria_set,
            parent=one,
            position=position,
            code=f"{position}",
            text=text,
            kind=kind,
            **fields,
        )
    two = Criterion.objects.create(
        criteria_set=criteria_set, position=2, code="II", text="Điểm thưởng, điểm trừ", kind="group"
    )
    for position, (kind, text) in enumerate(
        [(CriterionKind.BONUS, "Thưởng"), (CriterionKind.DEDUCTION, "Vi phạm")], 1
    ):
        Criterion.objects.create(
            criteria_set=criteria_set,
            parent=two,
            position=position,
            code=str(position),
            text=text,
            kind=kind,
            max_points=Decimal(5),
            step=Decimal("0.5"),
        )
    if state != "setup":
        now = timezone.now()
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(
            state=state,
            deadline=now + timedelta(days=7),
            opened_at=now,
            locked_at=now if state == "locked" else None,
        )
        criteria_set.refresh_from_db()
    return criteria_set
