"""Who may open the board's pages. The overview of a year, its export, the board's deadlines and the
province's decisions are board staff's: for everyone else they do not exist (404). A unit's award
history is also its own users'."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from blocs.models import Term, Unit
from blocs.permissions import is_board
from blocs.years import selected_year


def can_oversee(user) -> bool:
    """The overview, its export and the board's deadlines."""
    return is_board(user)


def can_record_decisions(user) -> bool:
    """The province's decisions on the blocs' proposals, which board staff record."""
    return is_board(user)


def can_view_unit_awards(user, unit_pk: int) -> bool:
    return is_board(user) or (user.is_authenticated and user.unit_id == unit_pk)


def get_year_for_user(request: HttpRequest) -> int | None:
    """The year the overview shows (the one the user selected); a 404 for anyone but board staff."""
    if not can_oversee(request.user):
        raise Http404
    return selected_year(request)


def get_term_for_user(request: HttpRequest, pk: int) -> Term:
    """A term whose proposals the province decides on; a 404 for anyone but board staff."""
    if not can_record_decisions(request.user):
        raise Http404
    return get_object_or_404(Term.objects.select_related("bloc"), pk=pk)


def get_unit_for_user(request: HttpRequest, pk: int) -> Unit:
    """A unit's award history: board staff and the unit's own users; a 404 for anyone else."""
    if not can_view_unit_awards(request.user, pk):
        raise Http404
    return get_object_or_404(Unit, pk=pk)
