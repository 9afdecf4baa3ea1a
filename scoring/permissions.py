"""Who may do what in scoring: every rule of access and every time window, in one place.

Rights belong to terms (`blocs.permissions`): the users of this year's leader unit act as leader
while the term is open; a closed year is read-only for everyone. In scoring:

- Build the criteria set (criteria, settings, import): the term's leader and deputy, until scoring
  opens. Templates: board staff. Anyone who sees the term reads the set and exports it.
- Open scoring, lock it, manage reviews (start the leader's review, assign cross-checks, decide
  explanations) and publish the ranking: the term's leader. Reopen after the lock or the deadline:
  board staff, with a reason.
- Fill in the self-assessment and its evidence: the member's own unit, while scoring is open and
  before the deadline (`accepting_self_assessment`), until it submits.
- Write a review: the reviewing unit while scoring is open (`accepting_reviews`); the leader's
  layer only by the leader's unit, or the deputy's for the leader's own sheet.
- Explain a lowered criterion: the member, once per criterion, until the explanation deadline
  (`explanation_open`).
- See a sheet: its own unit, drafts included; once submitted, those who oversee the term (leader,
  deputy, supervisor, board staff), the member it scores and that member's cross-checkers.
- See the grid: those who oversee the term; the ranking: they, and the members once published.

Views load objects with the `get_<thing>_for_user` helpers (404 when the user may not see the
object, 403 when they may see it but not do this) and give templates the predicates' booleans.
The services call the time windows again inside their transactions, to enforce them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from blocs.models import Membership, Role, Term
from blocs.permissions import (
    can_edit_drafts,
    can_view_term,
    is_board,
    is_leader,
    is_supervisor,
    role_in_term,
    term_membership,
)
from scoring.models import (
    CriteriaSet,
    Criterion,
    Evidence,
    Explanation,
    Layer,
    ScoringState,
    Sheet,
    SheetStatus,
)

# Time windows -----------------------------------------------------------------------------------


def is_past_deadline(criteria_set: CriteriaSet) -> bool:
    return criteria_set.deadline is not None and timezone.now() > criteria_set.deadline


def accepting_self_assessment(criteria_set: CriteriaSet) -> bool:
    """Members fill in their sheets while scoring is open, until the deadline."""
    return (
        criteria_set.state == ScoringState.OPEN
        and not is_past_deadline(criteria_set)
        and criteria_set.term is not None
        and criteria_set.term.is_open
    )


def accepting_reviews(criteria_set: CriteriaSet) -> bool:
    """Reviews, explanations and decisions go on while scoring is open (the deadline is the members')."""
    return (
        criteria_set.state == ScoringState.OPEN
        and criteria_set.term is not None
        and criteria_set.term.is_open
    )


def explanation_open(criteria_set: CriteriaSet) -> bool:
    deadline = criteria_set.explanation_deadline
    return accepting_reviews(criteria_set) and (deadline is None or timezone.now() <= deadline)


# Who is who -------------------------------------------------------------------------------------


def own_membership(user, criteria_set: CriteriaSet) -> Membership | None:
    """The user's unit's membership in the set's term, with the unit's name of that year."""
    if criteria_set.is_template:
        return None
    term = criteria_set.term
    if not hasattr(term, "user_membership") and user.is_authenticated and user.unit_id is not None:
        # Resolved here rather than by `resolve_membership` only to read the name of the year with it.
        term.user_membership = list(term.memberships.filter(unit_id=user.unit_id).with_unit_name())
    return term_membership(user, term)


def oversees(user, term: Term) -> bool:
    """Leader, deputy, supervisor and board staff follow every submitted sheet of the term."""
    return (
        is_board(user) or is_supervisor(user, term) or role_in_term(user, term) in (Role.LEADER, Role.DEPUTY)
    )


# The criteria set -------------------------------------------------------------------------------


def can_view_criteria(user, criteria_set: CriteriaSet) -> bool:
    if criteria_set.is_template:
        return is_board(user)
    return can_view_term(user, criteria_set.term)


def can_create_criteria_set(user, term: Term) -> bool:
    return can_edit_drafts(user, term)


def can_manage_templates(user) -> bool:
    return is_board(user)


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


def can_edit_settings(user, criteria_set: CriteriaSet) -> bool:
    """The settings: whoever edits the criteria, and the leader while scoring is open."""
    return can_edit_criteria(user, criteria_set) or can_lock_scoring(user, criteria_set)


def can_reopen_scoring(user, criteria_set: CriteriaSet) -> bool:
    """Only board staff reopen, after the lock or the deadline (the service checks which)."""
    return (
        not criteria_set.is_template
        and criteria_set.term.is_open
        and criteria_set.state != ScoringState.SETUP
        and is_board(user)
    )


def can_publish(user, criteria_set: CriteriaSet) -> bool:
    return (
        not criteria_set.is_template
        and criteria_set.state == ScoringState.LOCKED
        and criteria_set.published_at is None
        and is_leader(user, criteria_set.term)
    )


# Sheets, reviews, explanations ------------------------------------------------------------------


def can_fill_sheet(criteria_set: CriteriaSet, membership: Membership | None) -> bool:
    """The user's unit (`membership`) has a self-assessment page once scoring has opened."""
    return membership is not None and not criteria_set.is_setup


def can_edit_own_sheet(criteria_set: CriteriaSet, sheet: Sheet | None) -> bool:
    """The member's own sheet takes scores and evidence within the window, until it is submitted."""
    return accepting_self_assessment(criteria_set) and not (sheet is not None and sheet.is_submitted)


def can_remove_evidence(user, evidence: Evidence) -> bool:
    sheet = evidence.sheet
    return sheet.layer == Layer.SELF and sheet.subject.unit_id == user.unit_id


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
    if oversees(user, term) or sheet.subject.unit_id == own_unit:
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


def can_edit_review(user, sheet: Sheet) -> bool:
    """The review page takes scores: the reviewer may write, and the sheet is still a draft."""
    return can_write_review(user, sheet) and not sheet.is_submitted


def can_start_review(user, criteria_set: CriteriaSet, reviewer: Membership) -> bool:
    """The leader's review of a member is opened by the unit that writes it (`leader_reviewer`)."""
    return reviewer.unit_id == user.unit_id and accepting_reviews(criteria_set)


def grid_review_rights(user, criteria_set: CriteriaSet, members: list[Membership]) -> None:
    """Mark each member of the grid with what the user may do with the leader's layer of its review
    (`attach` of `selectors.grid_rows` gave `self_status` and `leader_review`): `can_open_review`
    (the reviewer's own draft, or a submitted review), `can_start_review` (the user's unit writes
    that review: the leader's, or the deputy's for the leader's own sheet). Nobody is offered a
    button that the server would refuse."""
    by_role = {m.role: m for m in members if m.role in (Role.LEADER, Role.DEPUTY)}
    own = next((m for m in members if user.is_authenticated and m.unit_id == user.unit_id), None)
    reviewing = accepting_reviews(criteria_set)
    for m in members:
        reviewer = by_role.get(Role.DEPUTY if m.role == Role.LEADER else Role.LEADER)
        review = m.leader_review
        m.can_open_review = review is not None and (
            review.is_submitted or (own is not None and review.reviewer_id == own.pk)
        )
        m.can_start_review = (
            review is None
            and reviewing
            and m.self_status == SheetStatus.SUBMITTED
            and own is not None
            and reviewer is not None
            and reviewer.pk == own.pk
        )


def can_manage_review(user, criteria_set: CriteriaSet) -> bool:
    """The leader starts reviews, assigns cross-checks, decides explanations and publishes."""
    return (
        not criteria_set.is_template
        and criteria_set.state == ScoringState.OPEN
        and is_leader(user, criteria_set.term)
    )


def can_unassign(sheet: Sheet) -> bool:
    """A cross-check is withdrawn while the reviewer has not submitted it (nor scored it: the
    service checks)."""
    return not sheet.is_submitted


def sees_results(sheet: Sheet | None) -> bool:
    """A member's own sheet page shows its reviews, what they lowered and its total once submitted."""
    return sheet is not None and sheet.is_submitted


def can_explain(criteria_set: CriteriaSet, explanation: Explanation | None) -> bool:
    """A lowered criterion is explained once, within the explanation window."""
    return explanation is None and explanation_open(criteria_set)


# Results ----------------------------------------------------------------------------------------


def can_view_results(user, criteria_set: CriteriaSet) -> bool:
    """The grid of every member's scores: those who oversee the term."""
    return not criteria_set.is_template and oversees(user, criteria_set.term)


def can_view_ranking(user, criteria_set: CriteriaSet) -> bool:
    """The ranking: those who oversee the term, and the members once the leader has published it."""
    if criteria_set.is_template:
        return False
    return can_view_results(user, criteria_set) or (
        criteria_set.published_at is not None and role_in_term(user, criteria_set.term) is not None
    )


def criteria_page_rights(user, criteria_set: CriteriaSet, members: list[Membership]) -> dict[str, bool]:
    """The booleans of the criteria set's page (`members`: the term's, already read for the page);
    the grid and the ranking are offered once scoring has opened. Each predicate is asked once
    (several read the user's role)."""
    own = next((m for m in members if user.is_authenticated and m.unit_id == user.unit_id), None)
    can_edit, can_lock = can_edit_criteria(user, criteria_set), can_lock_scoring(user, criteria_set)
    rights = {
        "can_edit": can_edit,
        "can_edit_settings": can_edit or can_lock,
        "can_open": can_open_scoring(user, criteria_set),
        "can_lock": can_lock,
        "can_reopen": can_reopen_scoring(user, criteria_set),
        "can_fill_sheet": can_fill_sheet(criteria_set, own),
        "can_view_results": can_view_results(user, criteria_set) and not criteria_set.is_setup,
        "can_view_ranking": can_view_ranking(user, criteria_set) and not criteria_set.is_setup,
        "can_manage_review": can_manage_review(user, criteria_set),
    }
    if criteria_set.term is not None:
        rights["sees_progress"] = oversees(user, criteria_set.term)
    return rights


# Access helpers ---------------------------------------------------------------------------------


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_criteria_set_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> CriteriaSet:
    """The set, or 404 if the user may not see it, or 403 with `write` if they may not edit it."""
    criteria_set = get_object_or_404(
        CriteriaSet.objects.select_related("term__bloc", "term__supervisor"), pk=pk
    )
    if not can_view_criteria(request.user, criteria_set):
        raise Http404
    if write and not can_edit_criteria(request.user, criteria_set):
        raise PermissionDenied
    return criteria_set


def get_membership_for_user(
    request: HttpRequest, pk: int, *, sheet: bool = False
) -> tuple[CriteriaSet, Membership]:
    """The set and the user's unit's membership in its term: 404 if the user may not see the set,
    403 if their unit is not a member or, with `sheet`, has no self-assessment page yet."""
    criteria_set = get_criteria_set_for_user(request, pk)
    membership = own_membership(request.user, criteria_set)
    require(can_fill_sheet(criteria_set, membership) if sheet else membership is not None)
    return criteria_set, membership


def get_criterion_for_user(request: HttpRequest, cid: int) -> Criterion:
    """A criterion to edit, move or remove: 404 unless its set is visible, 403 unless editable."""
    criterion = get_object_or_404(Criterion.objects.select_related("criteria_set__term__bloc"), pk=cid)
    get_criteria_set_for_user(request, criterion.criteria_set_id, write=True)
    return criterion


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


def get_cross_sheet_for_user(request: HttpRequest, pk: int) -> Sheet:
    """A cross-check assignment, for the leader who manages it without seeing the reviewer's draft:
    404 unless the set is visible, 403 unless the user manages its reviews."""
    sheet = get_object_or_404(Sheet, pk=pk, layer=Layer.CROSS)
    criteria_set = get_criteria_set_for_user(request, sheet.criteria_set_id)
    require(can_manage_review(request.user, criteria_set))
    return sheet


def get_evidence_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Evidence:
    """The file, or 404 unless its sheet is visible, or 403 with `write` unless it is the user's
    unit's own self-assessment."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("sheet__criteria_set__term__bloc", "sheet__subject__unit"),
        pk=pk,
    )
    if not can_view_sheet(request.user, evidence.sheet):
        raise Http404
    if write and not can_remove_evidence(request.user, evidence):
        raise PermissionDenied
    return evidence


def get_explanation_for_user(request: HttpRequest, pk: int) -> Explanation:
    """An explanation to decide: 404 unless its set is visible, 403 unless the user manages reviews."""
    explanation = get_object_or_404(
        Explanation.objects.select_related("criteria_set__term__bloc", "criterion", "subject__unit"), pk=pk
    )
    criteria_set = get_criteria_set_for_user(request, explanation.criteria_set_id)
    require(can_manage_review(request.user, criteria_set))
    return explanation
