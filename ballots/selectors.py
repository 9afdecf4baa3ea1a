"""Reads of the vote: the tally (percentages and the result from the votes), what a ballot's pages
show, and a term's proposals (the units its closed ballots selected, per award), which the printed
proposal and the board's pages both read.

Secrecy: the pages read the register of who voted and never a count; counts are read from a closed
ballot's frozen result only. Every read here runs a fixed number of queries whatever the number of
members and ballots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from ballots.models import (
    Ballot,
    BallotCandidate,
    BallotKind,
    BallotMode,
    BallotParticipation,
    BallotPresence,
    BallotState,
    ThresholdBase,
)
from blocs.models import Membership, Term
from province.models import AwardCode
from scoring.selectors import ranked_memberships

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
    """The term's members in rank order, or in the formation decision's order while nothing is ranked."""
    return list(ranked_memberships(term))


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


# A term's proposals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A unit a closed ballot selected, and the award the bloc proposes it for."""

    membership_id: int
    unit: str  # the unit's name as the ballot's result recorded it (the name of that year)
    award: str
    votes: int | None
    pct: Decimal | None
    ballot: Ballot
    leading: bool  # selected on the leading-unit ballot (or a run-off of it)


def closed_ballots() -> QuerySet[Ballot]:
    """Closed ballots in the order they were created: the order in which proposals are taken."""
    return Ballot.objects.filter(state=BallotState.CLOSED).order_by("created_at", "pk")


def _settles(ballot: Ballot, by_pk: Mapping[int, Ballot]) -> Ballot:
    """The ballot a run-off (or a run-off of a run-off) settles."""
    seen = set()
    while ballot.kind == BallotKind.RUNOFF and ballot.runoff_of_id in by_pk and ballot.pk not in seen:
        seen.add(ballot.pk)
        ballot = by_pk[ballot.runoff_of_id]
    return ballot


def proposals_of(ballots: Iterable[Ballot]) -> list[Proposal]:
    """The proposals that closed `ballots` make: each unit a ballot selected, under the award the
    ballot names. The leading-unit ballot that names no award proposes its unit for the provincial
    flag, which goes to the collective that leads its bloc (Luật Thi đua, khen thưởng 2022, Art. 26).
    The printed proposal, the board's decisions page and each unit's award history all read this.

    One proposal per unit and award: of a unit selected twice for the same award, the first ballot's
    selection counts, the leading-unit ballots before the others, then in the order `ballots` come
    in. A run-off counts for the ballot it settles.
    """
    ballots = list(ballots)
    by_pk = {b.pk: b for b in ballots}
    leading, others = [], []
    for ballot in ballots:
        is_leading = _settles(ballot, by_pk).kind == BallotKind.LEADING
        award = ballot.award or (AwardCode.FLAG_PROVINCE if is_leading else "")
        if award:
            (leading if is_leading else others).append((ballot, award, is_leading))
    found: dict[tuple[int, str], Proposal] = {}
    for ballot, award, is_leading in leading + others:
        for chosen in (ballot.result or {}).get("selected", []):
            key = (chosen["membership"], award)
            if key not in found:
                pct = chosen.get("pct")
                found[key] = Proposal(
                    membership_id=chosen["membership"],
                    unit=chosen.get("unit", ""),
                    award=award,
                    votes=chosen.get("votes"),
                    pct=Decimal(pct) if pct is not None else None,
                    ballot=ballot,
                    leading=is_leading,
                )
    return list(found.values())


def term_proposals(term: Term) -> list[Proposal]:
    """The units the term proposes, per award (see `proposals_of`), closed ballots in the order they
    were created: one query."""
    return proposals_of(closed_ballots().filter(term=term))
