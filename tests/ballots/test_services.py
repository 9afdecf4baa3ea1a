"""The vote's services: casting online, counting on paper, closing with the result, thresholds, ties
and run-offs, the audit log, and the secrecy of the stored ballot."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots import selectors as ballot_selectors
from ballots import services as ballot_services
from ballots.models import (
    Ballot,
    BallotCandidate,
    BallotChoice,
    BallotKind,
    BallotParticipation,
    BallotPresence,
    BallotState,
)
from ballots.selectors import ballot_result, percentage
from blocs.models import AuditEvent, Role, TermStatus
from blocs.services import term_close
from tests.ballots.factories import candidate, cast, make_ballot, members
from tests.blocs.test_permission_matrix import db_state
from tests.factories import make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return make_term(year=2024, members=5)


def paper_counts(ballot: Ballot, *, issued: int, returned: int, valid: int, invalid: int, votes: dict, **kw):
    """Save a paper count, `votes` by membership."""
    return ballot_services.ballot_counts_save(
        ballot=ballot,
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes={candidate(ballot, m).pk: v for m, v in votes.items()},
        lock_version=kw.get("lock_version"),
        by=kw.get("by"),
    )


def messages_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict if hasattr(exc.value, "error_dict") else {"": exc.value.messages}


def by_unit(ballot: Ballot) -> dict[int, dict]:
    return {c["membership"]: c for c in ballot.result["candidates"]}


# Creating, editing, opening ---------------------------------------------------------------------


def test_a_new_ballot_lists_every_member_as_candidate_and_present_with_a_default_title(term):
    leader = unit_user(term, Role.LEADER)
    ballot = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=leader)
    assert ballot.title == "Bầu đơn vị dẫn đầu Khối thi đua năm 2024"
    assert ballot.state == BallotState.DRAFT
    positions = list(ballot.candidates.order_by("position").values_list("membership_id", flat=True))
    assert positions == [m.pk for m in members(term)]  # no ranking yet: the formation decision's order
    assert set(ballot.present.values_list("membership_id", flat=True)) == {m.pk for m in members(term)}
    award = ballot_services.ballot_create(
        term=term, kind=BallotKind.AWARD, award="co_tinh", quota=1, by=leader
    )
    assert award.title == "Đề nghị tặng Cờ thi đua của UBND tỉnh"
    event = AuditEvent.objects.get(action="ballot.create", object_id=str(award.pk))
    assert event.new["award"] == "co_tinh" and event.actor == leader


def test_candidates_follow_the_ranking_when_there_is_one(term, monkeypatch):
    ranked = list(reversed(members(term)))
    monkeypatch.setattr(ballot_selectors, "ranked_memberships", lambda t: ranked if t == term else [])
    ballot = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=None)
    order = list(ballot.candidates.order_by("position").values_list("membership_id", flat=True))
    assert order == [m.pk for m in ranked]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"kind": BallotKind.RUNOFF}, "kind"),
        ({"kind": BallotKind.AWARD}, "award"),
        ({"kind": BallotKind.AWARD, "award": "khong_co"}, "award"),
        ({"kind": BallotKind.LEADING, "quota": 0}, "quota"),
        ({"kind": BallotKind.LEADING, "threshold_percent": Decimal("100.01")}, "threshold_percent"),
        ({"kind": BallotKind.LEADING, "threshold_percent": Decimal("0")}, "threshold_percent"),
        ({"kind": BallotKind.LEADING, "threshold_percent": Decimal("50.125")}, "threshold_percent"),
        ({"kind": BallotKind.LEADING, "threshold_base": "nobody"}, "threshold_base"),
        ({"kind": BallotKind.LEADING, "mode": "email"}, "mode"),
    ],
)
def test_a_ballot_with_bad_settings_is_refused_and_nothing_is_stored(term, fields, key):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        ballot_services.ballot_create(term=term, by=None, **fields)
    assert key in exc.value.message_dict
    assert db_state() == before


def test_no_ballot_is_created_in_a_closed_term(term):
    term_close(term=term, by=None)
    with pytest.raises(ValidationError, match="đã kết thúc"):
        ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=None)
    assert not Ballot.objects.exists()


def test_an_ineligible_candidate_needs_a_reason_and_presence_is_edited_with_representatives(term):
    ballot = make_ballot(term)
    first, second, *_ = members(term)
    c1 = candidate(ballot, first)
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        ballot_services.ballot_update(
            ballot=ballot, settings={}, candidates={c1.pk: (False, "  ")}, present={}, lock_version=0, by=None
        )
    assert exc.value.message_dict == {f"r{c1.pk}": ["Ghi lý do không đưa đơn vị vào danh sách bầu."]}
    assert db_state() == before

    ballot = ballot_services.ballot_update(
        ballot=ballot,
        settings={"quota": 2, "threshold_percent": Decimal("66.67"), "threshold_strict": False},
        candidates={c1.pk: (False, "Bị kỷ luật trong năm")},
        present={second.pk: "Ông Trần Văn B, Phó Giám đốc"},
        lock_version=0,
        by=None,
    )
    c1.refresh_from_db()
    assert (c1.eligible, c1.ineligible_reason) == (False, "Bị kỷ luật trong năm")
    assert list(ballot.present.values_list("membership_id", "representative")) == [
        (second.pk, "Ông Trần Văn B, Phó Giám đốc")
    ]
    assert (ballot.quota, ballot.threshold_percent, ballot.threshold_strict) == (2, Decimal("66.67"), False)
    event = AuditEvent.objects.get(action="ballot.update")
    assert event.old["quota"] == 1 and event.new["quota"] == 2 and len(event.old["present"]) == 4


def test_editing_with_a_stale_version_is_refused(term):
    ballot = make_ballot(term)
    ballot_services.ballot_update(
        ballot=ballot, settings={"quota": 2}, candidates={}, present={}, lock_version=0, by=None
    )
    with pytest.raises(ValidationError, match="^.*Người khác vừa sửa"):
        ballot_services.ballot_update(
            ballot=ballot, settings={"quota": 3}, candidates={}, present={}, lock_version=0, by=None
        )
    assert Ballot.objects.get(pk=ballot.pk).quota == 2


def test_opening_needs_a_present_member_and_an_eligible_candidate_and_freezes_the_lists(term):
    nobody_present = make_ballot(term, present=[])
    with pytest.raises(ValidationError, match="Chưa có thành viên nào có mặt"):
        ballot_services.ballot_open(ballot=nobody_present, by=None)
    no_candidate = make_ballot(term, candidates=[])
    with pytest.raises(ValidationError, match="Chưa có đơn vị nào trong danh sách bầu"):
        ballot_services.ballot_open(ballot=no_candidate, by=None)
    assert not Ballot.objects.filter(state=BallotState.OPEN).exists()

    ballot = ballot_services.ballot_open(ballot=make_ballot(term), by=None)
    assert ballot.state == BallotState.OPEN and ballot.opened_at is not None
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        ballot_services.ballot_update(
            ballot=ballot, settings={"quota": 2}, candidates={}, present={}, lock_version=None, by=None
        )
    assert AuditEvent.objects.filter(action="ballot.open", object_id=str(ballot.pk)).exists()


# Casting online ---------------------------------------------------------------------------------


def test_a_present_unit_casts_once_and_its_marks_are_stored_without_its_name(term):
    ballot = make_ballot(term, state="open", quota=2)
    a, b, c, *_ = members(term)
    participation = cast(ballot, a, b, c)
    assert participation.membership == a
    assert sorted(ballot.choices.values_list("candidate__membership_id", flat=True)) == sorted([b.pk, c.pk])
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1


def test_more_marks_than_the_quota_are_refused_and_nothing_is_stored(term):
    ballot = make_ballot(term, state="open", quota=2)
    a, b, c, d, _ = members(term)
    before = db_state()
    with pytest.raises(ValidationError, match="Chỉ được chọn tối đa 2 đơn vị; bạn đã chọn 3"):
        cast(ballot, a, b, c, d)
    assert db_state() == before


def test_a_second_cast_by_the_same_unit_is_refused_and_nothing_is_stored(term):
    ballot = make_ballot(term, state="open")
    a, b, c, *_ = members(term)
    first, second = make_user(unit=a.unit), make_user(unit=a.unit)
    cast(ballot, a, b, by=first)
    before = db_state()
    for chosen, user in (([b], first), ([c], second), ([], second)):  # a double click, a colleague, blank
        with pytest.raises(ValidationError) as exc:
            cast(ballot, a, *chosen, by=user)
        assert exc.value.messages == ["Đơn vị đã bỏ phiếu."]
        assert db_state() == before


def test_a_blank_ballot_is_valid_and_gives_no_vote(term):
    ballot = make_ballot(term, state="open")
    a, b, *_ = members(term)
    cast(ballot, a)
    cast(ballot, b, a)
    assert ballot.participations.count() == 2 and ballot.choices.count() == 1
    closed = ballot_services.ballot_close(ballot=ballot, by=None)
    assert (closed.issued, closed.returned, closed.valid, closed.invalid) == (5, 2, 2, 0)
    assert by_unit(closed)[a.pk]["votes"] == 1 and by_unit(closed)[b.pk]["votes"] == 0


def test_who_may_not_cast_and_what_may_not_be_marked(term):
    a, b, c, d, e = members(term)
    ballot = make_ballot(term, state="open", present=[a, b, c], candidates=[a, b, c, d])
    BallotCandidate.objects.filter(ballot=ballot, membership=d).update(
        eligible=False, ineligible_reason="Kỷ luật"
    )
    other = make_term(year=2024, members=2)
    foreign = make_ballot(other, state="open")
    paper = make_ballot(term, state="open", mode="paper")
    before = db_state()
    with pytest.raises(ValidationError, match="không có tên trong danh sách thành viên có mặt"):
        cast(ballot, e, a)
    with pytest.raises(ValidationError, match="không thuộc danh sách bầu"):
        cast(ballot, a, d)  # ineligible
    with pytest.raises(ValidationError, match="không thuộc danh sách bầu"):
        ballot_services.ballot_cast(
            ballot=ballot, membership=a, candidate_ids=[foreign.candidates.first().pk], by=None
        )
    with pytest.raises(ValidationError, match="không có tên"):
        cast(ballot, foreign.candidates.first().membership)
    for state, message in ((BallotState.DRAFT, "Chưa mở bỏ phiếu"), (BallotState.CLOSED, "đã kết thúc")):
        Ballot.objects.filter(pk=ballot.pk).update(state=state, closed_at=timezone.now(), result={})
        with pytest.raises(ValidationError, match=message):
            cast(ballot, a, b)
        Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.OPEN, closed_at=None, result=None)
    with pytest.raises(ValidationError, match="phiếu giấy"):
        cast(paper, a, b)
    assert db_state() == before


# Closing and the result -------------------------------------------------------------------------


def test_closing_an_online_ballot_counts_the_register_and_the_choices(term):
    ballot = make_ballot(term, state="open", quota=2)
    a, b, c, d, e = members(term)
    cast(ballot, a, b, c)
    cast(ballot, b, b, c)
    cast(ballot, c, b)
    cast(ballot, d, e)
    closed = ballot_services.ballot_close(ballot=ballot, by=None)
    assert closed.state == BallotState.CLOSED and closed.closed_at is not None
    assert (closed.issued, closed.returned, closed.valid, closed.invalid) == (5, 4, 4, 0)
    votes = {m: c["votes"] for m, c in by_unit(closed).items()}
    assert votes == {a.pk: 0, b.pk: 3, c.pk: 2, d.pk: 0, e.pk: 1}
    assert dict(closed.candidates.values_list("membership_id", "votes")) == votes
    result = closed.result
    assert result["denominator"] == 5 and result["counts"] == {
        "issued": 5,
        "returned": 4,
        "valid": 4,
        "invalid": 0,
    }
    assert by_unit(closed)[b.pk]["pct"] == "60.00" and by_unit(closed)[c.pk]["pct"] == "40.00"
    assert [s["membership"] for s in result["selected"]] == [b.pk]  # 40 % does not pass "trên 50 %"
    assert result["tie"] == [] and result["candidates"][0]["membership"] == b.pk
    assert by_unit(closed)[b.pk]["unit"] == b.unit.name


def test_closing_twice_changes_nothing(term):
    ballot = make_ballot(term, state="open")
    a, b, *_ = members(term)
    cast(ballot, a, b)
    ballot_services.ballot_close(ballot=ballot, by=None)
    before = db_state()
    again = ballot_services.ballot_close(ballot=ballot, by=None)
    assert again.state == BallotState.CLOSED
    assert db_state() == before


def test_a_paper_ballot_closes_only_with_its_count(term):
    ballot = make_ballot(term, state="open", mode="paper")
    with pytest.raises(ValidationError, match="Chưa nhập kết quả kiểm phiếu"):
        ballot_services.ballot_close(ballot=ballot, by=None)
    a, b, c, d, e = members(term)
    paper_counts(ballot, issued=5, returned=5, valid=4, invalid=1, votes={a: 3, b: 1, c: 0, d: 0, e: 0})
    closed = ballot_services.ballot_close(ballot=ballot, by=None)
    assert closed.result["counts"] == {"issued": 5, "returned": 5, "valid": 4, "invalid": 1}
    assert [s["membership"] for s in closed.result["selected"]] == [a.pk]
    assert by_unit(closed)[a.pk]["pct"] == "60.00"


@pytest.mark.parametrize(
    ("votes", "denominator", "pct"),
    [
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 8, "12.50"),
        (1, 6, "16.67"),
        (5, 8, "62.50"),
        (0, 7, "0.00"),
        (3, 0, "0.00"),
    ],
)
def test_percentages_are_decimal_and_rounded_half_up(votes, denominator, pct):
    assert str(percentage(votes, denominator)) == pct


def test_a_strict_threshold_needs_more_than_it_and_a_plain_one_at_least_it(term):
    a, b, c, d, e = members(term)
    results = {}
    for strict in (True, False):
        ballot = make_ballot(term, state="open", mode="paper", threshold_percent=40, threshold_strict=strict)
        paper_counts(ballot, issued=5, returned=5, valid=5, invalid=0, votes={a: 2, b: 3, c: 0, d: 0, e: 0})
        results[strict] = by_unit(ballot_services.ballot_close(ballot=ballot, by=None))
    assert results[True][a.pk]["pct"] == "40.00" and not results[True][a.pk]["passed"]
    assert results[False][a.pk]["passed"]
    assert results[True][b.pk]["passed"] and results[False][b.pk]["passed"]


def test_two_thirds_typed_as_66_67_is_reached_by_two_votes_of_three():
    """The rounded percentage is compared, so 2/3 (66,67 %) reaches a threshold typed as 66,67."""
    row = {"candidate": 1, "membership": 1, "unit": "A", "position": 1, "votes": 2}
    result = ballot_result(
        candidates=[row], quota=1, threshold_percent=Decimal("66.67"), threshold_strict=False, denominator=3
    )
    assert result["candidates"][0]["passed"] and result["selected"][0]["membership"] == 1


@pytest.mark.parametrize(
    ("base", "denominator", "passes"),
    [("present", 4, True), ("all", 5, False), ("issued", 3, True)],
)
def test_the_percentage_is_taken_on_the_chosen_denominator(term, base, denominator, passes):
    """5 members, 4 present, 3 ballots issued; 2 votes: 50 % of those present, 40 % of all, 66,67 % of
    those issued."""
    a, b, c, d, e = members(term)
    ballot = make_ballot(
        term, state="open", mode="paper", present=[a, b, c, d], threshold_base=base, threshold_strict=False
    )
    paper_counts(ballot, issued=3, returned=3, valid=3, invalid=0, votes={a: 2, b: 1, c: 0, d: 0, e: 0})
    closed = ballot_services.ballot_close(ballot=ballot, by=None)
    assert closed.result["denominator"] == denominator
    assert closed.result["base"] == base
    assert by_unit(closed)[a.pk]["passed"] is passes
    assert by_unit(closed)[a.pk]["pct"] == str(percentage(2, denominator))


def test_a_tie_at_the_quota_selects_none_of_the_tied_and_asks_for_a_runoff(term):
    a, b, c, d, e = members(term)
    ballot = make_ballot(term, state="open", mode="paper", quota=2, threshold_percent=30)
    paper_counts(ballot, issued=5, returned=5, valid=5, invalid=0, votes={a: 4, b: 2, c: 2, d: 1, e: 0})
    result = ballot_services.ballot_close(ballot=ballot, by=None).result
    assert [s["membership"] for s in result["selected"]] == [a.pk]
    assert sorted(t["membership"] for t in result["tie"]) == sorted([b.pk, c.pk])
    assert result["seats_left"] == 1
    assert not by_unit(ballot_services.ballot_close(ballot=ballot, by=None))[b.pk]["selected"]


def test_equal_votes_inside_the_quota_or_below_the_threshold_are_no_tie():
    def run(votes: list[int], quota: int) -> dict:
        rows = [
            {"candidate": i, "membership": i, "unit": f"Đơn vị {i}", "position": i, "votes": v}
            for i, v in enumerate(votes, 1)
        ]
        return ballot_result(
            candidates=rows, quota=quota, threshold_percent=Decimal(50), threshold_strict=True, denominator=10
        )

    inside = run([7, 7, 2], quota=2)
    assert [s["membership"] for s in inside["selected"]] == [1, 2] and inside["tie"] == []
    failing = run([8, 3, 3], quota=1)  # 30 % each: below the threshold, so no seat is at stake
    assert [s["membership"] for s in failing["selected"]] == [1] and failing["tie"] == []
    all_tied = run([6, 6, 6], quota=2)
    assert all_tied["selected"] == [] and len(all_tied["tie"]) == 3 and all_tied["seats_left"] == 2


def test_a_runoff_takes_the_tied_units_for_the_seats_left_with_the_same_settings(term):
    a, b, c, d, e = members(term)
    ballot = make_ballot(
        term, state="open", quota=2, threshold_percent=30, threshold_strict=False, present=[a, b, c, d]
    )
    BallotPresence.objects.filter(ballot=ballot, membership=a).update(representative="Bà Lê Thị A")
    cast(ballot, a, a, b)
    cast(ballot, b, a, c)
    cast(ballot, c, a, b)
    cast(ballot, d, c, d)
    closed = ballot_services.ballot_close(ballot=ballot, by=None)
    assert sorted(t["membership"] for t in closed.result["tie"]) == sorted([b.pk, c.pk])

    runoff = ballot_services.ballot_runoff(ballot=closed, by=None)
    assert (runoff.kind, runoff.state, runoff.runoff_of) == (BallotKind.RUNOFF, BallotState.DRAFT, closed)
    assert runoff.title == f"Bầu lại: {closed.title}"
    assert runoff.quota == 1
    assert (runoff.threshold_percent, runoff.threshold_strict, runoff.threshold_base, runoff.mode) == (
        Decimal(30),
        False,
        "present",
        "online",
    )
    assert list(runoff.candidates.order_by("position").values_list("membership_id", flat=True)) == [
        b.pk,
        c.pk,
    ]
    assert set(runoff.present.values_list("membership_id", "representative")) == {
        (a.pk, "Bà Lê Thị A"),
        (b.pk, ""),
        (c.pk, ""),
        (d.pk, ""),
    }
    assert AuditEvent.objects.filter(action="ballot.runoff", object_id=str(runoff.pk)).exists()
    before = db_state()
    with pytest.raises(ValidationError, match="Đã có cuộc bầu lại"):
        ballot_services.ballot_runoff(ballot=closed, by=None)
    assert db_state() == before


def test_no_runoff_without_a_tie_or_before_closing(term):
    a, b, *_ = members(term)
    open_ballot = make_ballot(term, state="open")
    with pytest.raises(ValidationError, match="sau khi cuộc bỏ phiếu đã kết thúc"):
        ballot_services.ballot_runoff(ballot=open_ballot, by=None)
    cast(open_ballot, a, b)
    cast(open_ballot, b, b)
    cast(open_ballot, members(term)[2], b)
    closed = ballot_services.ballot_close(ballot=open_ballot, by=None)
    with pytest.raises(ValidationError, match="không có đồng phiếu"):
        ballot_services.ballot_runoff(ballot=closed, by=None)
    assert not Ballot.objects.filter(kind=BallotKind.RUNOFF).exists()


# The paper count --------------------------------------------------------------------------------

GOOD = {"issued": 5, "returned": 5, "valid": 4, "invalid": 1}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"issued": 6, "returned": 5}, "issued", "không được vượt số thành viên có mặt (5)"),
        ({"issued": 4}, "returned", "Số phiếu thu về (5) không được vượt số phiếu phát ra (4)"),
        ({"valid": 3}, "invalid", "phải bằng số phiếu thu về (5)"),
        ({"votes": [5, 0, 0, 0, 0]}, "v0", "Số phiếu bầu (5) không được vượt số phiếu hợp lệ (4)"),
        ({"votes": [4, 1, 0, 0, 0]}, "__all__", "Tổng số phiếu bầu cho các đơn vị (5) không được vượt"),
        ({"issued": -1}, "issued", "Nhập một số nguyên từ 0 trở lên"),
        ({"valid": "4"}, "valid", "Nhập một số nguyên từ 0 trở lên"),
        ({"votes": [1.5, 0, 0, 0, 0]}, "v0", "Nhập một số nguyên từ 0 trở lên"),
        ({"invalid": True}, "invalid", "Nhập một số nguyên từ 0 trở lên"),
    ],
)
def test_each_rule_of_the_paper_count_refuses_with_its_message_and_stores_nothing(
    term, change, field, message
):
    ballot = make_ballot(term, state="open", mode="paper")
    ms = members(term)
    votes = dict(zip(ms, change.pop("votes", [2, 1, 1, 0, 0]), strict=True))
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        paper_counts(ballot, **(GOOD | change), votes=votes)
    key = f"v{candidate(ballot, ms[0]).pk}" if field == "v0" else field
    assert any(message in text for text in exc.value.message_dict[key]), exc.value.message_dict
    assert db_state() == before


def test_a_paper_count_must_name_every_eligible_candidate_and_only_on_paper(term):
    ballot = make_ballot(term, state="open", mode="paper")
    online = make_ballot(term, state="open")
    before = db_state()
    with pytest.raises(ValidationError, match="Danh sách bầu đã thay đổi"):
        ballot_services.ballot_counts_save(
            ballot=ballot, issued=5, returned=5, valid=5, invalid=0, votes={}, lock_version=None, by=None
        )
    with pytest.raises(ValidationError, match="tự kiểm phiếu"):
        paper_counts(online, **GOOD, votes=dict.fromkeys(members(term), 0))
    assert db_state() == before


def test_a_second_save_of_the_count_from_the_same_page_gets_the_stale_message(term):
    ballot = make_ballot(term, state="open", mode="paper")
    ms = members(term)
    read_at = Ballot.objects.get(pk=ballot.pk).lock_version
    paper_counts(ballot, **GOOD, votes=dict(zip(ms, [2, 1, 1, 0, 0], strict=True)), lock_version=read_at)
    with pytest.raises(ValidationError, match="^.*Người khác vừa sửa"):
        paper_counts(ballot, **GOOD, votes=dict(zip(ms, [4, 0, 0, 0, 0], strict=True)), lock_version=read_at)
    assert candidate(ballot, ms[0]).votes == 2


# The audit log ----------------------------------------------------------------------------------


def test_every_step_is_audited_and_a_cast_names_the_unit_never_its_choices(term):
    leader = unit_user(term, Role.LEADER)
    a, b, c, d, e = members(term)
    ballot = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, quota=2, by=leader)
    ballot = ballot_services.ballot_update(
        ballot=ballot, settings={"threshold_percent": Decimal(20)},
        lock_version=None, by=leader,
    )  # fmt: skip
    ballot = ballot_services.ballot_open(ballot=ballot, by=leader)
    voters = {a: (b, c), b: (d,), c: (e, b), d: ()}
    for voter, chosen in voters.items():
        cast(ballot, voter, *chosen, by=make_user(unit=voter.unit))
    ballot_services.ballot_close(ballot=ballot, by=leader)
    actions = list(
        AuditEvent.objects.filter(object_id=str(ballot.pk)).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["ballot.create", "ballot.update", "ballot.open", *["ballot.cast"] * 4, "ballot.close"]

    casts = AuditEvent.objects.filter(action="ballot.cast").order_by("pk")
    assert [(e.old, e.new, e.reason) for e in casts] == [(None, {"voted": v.pk}, "") for v in voters]
    text = json.dumps([[e.old, e.new, e.object_repr, e.reason] for e in casts])
    assert "candidate" not in text and "choice" not in text
    choice_ids = set(BallotChoice.objects.values_list("id", flat=True))
    assert not any(cid in text for cid in choice_ids)


# Secrecy of the stored ballot -------------------------------------------------------------------


def test_stored_choices_hold_no_unit_user_time_or_order_and_nothing_links_them_to_the_register():
    term = make_term(year=2024, members=8)
    ms = members(term)
    ballot = make_ballot(term, state="open", quota=3)
    created: list[str] = []
    rng = random.Random(7)
    for voter in ms:
        known = set(BallotChoice.objects.values_list("id", flat=True))
        cast(ballot, voter, *rng.sample(ms, 2 if voter.position % 2 else 3), by=make_user(unit=voter.unit))
        created += sorted(set(BallotChoice.objects.values_list("id", flat=True)) - known)
    rows = list(BallotChoice.objects.values())
    assert len(rows) == len(created) >= 16

    candidate_ids = set(ballot.candidates.values_list("pk", flat=True))
    for row in rows:
        assert set(row) == {"id", "ballot_id", "candidate_id"}
        assert re.fullmatch(r"[0-9a-f]{32}", row["id"])
        assert row["ballot_id"] == ballot.pk and row["candidate_id"] in candidate_ids
    # The keys are random: their order is not the order of the casts, and they are not consecutive numbers.
    assert sorted(created) != created
    numbers = sorted(int(key, 16) for key in created)
    assert all(later - earlier > 1 for earlier, later in zip(numbers, numbers[1:], strict=False))

    fields = {f.name: f for f in BallotChoice._meta.get_fields()}
    assert set(fields) == {"id", "ballot", "candidate"}
    assert fields["ballot"].related_model is Ballot and fields["candidate"].related_model is BallotCandidate
    assert fields["id"].get_internal_type() == "CharField"
    assert {f.name for f in BallotParticipation._meta.get_fields()} == {"id", "ballot", "membership"}
    for model in apps.get_models():
        refers_to = {
            f.related_model for f in model._meta.get_fields() if f.is_relation and not f.auto_created
        }
        assert BallotChoice not in refers_to, f"{model.__name__} refers to a choice"
        assert not (model is BallotParticipation and BallotChoice in refers_to)
    assert not AuditEvent.objects.filter(object_type="scoring.ballotchoice").exists()


def test_closing_writes_the_marks_again_with_new_keys_so_no_trace_of_the_order_of_casts_is_left(term):
    ballot = make_ballot(term, state="open", quota=2)
    a, b, c, d, e = members(term)
    for voter, chosen in ((a, (b, c)), (b, (c,)), (c, (d, e)), (d, (e, a))):
        cast(ballot, voter, *chosen)
    before = list(BallotChoice.objects.filter(ballot=ballot).values_list("id", "candidate_id"))
    ballot_services.ballot_close(ballot=ballot, by=None)
    after = list(BallotChoice.objects.filter(ballot=ballot).values_list("id", "candidate_id"))
    assert not {key for key, _ in before} & {key for key, _ in after}
    assert sorted(cid for _, cid in after) == sorted(cid for _, cid in before)


# Properties -------------------------------------------------------------------------------------


@st.composite
def elections(draw):
    size = draw(st.integers(min_value=3, max_value=25))
    quota = draw(st.integers(min_value=1, max_value=5))
    voters = draw(st.lists(st.integers(0, size - 1), unique=True, max_size=size))
    ballots = [
        draw(st.lists(st.integers(0, size - 1), unique=True, max_size=min(quota, size))) for _ in voters
    ]
    order = draw(st.permutations(range(len(voters))))
    return size, quota, list(zip(voters, ballots, strict=True)), order


def _without_candidate_ids(result: dict) -> dict:
    def strip(rows):
        return [{k: v for k, v in r.items() if k != "candidate"} for r in rows]

    return {**result, "candidates": strip(result["candidates"]), "selected": strip(result["selected"]),
            "tie": strip(result["tie"])}  # fmt: skip


@settings(max_examples=20, deadline=None)
@given(election=elections())
def test_the_tally_is_bounded_and_does_not_depend_on_the_order_of_casts(election):
    size, quota, casts, order = election
    with transaction.atomic():
        term = make_term(year=2024, members=size)
        ms = members(term)
        first = make_ballot(term, state="open", quota=quota, threshold_percent=10)
        second = make_ballot(term, state="open", quota=quota, threshold_percent=10)
        for voter, chosen in casts:
            cast(first, ms[voter], *(ms[i] for i in chosen))
        for index in order:
            voter, chosen = casts[index]
            cast(second, ms[voter], *(ms[i] for i in chosen))
        results = [ballot_services.ballot_close(ballot=b, by=None).result for b in (first, second)]

        voted = len(casts)
        total = sum(c["votes"] for c in results[0]["candidates"])
        assert total == sum(len(chosen) for _, chosen in casts) <= voted * quota
        assert all(c["votes"] <= voted for c in results[0]["candidates"])
        assert results[0]["counts"] == {"issued": size, "returned": voted, "valid": voted, "invalid": 0}
        assert len(results[0]["selected"]) <= quota
        assert _without_candidate_ids(results[0]) == _without_candidate_ids(results[1])
        transaction.set_rollback(True)


counts = st.integers(min_value=-2, max_value=9) | st.sampled_from([None, "3", 2.0, True])


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=6),
    quota=st.integers(min_value=1, max_value=3),
    figures=st.fixed_dictionaries(dict.fromkeys(("issued", "returned", "valid", "invalid"), counts)),
    votes=st.lists(counts, min_size=6, max_size=6),
)
def test_a_paper_count_is_stored_only_when_it_is_consistent(size, quota, figures, votes):
    with transaction.atomic():
        term = make_term(year=2024, members=size)
        ballot = make_ballot(term, state="open", mode="paper", quota=quota)
        ids = list(ballot.candidates.order_by("position").values_list("pk", flat=True))
        typed = dict(zip(ids, votes, strict=False))
        try:
            ballot_services.ballot_counts_save(
                ballot=ballot, **figures, votes=typed, lock_version=None, by=None
            )
        except ValidationError:
            stored = Ballot.objects.get(pk=ballot.pk)
            assert (stored.issued, stored.returned, stored.valid, stored.invalid) == (None,) * 4
            assert not BallotCandidate.objects.filter(ballot=ballot, votes__isnull=False).exists()
        else:
            stored = Ballot.objects.get(pk=ballot.pk)
            stored_votes = list(BallotCandidate.objects.filter(ballot=ballot).values_list("votes", flat=True))
            assert stored.returned <= stored.issued <= size
            assert stored.valid + stored.invalid == stored.returned
            assert all(0 <= v <= stored.valid for v in stored_votes)
            assert sum(stored_votes) <= stored.valid * quota
        transaction.set_rollback(True)


def test_nothing_is_cast_in_a_closed_term(term):
    ballot = make_ballot(term, state="open")
    a, b, *_ = members(term)
    term_close(term=term, by=None)
    assert term.__class__.objects.get(pk=term.pk).status == TermStatus.CLOSED
    with pytest.raises(ValidationError, match="đã kết thúc"):
        cast(ballot, a, b)
    assert not BallotParticipation.objects.exists()
