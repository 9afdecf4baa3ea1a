"""Who may see and run the vote: the term's members and those who oversee it see its ballots; only
its leader runs them, while the term is open; a member unit present at an open online ballot casts
its vote, once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ballots.models import Ballot, BallotMode, BallotState
from blocs import permissions as bloc_perms
from blocs.models import Membership, Term
from blocs.permissions import can_view_term, is_leader, resolve_membership, term_membership


def can_view_ballots(user, term: Term) -> bool:
    return can_view_term(user, term)


def can_manage_ballots(user, term: Term) -> bool:
    """Only the term's leader prepares, opens, counts, closes and runs off, while the term is open."""
    return is_leader(user, term)


def can_cast(ballot: Ballot, *, present: bool, voted: bool) -> bool:
    """A unit votes online while the ballot is open, if it is present and has not voted yet."""
    return ballot.mode == BallotMode.ONLINE and ballot.state == BallotState.OPEN and present and not voted


def has_papers(ballot: Ballot) -> bool:
    """A paper ballot prints its blank papers once it is open, for whoever may see it."""
    return ballot.mode == BallotMode.PAPER and ballot.state != BallotState.DRAFT


def ballot_actions(user, ballot: Ballot, *, runoffs: int) -> dict[str, bool]:
    """What the user may do with the ballot now, for its pages (`runoffs`: how many it already has)."""
    manage = can_manage_ballots(user, ballot.term)
    tie = ballot.state == BallotState.CLOSED and bool(ballot.result and ballot.result["tie"])
    return {
        "can_manage": manage,
        "can_edit": manage and ballot.state == BallotState.DRAFT,
        "can_open": manage and ballot.state == BallotState.DRAFT,
        "can_count": manage and ballot.state == BallotState.OPEN and ballot.mode == BallotMode.PAPER,
        "can_close": manage and ballot.state == BallotState.OPEN,
        "can_runoff": manage and tie and not runoffs,
    }


def get_term_for_user(request: HttpRequest, pk: int, *, manage: bool = False) -> Term:
    """The term whose ballots are listed: 404 if the user may not see it, 403 if `manage` and the
    user may not create its ballots."""
    term = bloc_perms.get_term_for_user(request, pk)
    resolve_membership(request.user, term)
    if manage and not can_manage_ballots(request.user, term):
        raise PermissionDenied
    return term


def own_membership(user, term: Term) -> Membership | None:
    """The user's unit in the term, the one that votes, or None."""
    return term_membership(user, term)


def get_ballot_for_user(request: HttpRequest, pk: int, *, manage: bool = False) -> Ballot:
    ballot = get_object_or_404(
        Ballot.objects.select_related("term__bloc", "term__supervisor", "runoff_of"), pk=pk
    )
    resolve_membership(request.user, ballot.term)
    if not can_view_ballots(request.user, ballot.term):
        raise Http404
    if manage and not can_manage_ballots(request.user, ballot.term):
        raise PermissionDenied
    return ballot


def get_voter_for_user(request: HttpRequest, ballot: Ballot) -> Membership:
    """The user's unit in the ballot's term; the supervisor and board staff have no vote (403)."""
    membership = own_membership(request.user, ballot.term)
    if membership is None:
        raise PermissionDenied
    return membership


def ensure_present(ballot: Ballot, membership: Membership) -> None:
    """Only a unit on the list of members present gets a ballot (403 otherwise)."""
    if not ballot.present.filter(membership=membership).exists():
        raise PermissionDenied
