"""Who may do what in scoring. Rights come from the user's unit's role in the term; templates are the
board's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from blocs.models import Membership
from blocs.permissions import can_edit_drafts, can_view_term, is_board, is_leader, role_in_term
from scoring.models import Assessment, CriteriaSet, Evidence, Layer, ScoringState


def can_view_criteria(user, criteria_set: CriteriaSet) -> bool:
    if criteria_set.is_template:
        return is_board(user)
    return can_view_term(user, criteria_set.term)


def can_edit_criteria(user, criteria_set: CriteriaSet) -> bool:
    """Until scoring opens: the leader and deputy edit the term's set; board staff edit templates."""
    if criteria_set.state != ScoringState.SETUP:
        return False
    if criteria_set.is_template:
        return is_board(user)
    return can_edit_drafts(user, criteria_set.term)


def can_open_scoring(user, criteria_set: CriteriaSet) -> bool:
    return not criteria_set.is_template and criteria_set.is_setup and is_leader(user, criteria_set.term)


def can_lock_scoring(user, criteria_set: CriteriaSet) -> bool:
    return criteria_set.state == ScoringState.OPEN and is_leader(user, criteria_set.term)


def can_reopen_scoring(user, criteria_set: CriteriaSet) -> bool:
    """Only board staff reopen, after the lock or the deadline (the service checks which)."""
    return (
        not criteria_set.is_template
        and criteria_set.term.is_open
        and criteria_set.state != ScoringState.SETUP
        and is_board(user)
    )


def own_membership(user, criteria_set: CriteriaSet) -> Membership | None:
    if criteria_set.is_template or not user.is_authenticated or user.unit_id is None:
        return None
    return criteria_set.term.memberships.filter(unit_id=user.unit_id).with_unit_name().first()


def can_view_sheet(user, sheet: Assessment) -> bool:
    """The unit sees its own sheets; a draft is nobody else's business. A submitted sheet is seen by
    the term's leader and deputy, the cross-checkers of that member, the supervisor and board staff."""
    term = sheet.criteria_set.term
    if not can_view_term(user, term):
        return False
    if user.unit_id == sheet.subject.unit_id and sheet.layer == Layer.SELF:
        return True
    if not sheet.is_submitted:
        return False
    if is_board(user) or term.supervisor_id == user.pk:
        return True
    if role_in_term(user, term) in ("leader", "deputy"):
        return True
    return sheet.criteria_set.assessments.filter(
        layer=Layer.CROSS, subject_id=sheet.subject_id, reviewer__unit_id=user.unit_id
    ).exists()


def get_criteria_set_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> CriteriaSet:
    criteria_set = get_object_or_404(
        CriteriaSet.objects.select_related("term__bloc", "term__supervisor"), pk=pk
    )
    if not can_view_criteria(request.user, criteria_set):
        raise Http404
    if write and not can_edit_criteria(request.user, criteria_set):
        raise PermissionDenied
    return criteria_set


def get_sheet_for_user(request: HttpRequest, pk: int) -> Assessment:
    sheet = get_object_or_404(
        Assessment.objects.select_related("criteria_set__term__bloc", "subject__unit"), pk=pk
    )
    if not can_view_sheet(request.user, sheet):
        raise Http404
    return sheet


def get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("assessment__criteria_set__term__bloc", "assessment__subject__unit"),
        pk=pk,
    )
    if not can_view_sheet(request.user, evidence.assessment):
        raise Http404
    return evidence


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
