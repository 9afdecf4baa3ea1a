"""Pages of the members' self-assessment sheets and their evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from blocs.views.common import GET_POST, errors_to_messages
from scoring import arithmetic, forms, selectors, services
from scoring import permissions as perms
from scoring.models import CriteriaSet, Criterion, Sheet

# Self-assessment --------------------------------------------------------------------------------


def sheet_rows(criteria: list[Criterion], sheet: Sheet | None, posted=None, errors=None) -> list[dict]:
    """One row per criterion: the stored score, the value shown in the cell (what was posted, after
    a refused post), its message and its files."""
    scores, files = selectors.scores_by_criterion(sheet), selectors.files_by_criterion(sheet)
    rows = []
    for c in criteria:
        score = scores.get(c.pk)
        if posted is not None and not c.is_group:
            value, note = posted.get(f"c{c.pk}", ""), posted.get(f"n{c.pk}", "")
        elif score is not None:
            shown = score.quantity if score.quantity is not None else abs(score.points)
            value, note = arithmetic.fmt(shown), score.note
        else:
            value, note = "", ""
        rows.append(
            {
                "criterion": c,
                "score": score,
                "value": value,
                "note": note,
                "error": (errors or {}).get(f"c{c.pk}"),
                "files": files.get(c.pk, []),
            }
        )
    return rows


def _results(criteria_set: CriteriaSet, membership, criteria: list[Criterion]) -> dict:
    """After submitting: the reviews of the sheet, what they lowered, and the explanations."""
    lowered = selectors.lowered(criteria_set, membership)
    explanations = selectors.explanations_by_criterion(membership)
    return {
        "reviews": selectors.submitted_reviews(criteria_set, membership),
        "lowered": [
            {
                "criterion": c,
                "self": lowered[c.pk][0],
                "reviewed": lowered[c.pk][1],
                "explanation": explanations.get(c.pk),
                "can_explain": perms.can_explain(criteria_set, explanations.get(c.pk)),
            }
            for c in criteria
            if c.pk in lowered
        ],
        "final": selectors.with_totals(criteria_set).get(pk=membership.pk),
    }


def _save(request: HttpRequest, criteria_set: CriteriaSet, membership, cells: dict) -> None:
    """Save the posted sheet and, asked to, submit it; raises the services' ValidationError."""
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=membership, cells=cells,
        lock_version=forms.parse_lock_version(request.POST), by=request.user,
    )  # fmt: skip
    if "submit" not in request.POST:
        messages.success(request, "Đã lưu phiếu tự chấm (bản nháp).")
        return
    if sheet is None:
        raise ValidationError("Chưa chấm tiêu chí nào.")
    services.sheet_submit(sheet=sheet, lock_version=None, by=request.user)
    messages.success(request, "Đã nộp phiếu tự chấm.")


def cell_errors(request: HttpRequest, exc: ValidationError) -> dict[str, str]:
    """A service's refusal: the messages of the cells (`c<pk>`) to show in the sheet, or, for the
    sheet as a whole, as messages on the page."""
    if hasattr(exc, "error_dict"):
        return {k: v[0].messages[0] for k, v in exc.error_dict.items()}
    errors_to_messages(request, exc)
    return {}


@GET_POST
def own_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's unit's self-assessment: save a draft, attach evidence, submit."""
    criteria_set, membership = perms.get_membership_for_user(request, pk, sheet=True)
    sheet = selectors.self_sheet(criteria_set=criteria_set, membership=membership)
    criteria = list(criteria_set.criteria.in_order())
    errors, posted = {}, None
    if request.method == "POST":
        cells, errors = forms.parse_sheet(request.POST, criteria)
        if errors:  # also check the cells that did parse, so that every bad cell gets its message
            errors |= selectors.sheet_errors(criteria_set=criteria_set, membership=membership, cells=cells)
        else:
            try:
                _save(request, criteria_set, membership, cells)
                return redirect("scoring:own_sheet", criteria_set.pk)
            except ValidationError as exc:
                errors = cell_errors(request, exc)
        posted = request.POST
        sheet = selectors.self_sheet(criteria_set=criteria_set, membership=membership)
    context = {
        "criteria_set": criteria_set, "term": criteria_set.term, "membership": membership, "sheet": sheet,
        "rows": sheet_rows(criteria, sheet, posted, errors), "errors": errors,
        "editable": perms.can_edit_own_sheet(criteria_set, sheet),
        "totals": selectors.sheet_totals(sheet) if sheet else {}, "evidence_form": forms.EvidenceForm(),
    }  # fmt: skip
    if perms.sees_results(sheet):
        context.update(_results(criteria_set, membership, criteria))
    return render(request, "scoring/sheet.html", context, status=400 if errors else 200)


@require_GET
def sheet_detail(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet = perms.get_sheet_for_user(request, sheet_pk)
    criteria = list(sheet.criteria_set.criteria.in_order())
    context = {
        "criteria_set": sheet.criteria_set,
        "term": sheet.criteria_set.term,
        "membership": sheet.subject,
        "sheet": sheet,
        "rows": sheet_rows(criteria, sheet),
        "errors": {},
        "editable": False,
        "totals": selectors.sheet_totals(sheet),
    }
    return render(request, "scoring/sheet.html", context)


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set, membership = perms.get_membership_for_user(request, pk, sheet=True)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []) + form.errors.get("criterion", []):
            messages.error(request, error)
        return redirect("scoring:own_sheet", criteria_set.pk)
    try:
        criterion = criteria_set.criteria.filter(pk=form.cleaned_data["criterion"]).first()
        if criterion is None:
            raise ValidationError("Tiêu chí không thuộc phiếu này.")
        services.evidence_add(
            criteria_set=criteria_set, membership=membership, criterion=criterion,
            upload=form.cleaned_data["file"], by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã đính kèm minh chứng.")
    return redirect("scoring:own_sheet", criteria_set.pk)


@require_GET
def evidence_download(request: HttpRequest, evidence_pk: int) -> FileResponse:
    evidence = perms.get_evidence_for_user(request, evidence_pk)
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_remove(request: HttpRequest, evidence_pk: int) -> HttpResponse:
    evidence = perms.get_evidence_for_user(request, evidence_pk, write=True)
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã xóa minh chứng.")
    return redirect("scoring:own_sheet", evidence.sheet.criteria_set_id)
