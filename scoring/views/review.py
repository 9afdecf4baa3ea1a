"""Pages of review: the leader's and cross-checkers' review sheets, cross-check assignments, the
members' explanations and the leader's decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from blocs.models import Membership
from blocs.views.common import GET_POST, errors_to_form, errors_to_messages
from scoring import arithmetic, forms, selectors, services
from scoring import permissions as perms
from scoring.models import Criterion, Layer, Sheet
from scoring.views.sheets import cell_errors


def _review_rows(sheet: Sheet, criteria: list[Criterion], posted=None, errors=None) -> list[dict]:
    """One row per criterion: the self-assessment with its files beside the review's score; a new
    review's cells show the self-assessment's values to start from."""
    own = selectors.self_sheet(criteria_set=sheet.criteria_set, membership=sheet.subject)
    self_scores, files = selectors.scores_by_criterion(own), selectors.files_by_criterion(own)
    reviewed = selectors.scores_by_criterion(sheet)
    rows = []
    for c in criteria:
        mine, theirs = reviewed.get(c.pk), self_scores.get(c.pk)
        if posted is not None and not c.is_group:
            value, note = posted.get(f"c{c.pk}", ""), posted.get(f"n{c.pk}", "")
        else:
            basis = mine or theirs
            shown = (
                None if basis is None else basis.quantity if basis.quantity is not None else abs(basis.points)
            )
            value, note = arithmetic.fmt(shown), (mine.note if mine else "")
        rows.append(
            {
                "criterion": c,
                "self": theirs,
                "review": mine,
                "value": value,
                "note": note,
                "error": (errors or {}).get(f"c{c.pk}"),
                "files": files.get(c.pk, []),
            }
        )
    return rows


def _save(request: HttpRequest, sheet: Sheet, cells: dict) -> None:
    """Save the posted review and, asked to, submit it; raises the services' ValidationError."""
    lock_version = forms.parse_lock_version(request.POST)
    services.review_save(sheet=sheet, cells=cells, lock_version=lock_version, by=request.user)
    if "submit" in request.POST:
        services.review_submit(sheet=sheet, by=request.user)
    messages.success(request, "Đã nộp phiếu thẩm định." if "submit" in request.POST else "Đã lưu.")


@GET_POST
def review(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """A review sheet: the self-assessment beside the reviewer's scores and comments."""
    sheet = perms.get_sheet_for_user(request, sheet_pk)
    if sheet.layer == Layer.SELF:
        return redirect("scoring:sheet", sheet.pk)
    criteria = list(sheet.criteria_set.criteria.in_order())
    errors, posted = {}, None
    if request.method == "POST":
        perms.require(perms.can_write_review(request.user, sheet))
        cells, errors = forms.parse_sheet(request.POST, criteria)
        errors = errors | selectors.review_errors(sheet=sheet, cells=cells) if errors else errors
        if not errors:
            try:
                _save(request, sheet, cells)
                return redirect("scoring:review", sheet.pk)
            except ValidationError as exc:
                errors = cell_errors(request, exc)
        posted = request.POST
        sheet.refresh_from_db()
    context = {
        "sheet": sheet,
        "criteria_set": sheet.criteria_set,
        "term": sheet.criteria_set.term,
        "rows": _review_rows(sheet, criteria, posted, errors),
        "errors": errors,
        "editable": perms.can_edit_review(request.user, sheet),
    }
    return render(request, "scoring/review.html", context, status=400 if errors else 200)


@require_POST
def review_start(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """The leader (or, for the leader's own sheet, the deputy) opens the review of a member's sheet."""
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    subject = get_object_or_404(Membership, pk=membership_pk, term_id=criteria_set.term_id)
    try:
        reviewer = selectors.leader_reviewer(criteria_set, subject)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(criteria_set)
    perms.require(perms.can_start_review(request.user, criteria_set, reviewer))
    try:
        sheet = services.leader_review_start(criteria_set=criteria_set, subject=subject, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(criteria_set)
    return redirect("scoring:review", sheet.pk)


@GET_POST
def cross(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader assigns cross-checks (member A checks member B)."""
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_manage_review(request.user, criteria_set))
    members = list(criteria_set.term.memberships.with_unit_name().order_by("position", "pk"))
    form = forms.CrossForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.cross_assign(
                criteria_set=criteria_set, reviewer=form.cleaned_data["reviewer"],
                subject=form.cleaned_data["subject"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã phân công chấm chéo.")
            return redirect("scoring:cross", criteria_set.pk)
    assigned = [(sheet, perms.can_unassign(sheet)) for sheet in selectors.cross_assignments(criteria_set)]
    context = {"criteria_set": criteria_set, "term": criteria_set.term, "form": form, "assigned": assigned}
    return render(request, "scoring/cross.html", context, status=400 if form.errors else 200)


@require_POST
def cross_remove(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    # The leader manages assignments without seeing the reviewer's draft itself.
    sheet = perms.get_cross_sheet_for_user(request, sheet_pk)
    try:
        services.cross_unassign(sheet=sheet, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã hủy phân công.")
    return redirect("scoring:cross", sheet.criteria_set_id)


@GET_POST
def explain(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """The member explains a criterion the review lowered (once)."""
    criteria_set, membership = perms.get_membership_for_user(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, criteria_set=criteria_set)
    form = forms.ExplanationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.explanation_file(
                criteria_set=criteria_set, subject=membership, criterion=criterion,
                text=form.cleaned_data["text"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã gửi giải trình.")
            return redirect("scoring:own_sheet", criteria_set.pk)
    lowered = selectors.lowered(criteria_set, membership).get(criterion.pk)
    title = f"Giải trình tiêu chí {criterion.code or ''} {criterion.text[:80]}".replace("  ", " ")
    intro = (
        f"Tự chấm {arithmetic.figure(lowered[0])} điểm, thẩm định {arithmetic.figure(lowered[1])} điểm. "
        "Mỗi tiêu chí giải trình một lần."
        if lowered
        else "Tiêu chí này không bị thẩm định hạ điểm."
    )
    context = {"form": form, "title": title, "intro": intro, "back": criteria_set, "submit": "Gửi giải trình"}
    return render(request, "blocs/form.html", context, status=400 if form.errors else 200)


@GET_POST
def decide(request: HttpRequest, explanation_pk: int) -> HttpResponse:
    explanation = perms.get_explanation_for_user(request, explanation_pk)
    criteria_set = explanation.criteria_set
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.explanation_decide(
                explanation=explanation, points=form.cleaned_data["points"],
                note=form.cleaned_data["note"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã quyết định điểm sau giải trình.")
            return redirect("scoring:grid", criteria_set.pk)
    c = explanation.criterion
    intro = (
        f"{explanation.subject.unit.name} giải trình: “{explanation.text}” "
        f"(tối đa {arithmetic.figure(c.max_points)} điểm)."
    )
    title = f"Quyết định điểm tiêu chí {c.code} {c.text[:60]}".replace("  ", " ")
    context = {"form": form, "title": title, "intro": intro, "back": criteria_set, "submit": "Quyết định"}
    return render(request, "blocs/form.html", context, status=400 if form.errors else 200)
