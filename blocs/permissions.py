"""Who may do what. Pure predicates, plus access helpers that answer 404 or 403.

Rights on a bloc belong to terms: the users of a term's leader unit act as leader on that term
while it is open. Nothing here reads a role flag on a user; board staff are the members of the
board group (model permissions), and the supervisor is named on the term.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from blocs.models import Bloc, Membership, Role, Term, User

BOARD_GROUP = "Ban Thi đua – Khen thưởng"
BOARD_PERMISSION = "blocs.change_term"


def is_board(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(BOARD_PERMISSION))


def role_in_term(user, term: Term) -> str | None:
    """The role of the user's unit in the term (leader, deputy, member) or None.

    Uses `term.memberships` prefetched as `term.user_membership` when present, so that list pages
    can resolve roles for many terms without a query each.
    """
    if not user.is_authenticated or user.unit_id is None:
        return None
    if hasattr(term, "user_membership"):
        found = term.user_membership
        return found[0].role if found else None
    return Membership.objects.filter(term=term, unit_id=user.unit_id).values_list("role", flat=True).first()


def resolve_membership(user, term: Term) -> None:
    """Read the user's membership in the term once (`term.user_membership`), so that every role check
    of the page is free."""
    if not hasattr(term, "user_membership"):
        found = []
        if user.is_authenticated and user.unit_id is not None:
            found = list(term.memberships.filter(unit_id=user.unit_id))
        term.user_membership = found


def term_membership(user, term: Term) -> Membership | None:
    """The user's unit's membership in the term, or None."""
    resolve_membership(user, term)
    return term.user_membership[0] if term.user_membership else None


def is_supervisor(user, term: Term) -> bool:
    return user.is_authenticated and term.supervisor_id is not None and term.supervisor_id == user.pk


def can_view_term(user, term: Term) -> bool:
    return is_board(user) or is_supervisor(user, term) or role_in_term(user, term) is not None


def is_leader(user, term: Term) -> bool:
    """Leader's rights: the user's unit leads this term, and the term is still open."""
    return term.is_open and role_in_term(user, term) == Role.LEADER


def is_deputy(user, term: Term) -> bool:
    return term.is_open and role_in_term(user, term) == Role.DEPUTY


def can_edit_drafts(user, term: Term) -> bool:
    """Leader and deputy edit the term's drafts; the deputy never finalizes, locks, closes or submits."""
    return term.is_open and role_in_term(user, term) in (Role.LEADER, Role.DEPUTY)


def can_manage_term(user, term: Term | None = None) -> bool:
    """Board staff set up terms and memberships; a closed term is read-only for everyone."""
    return is_board(user) and (term is None or term.is_open)


def can_elect_next(user, term: Term) -> bool:
    """The election page of next year's leadership: the leader and board staff, while the year is open."""
    return term.is_open and (is_board(user) or is_leader(user, term))


def can_change_next(user, term: Term, *, recorded: bool) -> bool:
    """Recording it: the leader once; after it is recorded, board staff only (with a reason)."""
    return can_elect_next(user, term) and (is_board(user) or not recorded)


def can_view_bloc(user, bloc: Bloc) -> bool:
    if is_board(user):
        return True
    if not user.is_authenticated:
        return False
    return bloc.terms.visible_to(user).exists()


def can_manage_accounts(user) -> bool:
    return is_board(user) and user.has_perm("blocs.change_user")


def require(allowed: bool) -> None:
    """403 unless `allowed`: for a page the user may see but whose action is not theirs."""
    if not allowed:
        raise PermissionDenied


def require_board(request: HttpRequest) -> None:
    """Board-only pages are not even visible to others (404), like objects they may not see."""
    if not is_board(request.user):
        raise Http404


def require_account_manager(request: HttpRequest) -> None:
    """The accounts pages: board staff who may change accounts; anyone else gets a 404."""
    if not can_manage_accounts(request.user):
        raise Http404


def get_term_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Term:
    """The term, or 404 if the user may not see it, or 403 if they may see it but not manage it."""
    term = get_object_or_404(Term.objects.select_related("bloc", "supervisor"), pk=pk)
    if not can_view_term(request.user, term):
        raise Http404
    if write and not can_manage_term(request.user, term):
        raise PermissionDenied
    return term


def get_membership_for_user(request: HttpRequest, pk: int, mid: int) -> Membership:
    """A member of a term, for board staff who manage that term (404 / 403 as the term's)."""
    term = get_term_for_user(request, pk, write=True)
    return get_object_or_404(term.memberships.select_related("unit", "term"), pk=mid)


def get_term_audit_for_user(request: HttpRequest, pk: int) -> Term:
    """A term's audit log: board staff only (403 for those who see the term)."""
    term = get_term_for_user(request, pk)
    require(is_board(request.user))
    return term


def get_bloc_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Bloc:
    bloc = get_object_or_404(Bloc, pk=pk)
    if not can_view_bloc(request.user, bloc):
        raise Http404
    if write and not is_board(request.user):
        raise PermissionDenied
    return bloc


def get_account_for_user(request: HttpRequest, pk: int) -> User:
    """Accounts are visible to board staff only; anyone else gets a 404."""
    if not can_manage_accounts(request.user):
        raise Http404
    return get_object_or_404(User.objects.select_related("unit"), pk=pk)
