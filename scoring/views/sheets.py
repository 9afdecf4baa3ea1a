"""Pages of the members' self-assessment sheets and their evidence."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from blocs.views.common import GET_POST, errors_to_messages
from scoring import forms, services
from scoring import permissions as perms
from scoring.models import CriteriaSet, Criterion, Evidence, Explanation, Layer, Sheet, SheetStatus

# Self-assessment --------------------------------------------------------------------------------


def _sheet_rows(criteria: list[Criterion], sheet: Sheet | None, posted=None, errors=None) -> list[dict]:
    scores = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    files: dict[int, list[Evidence]] = {}
    if sheet:
        for e in sheet.evidence.all():
            files.setdefault(e.criterion_id, []).append(e)
    rows = []
    for c in criteria:
        score = scores.get(c.pk)
        if posted is not None and not c.is_group:
            value, note = posted.get(f"c{c.pk}", ""), posted.get(f"n{c.pk}", "")
        elif score is not None:
            shown = score.quantity if score.quantity is not None else abs(score.points)
            value, note = forms.arithmetic.fmt(shown), score.note
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


def _sheet_totals(sheet: Sheet | None) -> dict:
    return services.sheet_totals(sheet) if sheet else {}


def _results(criteria_set: CriteriaSet, membership, criteria: list[Criterion]) -> dict:
    """After submitting: the reviews of the sheet, what they lowered, and the explanations."""
    lowered = services.lowered(criteria_set, membership)
    explanations = {e.criterion_id: e for e in Explanation.objects.filter(subject=membership)}
    can_explain = services.explanation_open(criteria_set)
    return {
        "reviews": list(
            Sheet.objects.filter(
                criteria_set=criteria_set,
                subject=membership,
                layer__in=[Layer.LEADER, Layer.CROSS],
                status=SheetStatus.SUBMITTED,
            ).select_related("reviewer__unit")
        ),  # fmt: skip
        "lowered": [
            {
                "criterion": c,
                "self": lowered[c.pk][0],
                "reviewed": lowered[c.pk][1],
                "explanation": explanations.get(c.pk),
                "can_explain": can_explain and c.pk not in explanations,
            }
            for c in criteria
            if c.pk in lowered
        ],
        "final": services.with_totals(criteria_set).get(pk=membership.pk),
    }


@GET_POST
def own_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's unit's self-assessment: save a draft, attach evidence, submit."""
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    membership = perms.own_membership(request.user, criteria_set)
    if membership is None or criteria_set.is_setup:
        raise PermissionDenied
    sheet = services.self_sheet(criteria_set=criteria_set, membership=membership)
    criteria = list(criteria_set.criteria.in_order())
    errors, posted = {}, None
    if request.method == "POST":
        cells, errors = forms.parse_sheet(request.POST, criteria)
        if errors:  # also check the cells that did parse, so that every bad cell gets its message
            errors |= services.sheet_errors(criteria_set=criteria_set, membership=membership, cells=cells)
        else:
            try:
                sheet = services.sheet_save(
                    criteria_set=criteria_set, membership=membership, cells=cells,
                    lock_version=forms.parse_lock_version(request.POST), by=request.user,
                )  # fmt: skip
                if "submit" in request.POST:
                    if sheet is None:
                        raise ValidationError("Chưa chấm tiêu chí nào.")
                    services.sheet_submit(sheet=sheet, lock_version=None, by=request.user)
                    messages.success(request, "Đã nộp phiếu tự chấm.")
                else:
                    messages.success(request, "Đã lưu phiếu tự chấm (bản nháp).")
                return redirect("scoring:own_sheet", criteria_set.pk)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    errors = {k: v[0].messages[0] for k, v in exc.error_dict.items()}
                else:
                    errors_to_messages(request, exc)
        posted = request.POST
        sheet = services.self_sheet(criteria_set=criteria_set, membership=membership)
    context = {
        "criteria_set": criteria_set,
        "term": criteria_set.term,
        "membership": membership,
        "sheet": sheet,
        "rows": _sheet_rows(criteria, sheet, posted, errors),
        "errors": errors,
        "editable": services.accepting_self_assessment(criteria_set) and not (sheet and sheet.is_submitted),
        "totals": _sheet_totals(sheet),
        "evidence_form": forms.EvidenceForm(),
    }
    if sheet is not None and sheet.is_submitted:
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
        "rows": _sheet_rows(criteria, sheet),
        "errors": {},
        "editable": False,
        "totals": _sheet_totals(sheet),
    }
    return render(request, "scoring/sheet.html", context)


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    membership = perms.own_membership(request.user, criteria_set)
    if membership is None or criteria_set.is_setup:
        raise PermissionDenied
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
    evidence = perms.get_evidence_for_user(request, evidence_pk)
    sheet = evidence.sheet
    if sheet.layer != Layer.SELF or sheet.subject.unit_id != request.user.unit_id:
        raise PermissionDenied
    try:
        services.evidence_remove(evidence=evidence, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã xóa minh chứng.")
    return redirect("scoring:own_sheet", sheet.criteria_set_id)
