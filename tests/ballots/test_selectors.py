"""A term's proposals, read once for every page and printout: the units the closed ballots selected,
per award, the leading unit counting for the provincial flag when its ballot names no award."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ballots import selectors
from ballots import services as ballot_services
from ballots.models import Ballot, BallotState
from tests.ballots.factories import cast, make_ballot, members
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def closed(term, *, kind: str, award: str, selected, votes: int = 4, **fields) -> Ballot:
    """A closed ballot whose frozen result selected `selected` (the board's tests build them so too)."""
    result = {
        "selected": [
            {"membership": m.pk, "unit": m.unit.name, "votes": votes, "pct": "80.00", "passed": True}
            for m in selected
        ],
        "candidates": [],
        "tie": [],
    }
    return Ballot.objects.create(
        term=term, kind=kind, title=f"{kind} {award}", award=award, state=BallotState.CLOSED,
        closed_at=timezone.now(), result=result, **fields,
    )  # fmt: skip


@pytest.fixture
def term():
    return make_term(year=2024, members=4)


def rows(proposals) -> list[tuple]:
    return [(p.membership_id, p.award, p.votes, p.leading) for p in proposals]


def test_the_leading_ballot_without_an_award_proposes_its_unit_for_the_provincial_flag(term):
    a, b, c, _ = members(term)
    ballot = make_ballot(term, state="open")
    for voter in (a, b, c):
        cast(ballot, voter, a)
    ballot_services.ballot_close(ballot=ballot, by=None)
    [proposal] = selectors.term_proposals(term)
    assert (proposal.membership_id, proposal.award, proposal.votes, proposal.leading) == (
        a.pk,
        "co_tinh",
        3,
        True,
    )
    assert proposal.pct == Decimal("75.00") and proposal.unit == a.unit.name


def test_one_proposal_per_unit_and_award_the_leading_ballot_first(term):
    a, b, c, d = members(term)
    award = closed(term, kind="award", award="co_tinh", selected=[b, a], votes=2)
    closed(term, kind="leading", award="", selected=[a], votes=4)
    closed(term, kind="award", award="bk_tinh", selected=[a, c], votes=3)
    runoff = closed(term, kind="runoff", award="co_tinh", selected=[d], votes=1, runoff_of=award)
    Ballot.objects.create(term=term, kind="award", title="Đang bầu", award="co_cp", state="open")
    found = selectors.term_proposals(term)
    assert rows(found) == [
        (a.pk, "co_tinh", 4, True),  # the leading unit, once, with its own ballot's votes
        (b.pk, "co_tinh", 2, False),
        (a.pk, "bk_tinh", 3, False),
        (c.pk, "bk_tinh", 3, False),
        (d.pk, "co_tinh", 1, False),  # a run-off counts for the ballot it settles
    ]
    assert found[-1].ballot == runoff


def test_a_leading_ballot_that_names_an_award_proposes_for_that_award_and_its_runoff_is_leading(term):
    a, b, *_ = members(term)
    leading = closed(term, kind="leading", award="co_cp", selected=[])
    closed(term, kind="runoff", award="co_cp", selected=[b], runoff_of=leading)
    assert rows(selectors.term_proposals(term)) == [(b.pk, "co_cp", 4, True)]


def test_a_terms_proposals_are_one_query_whatever_the_ballots(term, django_assert_num_queries):
    a, b, c, d = members(term)
    for award in ("co_tinh", "bk_tinh", "co_cp"):
        closed(term, kind="award", award=award, selected=[a, b, c, d])
    with django_assert_num_queries(1):
        assert len(selectors.term_proposals(term)) == 12


def test_the_leading_ballot_comes_first_whatever_the_ballots_order(term):
    a, *_ = members(term)
    closed(term, kind="award", award="co_tinh", selected=[a], votes=2)
    leading = closed(term, kind="leading", award="co_tinh", selected=[a], votes=4)
    found = selectors.term_proposals(term)
    assert rows(found) == [(a.pk, "co_tinh", 4, True)] and found[0].ballot == leading
