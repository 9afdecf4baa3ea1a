"""Reads of the vote: the tally (percentages and the result from the votes) and what a ballot's
pages show.

Secrecy: the pages read the register of who voted and never a count; counts are read from a closed
ballot's frozen result only. Every read here runs a fixed number of queries whatever the number of
members and ballots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from ballots.models import (
    Ballot,
    BallotCandidate,
    BallotMode,
    BallotParticipation,
    BallotPresence,
    BallotState,
    ThresholdBase,
)
from blocs.models import Membership, Term

try:
    from scoring.services.ranking import ranked_memberships
except ImportError:  # ranking is written alongside; until it lands, candidates follow the decision's order
    ranked_memberships = None

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# The tally --------------------------------------------------------------------------------------


def percentage(votes: int, denominator: int) -> Decimal:
    """votes × 100 / denominator, half-up to two decimals (0 when nobody could vote)."""
    if denominator <= 0:
        return Decimal("0.00")
    return (Decimal(votes) * HUNDRED / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def ballot_result(
    *,
    candidates: Sequence[Mapping],
    quota: int,
    threshold_percent: Decimal,
    threshold_strict: bool,
    denominator: int,
) -> dict:
    """The result from the votes: who passed the threshold, who is selected (up to the quota, by votes),
    and the tie at the quota's boundary that only a run-off can settle.

    `candidates` are mappings with `candidate`, `membership`, `unit`, `position`, `votes`. Nothing is
    picked silently: when the last seat's votes are shared by more passing candidates than seats are
    left, none of them is selected and they are listed in `tie`.
    """
    rows = []
    for c in candidates:
        pct = percentage(c["votes"], denominator)
        passed = pct > threshold_percent if threshold_strict else pct >= threshold_percent
        rows.append({**c, "pct": pct, "passed": passed, "selected": False})
    rows.sort(key=lambda r: (-r["votes"], r["position"], r["membership"]))
    passing = [r for r in rows if r["passed"]]
    tie: list[dict] = []
    if len(passing) > quota and passing[quota - 1]["votes"] == passing[quota]["votes"]:
        boundary = passing[quota - 1]["votes"]
        chosen = [r for r in passing if r["votes"] > boundary]
        tie = [r for r in passing if r["votes"] == boundary]
    else:
        chosen = passing[:quota]
    for r in chosen:
        r["selected"] = True

    def public(r: dict) -> dict:
        return {
            "candidate": r["candidate"],
            "membership": r["membership"],
            "unit": r["unit"],
            "votes": r["votes"],
            "pct": str(r["pct"]),
            "passed": r["passed"],
            "selected": r["selected"],
        }

    return {
        "candidates": [public(r) for r in rows],
        "selected": [public(r) for r in chosen],
        "tie": [public(r) for r in tie],
        "seats_left": quota - len(chosen) if tie else 0,
        "denominator": denominator,
        "quota": quota,
        "threshold": str(threshold_percent),
        "strict": threshold_strict,
    }


def has_counts(ballot: Ballot) -> bool:
    """Whether the paper count has been entered (a yes or no; the numbers stay hidden until closing)."""
    return ballot.issued is not None


def counted_candidates(ballot: Ballot) -> list[BallotCandidate]:
    """The eligible candidates with their unit's name of the year (`unit_name`) and their online
    marks (`marks`), in list order: what closing counts."""
    names = Membership.objects.with_unit_name().filter(pk=OuterRef("membership_id")).values("unit_name")[:1]
    return list(
        ballot.candidates.filter(eligible=True)
        .annotate(unit_name=Subquery(names), marks=Count("choices"))
        .order_by("position", "pk")
    )


def threshold_denominator(ballot: Ballot, *, present: int) -> int:
    """What the percentages are taken on: the members present, all the term's members, or the ballots
    issued (a setting of the ballot)."""
    if ballot.threshold_base == ThresholdBase.ALL:
        return ballot.term.memberships.count()
    if ballot.threshold_base == ThresholdBase.ISSUED:
        return ballot.issued
    return present


def default_candidates(term: Term) -> list[Membership]:
    """The term's members in rank order when the ranking exists, else in the formation decision's order."""
    if ranked_memberships is not None:
        return list(ranked_memberships(term))
    return list(term.memberships.order_by("position", "pk"))


# The pages --------------------------------------------------------------------------------------


def term_ballots(term: Term, *, unit_id: int | None) -> QuerySet[Ballot]:
    """The term's ballots, each with whether the user's unit is present (`own_present`) and has
    voted (`own_voted`): one query."""
    own = {"ballot": OuterRef("pk"), "membership__unit_id": unit_id or 0}
    return term.ballots.select_related("runoff_of").annotate(
        own_present=Exists(BallotPresence.objects.filter(**own)),
        own_voted=Exists(BallotParticipation.objects.filter(**own)),
    )


@dataclass
class BallotLists:
    """A ballot's lists as its pages show them: the term's members (each with `present`,
    `representative`, `voted`), the candidates (each with `unit_name`), who is present
    (`{membership id: representative}`) and who voted online. Never a count."""

    members: list[Membership]
    candidates: list[BallotCandidate]
    present: dict[int, str]
    voted: set[int] = field(default_factory=set)

    @property
    def eligible(self) -> list[BallotCandidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def ineligible(self) -> list[BallotCandidate]:
        return [c for c in self.candidates if not c.eligible]

    @property
    def quorum(self) -> bool:
        """More than half of the members present."""
        return len(self.present) * 2 > len(self.members)


def ballot_lists(ballot: Ballot) -> BallotLists:
    """Members, candidates, presence and the register of an online ballot: four queries at most."""
    members = list(ballot.term.memberships.with_unit_name().order_by("position", "pk"))
    names = {m.pk: m.unit_name for m in members}
    candidates = list(
        ballot.candidates.only("pk", "membership_id", "position", "eligible", "ineligible_reason").order_by(
            "position", "pk"
        )
    )
    for c in candidates:
        c.unit_name = names.get(c.membership_id, "")
    present = {p.membership_id: p.representative for p in ballot.present.all()}
    voted = (
        set(ballot.participations.values_list("membership_id", flat=True))
        if ballot.mode == BallotMode.ONLINE and ballot.state != BallotState.DRAFT
        else set()
    )
    for m in members:
        m.present = m.pk in present
        m.representative = present.get(m.pk, "")
        m.voted = m.pk in voted
    return BallotLists(members=members, candidates=candidates, present=present, voted=voted)
