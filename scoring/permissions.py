"""Who may do what in scoring. Rights come from the user's unit's role in the term; templates are the
board's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from blocs.models import Membership, Role
from blocs.permissions import can_edit_drafts, can_view_term, is_board, is_leader, role_in_term
from scoring.models import CriteriaSet, Evidence, Layer, ScoringState, Sheet


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


def _oversees(user, term) -> bool:
    """Leader, deputy, supervisor and board staff follow every submitted sheet of the term."""
    return (
        is_board(user)
        or (user.is_authenticated and term.supervisor_id == user.pk)
        or role_in_term(user, term) in (Role.LEADER, Role.DEPUTY)
    )


def can_view_sheet(user, sheet: Sheet) -> bool:
    """A unit sees its own self-assessment and the reviews it writes, drafts included; a draft is
    nobody else's business. A submitted sheet is seen by those who oversee the term, by the member
    it scores (its reviews), and by the member's cross-checkers (its self-assessment)."""
    term = sheet.criteria_set.term
    if not can_view_term(user, term):
        return False
    own_unit = user.unit_id
    if sheet.layer == Layer.SELF and sheet.subject.unit_id == own_unit:
        return True
    if sheet.layer != Layer.SELF and sheet.reviewer.unit_id == own_unit:
        return True
    if not sheet.is_submitted:
        return False
    if _oversees(user, term) or sheet.subject.unit_id == own_unit:
        return True
    return sheet.criteria_set.sheets.filter(
        layer=Layer.CROSS, subject_id=sheet.subject_id, reviewer__unit_id=own_unit
    ).exists()


def can_write_review(user, sheet: Sheet) -> bool:
    """The reviewing unit writes its review while scoring is open; the leader's layer only by the
    term's leader or, for the leader's own sheet, its deputy."""
    term = sheet.criteria_set.term
    if sheet.layer == Layer.SELF or not term.is_open or sheet.criteria_set.state != ScoringState.OPEN:
        return False
    if sheet.reviewer.unit_id != user.unit_id:
        return False
    if sheet.layer == Layer.LEADER:
        return role_in_term(user, term) in (Role.LEADER, Role.DEPUTY)
    return role_in_term(user, term) is not None


def can_manage_review(user, criteria_set: CriteriaSet) -> bool:
    """The leader starts reviews, assigns cross-checks, decides explanations and publishes."""
    return (
        not criteria_set.is_template
        and criteria_set.state == ScoringState.OPEN
        and is_leader(user, criteria_set.term)
    )


def can_view_results(user, criteria_set: CriteriaSet) -> bool:
    """The grid of every member's scores: those who oversee the term."""
    return not criteria_set.is_template and _oversees(user, criteria_set.term)


def can_view_ranking(user, criteria_set: CriteriaSet) -> bool:
    """The ranking: those who oversee the term, and the members once the leader has published it."""
    if criteria_set.is_template:
        return False
    return can_view_results(user, criteria_set) or (
        criteria_set.published_at is not None and role_in_term(user, criteria_set.term) is not None
    )


def can_publish(user, criteria_set: CriteriaSet) -> bool:
    return (
        not criteria_set.is_template
        and criteria_set.state == ScoringState.LOCKED
        and criteria_set.published_at is None
        and is_leader(user, criteria_set.term)
    )


def get_criteria_set_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> CriteriaSet:
    criteria_set = get_object_or_404(
        CriteriaSet.objects.select_related("term__bloc", "term__supervisor"), pk=pk
    )
    if not can_view_criteria(request.user, criteria_set):
        raise Http404
    if write and not can_edit_criteria(request.user, criteria_set):
        raise PermissionDenied
    return criteria_set


def get_sheet_for_user(request: HttpRequest, pk: int) -> Sheet:
    sheet = get_object_or_404(
        Sheet.objects.select_related(
            "criteria_set__term__bloc", "criteria_set__term__supervisor", "subject__unit", "reviewer__unit"
        ),
        pk=pk,
    )
    if not can_view_sheet(request.user, sheet):
        raise Http404
    return sheet


def get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("sheet__criteria_set__term__bloc", "sheet__subject__unit"),
        pk=pk,
    )
    if not can_view_sheet(request.user, evidence.sheet):
        raise Http404
    return evidence


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
