"""Who may see and run the vote: the term's members and those who oversee it see its ballots; only
its leader runs them, while the term is open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from ballots.models import Ballot
from blocs.models import Term
from blocs.permissions import can_view_term, is_leader, resolve_membership


def can_view_ballots(user, term: Term) -> bool:
    return can_view_term(user, term)


def can_manage_ballots(user, term: Term) -> bool:
    """Only the term's leader prepares, opens, counts, closes and runs off, while the term is open."""
    return is_leader(user, term)


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
