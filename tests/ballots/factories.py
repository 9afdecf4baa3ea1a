"""Builders for ballots in tests: make_ballot(term, **settings) returns a saved ballot in the state asked."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from ballots import services as ballot_services
from ballots.models import Ballot, BallotCandidate, BallotPresence, BallotState
from blocs.models import Membership, Term


def make_ballot(
    term: Term,
    *,
    kind: str = "leading",
    mode: str = "online",
    quota: int = 1,
    candidates: Iterable[Membership] | None = None,
    present: Iterable[Membership] | None = None,
    state: str = "draft",
    threshold_percent: Decimal | int | str = 50,
    threshold_strict: bool = True,
    threshold_base: str = "present",
    **overrides,
) -> Ballot:
    """A ballot whose candidates (default: every member, in position order) are eligible and whose
    `present` members (default: every member) are present. `state="open"` opens it; `state="closed"`
    closes it through the service (a paper ballot then needs its counts: enter them first)."""
    members = list(term.memberships.order_by("position", "pk"))
    fields = {
        "title": f"Bầu đơn vị dẫn đầu Khối thi đua năm {term.year}",
        "kind": kind,
        "mode": mode,
        "quota": quota,
        "threshold_percent": Decimal(str(threshold_percent)),
        "threshold_strict": threshold_strict,
        "threshold_base": threshold_base,
        **overrides,
    }
    ballot = Ballot.objects.create(term=term, **fields)
    BallotCandidate.objects.bulk_create(
        BallotCandidate(ballot=ballot, membership=m, position=i)
        for i, m in enumerate(members if candidates is None else candidates, 1)
    )
    BallotPresence.objects.bulk_create(
        BallotPresence(ballot=ballot, membership=m) for m in (members if present is None else present)
    )
    if state in ("open", "closed"):
        Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.OPEN, opened_at=timezone.now())
        ballot.refresh_from_db()
    if state == "closed":
        ballot = ballot_services.ballot_close(ballot=ballot, by=None)
    return ballot


def candidate(ballot: Ballot, membership: Membership) -> BallotCandidate:
    return ballot.candidates.get(membership=membership)


def cast(ballot: Ballot, membership: Membership, *chosen: Membership, by=None):
    """Cast the unit's online ballot for the chosen members (none: a blank ballot)."""
    ids = [candidate(ballot, m).pk for m in chosen]
    return ballot_services.ballot_cast(ballot=ballot, membership=membership, candidate_ids=ids, by=by)


def members(term: Term) -> list[Membership]:
    return list(term.memberships.order_by("position", "pk"))
