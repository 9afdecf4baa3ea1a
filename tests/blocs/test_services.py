"""The writes of the blocs app: what each service does, what it refuses, and that a refusal writes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from blocs import services
from blocs.models import AuditEvent, ChosenBy, Membership, Role, Term, TermStatus, Unit, UnitName, User
from blocs.permissions import BOARD_GROUP, is_board
from blocs.services import (
    account_create,
    account_set_active,
    leadership_elect,
    leadership_set,
    membership_add,
    membership_remove,
    rotation_propose,
    term_close,
    term_open_next,
    term_require_leader,
    unit_rename,
)
from tests.factories import (
    PASSWORD,
    make_bloc,
    make_board_unit,
    make_membership,
    make_term,
    make_unit,
    make_user,
)

pytestmark = pytest.mark.django_db

FROZEN_NOW = datetime(2023, 12, 20, 3, 0, tzinfo=UTC)


def database_state() -> dict[str, list]:
    """Every row the blocs services write, to show that a refused call changed nothing."""
    return {
        "units": list(Unit.objects.order_by("pk").values_list("pk", "name", "short_name")),
        "former_names": list(
            UnitName.objects.order_by("pk").values_list("pk", "unit_id", "name", "until_year")
        ),
        "terms": list(
            Term.objects.order_by("pk").values_list("pk", "bloc_id", "year", "status", "closed_at")
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "term_id", "unit_id", "position", "role", "chosen_by"
            )
        ),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "is_active", "unit_id")),
        "groups": list(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


@contextmanager
def refused(*fragments: str):
    """The block raises a ValidationError whose message holds every fragment, and changes nothing."""
    before = database_state()
    with pytest.raises(ValidationError) as exc:
        yield exc
    message = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in message, message
    assert database_state() == before


def roles(term: Term) -> dict[int, tuple[str, str]]:
    """unit pk → (role, chosen_by) of each member of the term."""
    return {
        unit_id: (role, chosen_by)
        for unit_id, role, chosen_by in term.memberships.values_list("unit_id", "role", "chosen_by")
    }


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def board_user() -> User:
    return make_user(board=True)


# term_require_leader ----------------------------------------------------------------------------


def test_term_without_leader_cannot_start_its_work():
    term = make_term(year=2023)
    make_membership(term=term, role=Role.DEPUTY)
    make_membership(term=term)
    with refused("Khối chưa có trưởng khối năm 2023.", "trước khi bắt đầu giao ước hoặc chấm điểm"):
        term_require_leader(term)


def test_term_require_leader_returns_the_leader():
    term = make_term(members=3)
    leader = term_require_leader(term)
    assert leader == term.memberships.get(position=1)
    assert leader.role == Role.LEADER


# membership_add ---------------------------------------------------------------------------------


def test_added_member_goes_after_the_last_position_with_an_audit_event(board_user):
    term = make_term()
    make_membership(term=term, position=5)
    make_membership(term=term, position=2)
    unit = make_unit()

    membership = membership_add(term=term, unit=unit, by=board_user)

    assert (membership.unit, membership.position, membership.year, membership.role) == (
        unit,
        6,
        2023,
        Role.MEMBER,
    )
    [event] = events("membership.add")
    assert (event.actor, event.term, event.object_id) == (board_user, term, str(membership.pk))
    assert event.new == {"unit": unit.pk, "unit_name": unit.name, "position": 6}


def test_first_member_gets_position_one_and_a_given_position_is_kept(board_user):
    term = make_term()
    assert membership_add(term=term, unit=make_unit(), by=board_user).position == 1
    assert membership_add(term=term, unit=make_unit(), position=7, by=board_user).position == 7
    assert membership_add(term=term, unit=make_unit(), by=board_user).position == 8


def test_board_unit_cannot_join_a_bloc(board_user):
    term, board = make_term(), make_board_unit()
    with refused("Ban Thi đua – Khen thưởng không là thành viên của khối nào."):
        membership_add(term=term, unit=board, by=board_user)


def test_unit_in_another_bloc_that_year_cannot_join(board_user):
    unit = make_unit()
    elsewhere = make_term(year=2023)
    make_membership(term=elsewhere, unit=unit)
    term = make_term(year=2023)

    with refused(f"{unit.name} đã là thành viên của {elsewhere.bloc.name} năm 2023", "chỉ thuộc một khối"):
        membership_add(term=term, unit=unit, by=board_user)

    next_year = make_term(bloc=term.bloc, year=2024)
    assert membership_add(term=next_year, unit=unit, by=board_user).year == 2024


def test_unit_cannot_join_the_same_term_twice(board_user):
    term = make_term(members=1)
    unit = term.memberships.get().unit
    with refused(f"{unit.name} đã là thành viên của khối năm 2023."):
        membership_add(term=term, unit=unit, by=board_user)


def test_closed_term_takes_no_new_member(board_user):
    term, unit = make_term(status=TermStatus.CLOSED, closed_at=timezone.now()), make_unit()
    with refused("Năm thi đua 2023 đã kết thúc; dữ liệu chỉ còn để xem."):
        membership_add(term=term, unit=unit, by=board_user)


def test_member_and_its_audit_event_are_written_together(board_user, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", fail)
    term, unit = make_term(), make_unit()
    before = database_state()
    with pytest.raises(RuntimeError):
        membership_add(term=term, unit=unit, by=board_user)
    assert database_state() == before


def test_unit_added_meanwhile_elsewhere_is_answered_in_vietnamese(board_user, monkeypatch):
    """A concurrent request added the unit after the checks: the constraint answers, not a 500."""
    unit = make_unit()
    make_membership(term=make_term(year=2023), unit=unit)
    term = make_term(year=2023)
    monkeypatch.setattr(services, "_check_unit_free", lambda **kwargs: None)
    with refused(f"{unit.name} vừa được thêm vào một khối năm 2023."):
        membership_add(term=term, unit=unit, by=board_user)


# membership_remove ------------------------------------------------------------------------------


def test_member_is_removed_with_an_audit_event(board_user):
    term = make_term(members=3)
    third = term.memberships.get(position=3)
    pk = third.pk

    membership_remove(membership=third, by=board_user, reason="Sáp nhập")

    assert list(term.memberships.values_list("position", flat=True)) == [1, 2]
    [event] = events("membership.remove")
    assert (event.actor, event.term, event.object_id, event.reason) == (board_user, term, str(pk), "Sáp nhập")
    assert event.old == {"unit": third.unit_id, "unit_name": third.unit.name, "position": 3}


@pytest.mark.parametrize(("role", "label"), [(Role.LEADER, "trưởng khối"), (Role.DEPUTY, "phó trưởng khối")])
def test_leader_or_deputy_cannot_be_removed(board_user, role, label):
    term = make_term(members=3)
    membership = term.memberships.get(role=role)
    with refused(f"{membership.unit.name} đang là {label};", "hãy đổi trưởng, phó khối trước"):
        membership_remove(membership=membership, by=board_user)


def test_member_of_a_closed_term_cannot_be_removed(board_user):
    term = make_term(members=3, status=TermStatus.CLOSED, closed_at=timezone.now())
    with refused("đã kết thúc"):
        membership_remove(membership=term.memberships.get(position=3), by=board_user)


# leadership_set ---------------------------------------------------------------------------------


def test_leader_and_deputy_switch_places_with_an_audit_event(board_user):
    term = make_term(members=3)
    a, b, c = (term.memberships.get(position=p).unit for p in (1, 2, 3))

    leadership_set(
        term=term,
        leader=b,
        deputy=a,
        leader_chosen_by=ChosenBy.ELECTED,
        deputy_chosen_by=ChosenBy.ACCLAIMED,
        by=board_user,
        reason="Bầu lại",
    )

    assert roles(term) == {
        a.pk: (Role.DEPUTY, ChosenBy.ACCLAIMED),
        b.pk: (Role.LEADER, ChosenBy.ELECTED),
        c.pk: (Role.MEMBER, ""),
    }
    [event] = events("term.leadership")
    assert (event.actor, event.term, event.reason) == (board_user, term, "Bầu lại")
    assert (event.old["leader"], event.old["deputy"]) == (a.pk, b.pk)
    assert event.new == {
        "leader": b.pk,
        "deputy": a.pk,
        "leader_chosen_by": "elected",
        "deputy_chosen_by": "acclaimed",
    }


def test_leadership_not_chosen_again_is_demoted(board_user):
    term = make_term(members=3)
    a, b, c = (term.memberships.get(position=p).unit for p in (1, 2, 3))

    with refused("Ghi lý do thay đổi"):  # a recorded leadership changes with a reason only
        leadership_set(term=term, leader=c, deputy=None, by=board_user)
    leadership_set(term=term, leader=c, deputy=None, by=board_user, reason="Quyết định kiện toàn")

    assert roles(term) == {
        a.pk: (Role.MEMBER, ""),
        b.pk: (Role.MEMBER, ""),
        c.pk: (Role.LEADER, ChosenBy.APPOINTED),
    }
    [event] = events("term.leadership")
    assert (event.old["leader"], event.old["deputy"]) == (a.pk, b.pk)
    assert (event.new["leader"], event.new["deputy"]) == (c.pk, None)


def test_unchanged_leadership_writes_no_audit_event(board_user):
    term = make_term(members=3)
    a, b = (term.memberships.get(position=p).unit for p in (1, 2))
    before = database_state()
    leadership_set(
        term=term, leader=a, deputy=b, leader_chosen_by="elected", deputy_chosen_by="elected", by=board_user
    )
    assert database_state() == before


def test_changing_only_how_the_leader_was_chosen_is_audited(board_user):
    term = make_term(members=3)
    a, b = (term.memberships.get(position=p).unit for p in (1, 2))
    leadership_set(
        term=term, leader=a, deputy=b, leader_chosen_by="acclaimed", deputy_chosen_by="elected",
        by=board_user, reason="Sửa cách chọn cho đúng biên bản",
    )  # fmt: skip
    assert roles(term)[a.pk] == (Role.LEADER, ChosenBy.ACCLAIMED)
    assert len(events("term.leadership")) == 1


def test_one_unit_cannot_lead_and_deputise(board_user):
    term = make_term(members=3)
    c = term.memberships.get(position=3).unit
    with refused("Trưởng khối và phó trưởng khối phải là hai đơn vị khác nhau."):
        leadership_set(term=term, leader=c, deputy=c, by=board_user)


@pytest.mark.parametrize("which", ["leader", "deputy"])
def test_leader_and_deputy_must_be_members(board_user, which):
    term = make_term(members=3)
    c = term.memberships.get(position=3).unit
    outsider = make_unit()
    chosen = {"leader": outsider, "deputy": c} if which == "leader" else {"leader": c, "deputy": outsider}
    label = "Trưởng khối" if which == "leader" else "Phó trưởng khối"
    with refused(f"{label} phải là thành viên của khối năm 2023: {outsider.name} không phải."):
        leadership_set(term=term, by=board_user, **chosen)


def test_leadership_of_a_closed_term_cannot_change(board_user):
    term = make_term(members=3, status=TermStatus.CLOSED, closed_at=timezone.now())
    c = term.memberships.get(position=3).unit
    with refused("đã kết thúc"):
        leadership_set(term=term, leader=c, deputy=None, by=board_user)


# rotation_propose -------------------------------------------------------------------------------


def test_deputy_is_proposed_to_lead_and_first_never_leading_member_to_deputise():
    term = make_term(members=2)
    # Positions out of creation order, so that the tie is broken by position, not by primary key.
    later, earlier = make_membership(term=term, position=9), make_membership(term=term, position=4)

    proposal = rotation_propose(term)

    assert proposal.leader == term.memberships.get(role=Role.DEPUTY)
    assert proposal.leader_reason == "Phó trưởng khối năm 2023"
    assert proposal.deputy == earlier != later
    assert proposal.deputy_reason == "Chưa từng làm trưởng khối"


def test_member_that_led_longest_ago_is_proposed_to_deputise():
    bloc = make_bloc()
    a, b, c, d, e = (make_unit() for _ in range(5))
    for year, leader in ((2020, d), (2021, c), (2022, e)):
        past = make_term(bloc=bloc, year=year)
        make_membership(term=past, unit=leader, role=Role.LEADER)
    term = make_term(bloc=bloc, year=2023)
    for position, (unit, role) in enumerate(
        [(a, Role.LEADER), (b, Role.DEPUTY), (c, "member"), (d, "member"), (e, "member")], 1
    ):
        make_membership(term=term, unit=unit, role=role, position=position)

    proposal = rotation_propose(term)

    assert (proposal.leader.unit, proposal.deputy.unit) == (b, d)
    assert proposal.deputy_reason == "Làm trưởng khối lần gần nhất năm 2020"


def test_without_deputy_the_member_longest_out_of_lead_is_proposed_to_lead():
    bloc = make_bloc()
    a, b, c = make_unit(), make_unit(), make_unit()
    make_membership(term=make_term(bloc=bloc, year=2022), unit=b, role=Role.LEADER)
    term = make_term(bloc=bloc, year=2023)
    make_membership(term=term, unit=a, role=Role.LEADER, position=1)
    make_membership(term=term, unit=b, position=2)
    make_membership(term=term, unit=c, position=3)

    proposal = rotation_propose(term)

    assert (proposal.leader.unit, proposal.deputy.unit) == (c, b)
    assert proposal.leader_reason.startswith("Năm nay chưa có phó trưởng khối")
    assert proposal.deputy_reason == "Làm trưởng khối lần gần nhất năm 2022"


@st.composite
def histories(draw) -> tuple[int, list[tuple[int, dict]]]:
    """A number of units and the terms of one bloc, oldest first: (year, {members: {unit: position},
    leader, deputy}); the last term, the one to propose from, has at least one member."""
    unit_count = draw(st.integers(1, 6))
    years = sorted(draw(st.lists(st.integers(2015, 2023), min_size=1, max_size=4, unique=True)))
    terms = []
    for year in years:
        last = year == years[-1]
        units = draw(
            st.lists(st.integers(0, unit_count - 1), min_size=int(last), max_size=unit_count, unique=True)
        )
        positions = draw(st.lists(st.integers(1, 30), min_size=len(units), max_size=len(units), unique=True))
        leader = draw(st.none() | st.sampled_from(units)) if units else None
        others = [u for u in units if u != leader]
        deputy = draw(st.none() | st.sampled_from(others)) if others else None
        terms.append(
            (year, {"members": dict(zip(units, positions, strict=True)), "leader": leader, "deputy": deputy})
        )
    return unit_count, terms


def build_history(unit_count: int, terms: list[tuple[int, dict]]) -> tuple[list[Unit], Term]:
    units = [make_unit() for _ in range(unit_count)]
    bloc = make_bloc()
    term = None
    for year, spec in terms:
        term = make_term(bloc=bloc, year=year)
        for u, position in spec["members"].items():
            role = Role.LEADER if u == spec["leader"] else Role.DEPUTY if u == spec["deputy"] else Role.MEMBER
            make_membership(term=term, unit=units[u], role=role, position=position)
    return units, term


@settings(max_examples=25, deadline=None)
@given(history=histories())
def test_rotation_proposal_follows_the_rules(history):
    unit_count, terms = history
    year, current = terms[-1]
    positions, leader_now, deputy_now = current["members"], current["leader"], current["deputy"]
    last_led = {}
    for led_year, spec in terms:  # oldest first, so the latest year stays
        if spec["leader"] is not None:
            last_led[spec["leader"]] = led_year

    def assert_led_longest_ago(chosen: int | None, candidates: set[int]) -> None:
        """No other candidate led strictly longer ago (never is longest); among equals, smallest position."""
        if not candidates:
            assert chosen is None
            return
        assert chosen in candidates
        staleness = {u: last_led.get(u, 0) for u in candidates}
        assert all(staleness[u] >= staleness[chosen] for u in candidates)
        assert all(
            positions[chosen] < positions[u]
            for u in candidates - {chosen}
            if staleness[u] == staleness[chosen]
        )

    with transaction.atomic():
        units, term = build_history(unit_count, terms)
        index = {unit.pk: i for i, unit in enumerate(units)}

        proposal = rotation_propose(term)

        leader = index[proposal.leader.unit_id] if proposal.leader else None
        deputy = index[proposal.deputy.unit_id] if proposal.deputy else None
        not_leading = set(positions) - {leader_now}
        if deputy_now is not None:
            assert leader == deputy_now
            assert proposal.leader_reason == f"Phó trưởng khối năm {year}"
        else:
            assert_led_longest_ago(leader, not_leading)
        assert deputy is None or deputy not in (leader, leader_now)
        assert_led_longest_ago(deputy, not_leading - {leader})
        if deputy is not None:
            assert proposal.deputy_reason == (
                f"Làm trưởng khối lần gần nhất năm {last_led[deputy]}"
                if deputy in last_led
                else "Chưa từng làm trưởng khối"
            )
        transaction.set_rollback(True)


# term_open_next ---------------------------------------------------------------------------------


def make_year(*, positions=(2, 5, 7, 9), year: int = 2023) -> tuple[Term, list[Unit]]:
    """A term whose first unit leads and second deputises, at positions out of the 1, 2, 3 order."""
    term = make_term(year=year, decision_issuer="UBND tỉnh Quảng Ngãi")
    units = []
    for i, position in enumerate(positions):
        role = Role.LEADER if i == 0 else Role.DEPUTY if i == 1 else Role.MEMBER
        units.append(make_membership(term=term, role=role, position=position).unit)
    return term, units


def test_next_term_copies_members_and_sets_the_elected_leadership(board_user):
    term, (a, b, c, d) = make_year()
    before = roles(term)

    nxt = term_open_next(
        term=term, leader=b, deputy=c, leader_chosen_by="elected", deputy_chosen_by="acclaimed", by=board_user
    )

    assert (nxt.bloc, nxt.year, nxt.status, nxt.decision_issuer) == (
        term.bloc,
        2024,
        TermStatus.OPEN,
        "UBND tỉnh Quảng Ngãi",
    )
    assert sorted(nxt.memberships.values_list("unit_id", "position", "year")) == [
        (a.pk, 2, 2024),
        (b.pk, 5, 2024),
        (c.pk, 7, 2024),
        (d.pk, 9, 2024),
    ]
    assert roles(nxt) == {
        a.pk: (Role.MEMBER, ""),
        b.pk: (Role.LEADER, ChosenBy.ELECTED),
        c.pk: (Role.DEPUTY, ChosenBy.ACCLAIMED),
        d.pk: (Role.MEMBER, ""),
    }
    assert roles(term) == before
    [opened] = events("term.open_next")
    assert (opened.actor, opened.term, opened.object_id) == (board_user, nxt, str(nxt.pk))
    assert opened.new == {"from_term": term.pk, "year": 2024, "members": [a.pk, b.pk, c.pk, d.pk]}
    [elected] = events("term.leadership")
    assert (elected.term, elected.reason) == (nxt, "Bầu tại hội nghị tổng kết năm 2023")
    assert elected.old == {"leader": None, "deputy": None, "leader_chosen_by": "", "deputy_chosen_by": ""}
    assert elected.new == {
        "leader": b.pk,
        "deputy": c.pk,
        "leader_chosen_by": "elected",
        "deputy_chosen_by": "acclaimed",
    }


def test_next_term_is_not_opened_twice(board_user):
    term, (a, b, _c, _d) = make_year()
    make_term(bloc=term.bloc, year=2024)
    with refused("Khối đã có năm thi đua 2024."):
        term_open_next(
            term=term,
            leader=b,
            deputy=a,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )


def test_next_term_is_not_opened_while_members_belong_to_other_blocs_next_year(board_user):
    term, (a, b, c, d) = make_year()
    elsewhere = [make_term(year=2024), make_term(year=2024)]
    make_membership(term=elsewhere[0], unit=c)
    make_membership(term=elsewhere[1], unit=a)
    with refused(
        "Các đơn vị sau đã thuộc khối khác năm 2024: ",
        f"{a.name} ({elsewhere[1].bloc.name})",
        f"{c.name} ({elsewhere[0].bloc.name})",
    ) as exc:
        term_open_next(
            term=term,
            leader=b,
            deputy=d,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )
    assert b.name not in exc.value.messages[0]
    assert d.name not in exc.value.messages[0]


def test_next_term_is_not_left_half_opened_when_leadership_fails(board_user):
    term, (_a, b, _c, _d) = make_year()
    outsider = make_unit()
    # The term and its memberships are written before leadership_set refuses the outsider.
    with refused(f"Phó trưởng khối phải là thành viên của khối năm 2024: {outsider.name} không phải."):
        term_open_next(
            term=term,
            leader=b,
            deputy=outsider,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )


def test_next_term_is_not_left_half_opened_when_anything_fails(board_user, monkeypatch):
    term, (_a, b, c, _d) = make_year()
    reached = []

    def fail(**kwargs):
        reached.append(Term.objects.filter(bloc=term.bloc, year=2024).exists())
        raise RuntimeError("lost connection")

    monkeypatch.setattr(services, "leadership_set", fail)
    before = database_state()
    with pytest.raises(RuntimeError):
        term_open_next(
            term=term,
            leader=b,
            deputy=c,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )
    assert reached == [True]
    assert database_state() == before


# leadership_elect -------------------------------------------------------------------------------


def test_election_opens_next_term_when_missing(board_user):
    term, (a, b, c, d) = make_year()
    nxt = leadership_elect(
        term=term, leader=b, deputy=d, leader_chosen_by="elected", deputy_chosen_by="nominated", by=board_user
    )
    assert (nxt.bloc, nxt.year) == (term.bloc, 2024)
    assert nxt.memberships.count() == 4
    assert roles(nxt)[b.pk] == (Role.LEADER, ChosenBy.ELECTED)
    assert roles(nxt)[d.pk] == (Role.DEPUTY, ChosenBy.NOMINATED)


def test_election_updates_leadership_of_existing_next_term(board_user):
    term, (a, b, c, d) = make_year()
    nxt = term_open_next(
        term=term, leader=b, deputy=c, leader_chosen_by="elected", deputy_chosen_by="elected", by=None
    )
    terms_before = Term.objects.count()

    with refused("Ghi lý do thay đổi"):  # recorded: changed only with a reason
        leadership_elect(
            term=term,
            leader=c,
            deputy=d,
            leader_chosen_by="acclaimed",
            deputy_chosen_by="elected",
            by=board_user,
        )
    again = leadership_elect(
        term=term, leader=c, deputy=d, leader_chosen_by="acclaimed", deputy_chosen_by="elected",
        by=board_user, reason="Đơn vị B sáp nhập từ 01/7",
    )  # fmt: skip

    assert again == nxt
    assert Term.objects.count() == terms_before
    assert roles(nxt) == {
        a.pk: (Role.MEMBER, ""),
        b.pk: (Role.MEMBER, ""),
        c.pk: (Role.LEADER, ChosenBy.ACCLAIMED),
        d.pk: (Role.DEPUTY, ChosenBy.ELECTED),
    }
    latest = events("term.leadership")[-1]
    assert (latest.actor, latest.term, latest.reason) == (board_user, nxt, "Đơn vị B sáp nhập từ 01/7")
    assert (latest.old["leader"], latest.old["deputy"]) == (b.pk, c.pk)


def test_election_on_a_closed_term_is_refused(board_user):
    term, (_a, b, c, _d) = make_year()
    term_close(term=term, by=board_user)
    term.refresh_from_db()
    with refused("Năm thi đua 2023 đã kết thúc"):
        leadership_elect(
            term=term,
            leader=b,
            deputy=c,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )


def test_election_of_a_non_member_is_refused(board_user):
    term, (_a, b, _c, _d) = make_year()
    outsider = make_unit()
    with refused(f"{outsider.name} không là thành viên của khối năm 2023."):
        leadership_elect(
            term=term,
            leader=outsider,
            deputy=b,
            leader_chosen_by="elected",
            deputy_chosen_by="elected",
            by=board_user,
        )


# term_close -------------------------------------------------------------------------------------


def test_closing_a_term_records_when_and_why(board_user, time_machine):
    term = make_term(members=3)
    time_machine.move_to(FROZEN_NOW, tick=False)

    closed = term_close(term=term, by=board_user, reason="Tổng kết năm")

    term.refresh_from_db()
    assert (term.status, term.closed_at) == (TermStatus.CLOSED, FROZEN_NOW)
    assert (closed.status, closed.closed_at) == (TermStatus.CLOSED, FROZEN_NOW)
    [event] = events("term.close")
    assert (event.actor, event.term, event.reason) == (board_user, term, "Tổng kết năm")
    assert (event.old, event.new) == ({"status": "open"}, {"status": "closed"})
    assert event.at == FROZEN_NOW  # the frozen clock reaches the model's default=timezone.now too


def test_closed_term_cannot_be_closed_again_or_take_members(board_user):
    term = make_term(members=3)
    stale = Term.objects.get(pk=term.pk)
    term_close(term=term, by=board_user)

    # The service reads the term again, so an instance loaded before the close does not fool it.
    assert stale.status == TermStatus.OPEN
    with refused("Năm thi đua 2023 đã kết thúc; dữ liệu chỉ còn để xem."):
        term_close(term=stale, by=board_user)
    term.refresh_from_db()
    unit = make_unit()
    with refused("đã kết thúc"):
        membership_add(term=term, unit=unit, by=board_user)
    assert len(events("term.close")) == 1


# unit_rename ------------------------------------------------------------------------------------


def test_renamed_unit_keeps_its_former_name_for_earlier_years(board_user):
    unit = make_unit(name="Sở Lao động – Thương binh và Xã hội", short_name="SLĐTBXH")
    bloc = make_bloc()
    for year in (2022, 2023, 2024, 2025):
        make_membership(term=make_term(bloc=bloc, year=year), unit=unit)

    unit_rename(unit=unit, new_name="Sở Nội vụ", new_short_name="SNV", from_year=2024, by=board_user)

    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("Sở Nội vụ", "SNV")
    assert list(unit.former_names.values_list("name", "short_name", "until_year")) == [
        ("Sở Lao động – Thương binh và Xã hội", "SLĐTBXH", 2023)
    ]
    shown = Membership.objects.filter(unit=unit).with_unit_name().order_by("year")
    assert [(m.year, m.unit_name, m.unit_short_name) for m in shown] == [
        (2022, "Sở Lao động – Thương binh và Xã hội", "SLĐTBXH"),
        (2023, "Sở Lao động – Thương binh và Xã hội", "SLĐTBXH"),
        (2024, "Sở Nội vụ", "SNV"),
        (2025, "Sở Nội vụ", "SNV"),
    ]
    [event] = events("unit.rename")
    assert event.actor == board_user
    assert event.old == {"name": "Sở Lao động – Thương binh và Xã hội", "short_name": "SLĐTBXH"}
    assert event.new == {"name": "Sở Nội vụ", "short_name": "SNV", "from_year": 2024}


def test_unit_renamed_twice_shows_each_name_in_its_years(board_user):
    unit = make_unit(name="Tên A", short_name="A")
    bloc = make_bloc()
    for year in range(2021, 2025):
        make_membership(term=make_term(bloc=bloc, year=year), unit=unit)

    unit_rename(unit=unit, new_name="Tên B", new_short_name="B", from_year=2022, by=board_user)
    unit_rename(unit=unit, new_name="Tên C", new_short_name="C", from_year=2024, by=board_user)

    shown = Membership.objects.filter(unit=unit).with_unit_name().order_by("year")
    assert [(m.year, m.unit_name) for m in shown] == [
        (2021, "Tên A"),
        (2022, "Tên B"),
        (2023, "Tên B"),
        (2024, "Tên C"),
    ]
    unit.refresh_from_db()
    assert [unit.name_in(year) for year in range(2021, 2025)] == ["Tên A", "Tên B", "Tên B", "Tên C"]


def test_unit_cannot_take_the_name_of_another_unit(board_user):
    unit, other = make_unit(), make_unit()
    with refused(f"Đã có đơn vị tên “{other.name}”."):
        unit_rename(unit=unit, new_name=other.name, new_short_name="", from_year=2024, by=board_user)
    with refused("Tên mới trùng với tên hiện nay."):
        unit_rename(unit=unit, new_name=unit.name, new_short_name="", from_year=2024, by=board_user)


def test_second_rename_must_come_after_the_first(board_user):
    unit = make_unit()
    unit_rename(unit=unit, new_name="Tên B", new_short_name="", from_year=2024, by=board_user)
    with refused("Đơn vị đã đổi tên từ năm 2024; lần đổi tên tiếp theo phải từ năm 2025 trở đi"):
        unit_rename(unit=unit, new_name="Tên C", new_short_name="", from_year=2023, by=board_user)

    unit_rename(unit=unit, new_name="Tên C", new_short_name="", from_year=2025, by=board_user)
    assert list(unit.former_names.values_list("until_year", flat=True)) == [2023, 2024]


@pytest.mark.parametrize("from_year", [2023, 2024])
def test_second_rename_before_the_first_name_was_used_a_year_is_answered_in_vietnamese(board_user, from_year):
    unit = make_unit()
    unit_rename(unit=unit, new_name="Tên B", new_short_name="", from_year=2024, by=board_user)
    before = database_state()
    with pytest.raises(ValidationError, match="lần đổi tên tiếp theo phải từ năm 2025"):
        unit_rename(unit=unit, new_name="Tên C", new_short_name="", from_year=from_year, by=board_user)
    assert database_state() == before


# Accounts ---------------------------------------------------------------------------------------


def test_account_of_the_board_unit_joins_the_board_group(board_user):
    user = account_create(
        unit=make_board_unit(),
        username="canbo.ban",
        full_name="Trần Thị Bình",
        password=PASSWORD,
        by=board_user,
    )
    assert list(user.groups.values_list("name", flat=True)) == [BOARD_GROUP]
    assert is_board(User.objects.get(pk=user.pk))
    assert user.check_password(PASSWORD)
    [event] = events("account.create")
    assert event.actor == board_user
    assert event.new == {"username": "canbo.ban", "unit": user.unit_id, "full_name": "Trần Thị Bình"}


def test_account_of_an_agency_is_not_board_staff(board_user):
    user = account_create(
        unit=make_unit(), username="canbo.so", full_name="Lê Văn Cường", password=PASSWORD, by=board_user
    )
    assert not user.groups.exists()
    assert not is_board(User.objects.get(pk=user.pk))
    assert Group.objects.get(name=BOARD_GROUP).user_set.get() == board_user


def test_username_is_taken_whatever_its_case(board_user):
    unit = make_unit()
    make_user(username="canbo.so", unit=unit)
    with refused("Tên đăng nhập “CanBo.So” đã có người dùng."):
        account_create(unit=unit, username="CanBo.So", full_name="X", password=PASSWORD, by=board_user)


def test_nobody_can_deactivate_themselves(board_user):
    with refused("Không thể tự khóa tài khoản của chính mình."):
        account_set_active(user=board_user, active=False, by=board_user)


def test_board_deactivates_and_reactivates_an_account(board_user):
    user = make_user(unit=make_unit())

    account_set_active(user=user, active=False, by=board_user)
    account_set_active(user=user, active=False, by=board_user)
    assert not User.objects.get(pk=user.pk).is_active
    account_set_active(user=user, active=True, by=board_user)

    assert User.objects.get(pk=user.pk).is_active
    assert [
        (e.action, e.old, e.new)
        for e in AuditEvent.objects.filter(object_type="blocs.user", object_id=str(user.pk)).order_by("pk")
    ] == [
        ("account.deactivate", {"is_active": True}, {"is_active": False}),
        ("account.activate", {"is_active": False}, {"is_active": True}),
    ]
