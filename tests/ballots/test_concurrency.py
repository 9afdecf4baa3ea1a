"""A unit votes once, guaranteed by the database: the participation register's unique constraint
refuses a second row for the same unit, and two casts of the same unit racing on PostgreSQL leave
one participation and the marks of one ballot."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from ballots import services as ballot_services
from ballots.models import BallotChoice, BallotParticipation
from tests.ballots.factories import candidate, make_ballot, members
from tests.factories import make_term
from tests.together import run_together


@pytest.mark.django_db
def test_the_database_refuses_a_second_participation_of_the_same_unit():
    term = make_term(year=2024, members=3)
    ballot = make_ballot(term, state="open")
    voter = members(term)[0]
    BallotParticipation.objects.create(ballot=ballot, membership=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotParticipation.objects.create(ballot=ballot, membership=voter)
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    other = make_ballot(term, state="open")
    BallotParticipation.objects.create(ballot=other, membership=voter)  # the same unit on another ballot


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write; PostgreSQL races"
)
@pytest.mark.django_db(transaction=True)
def test_two_casts_of_the_same_unit_at_the_same_moment_leave_one_ballot():
    term = make_term(year=2024, members=4)
    a, b, c, d = members(term)
    ballot = make_ballot(term, state="open", quota=2)
    marks = {"first": [candidate(ballot, a).pk, candidate(ballot, b).pk], "second": [candidate(ballot, c).pk]}

    def vote(name: str) -> str:
        try:
            ballot_services.ballot_cast(ballot=ballot, membership=d, candidate_ids=marks[name], by=None)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return "cast"

    outcome = run_together({name: (lambda n=name: vote(n)) for name in marks})
    assert sorted(outcome.values()) == ["cast", "Đơn vị đã bỏ phiếu."]
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    winner = next(name for name, result in outcome.items() if result == "cast")
    stored = sorted(BallotChoice.objects.filter(ballot=ballot).values_list("candidate_id", flat=True))
    assert stored == sorted(marks[winner])
