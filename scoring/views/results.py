"""The leader's grid (every member × every criterion: self, reviewed and final scores side by side),
the ranking with its chart, their XLSX exports, and publishing the ranking."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from blocs.views.common import errors_to_messages
from scoring import exports, services
from scoring import permissions as perms
from scoring.arithmetic import figure
from scoring.models import CriteriaSet, Explanation, FinalScore, Layer, Sheet, SheetStatus

PALETTE = ["#1f4e79", "#2e7d32", "#8d6e00", "#6a1b9a", "#00695c", "#ad1457", "#37474f", "#4e342e"]


def grid_context(criteria_set: CriteriaSet) -> dict:
    """Everything the grid shows, in a fixed number of queries whatever the bloc or table size."""
    members = list(services.with_totals(criteria_set).order_by("position", "pk"))
    criteria = list(criteria_set.criteria.in_order())
    # Plain rows, not model instances: a large grid has members × criteria of them.
    finals = {
        (f.subject_id, f.criterion_id): f
        for f in FinalScore.objects.filter(criteria_set=criteria_set).values_list(
            "subject_id", "criterion_id", "self_points", "reviewed_points", "points", named=True
        )
    }
    explanations = {
        (e.subject_id, e.criterion_id): e
        for e in Explanation.objects.filter(criteria_set=criteria_set).select_related(
            "subject__unit", "criterion"
        )
    }
    sheets = Sheet.objects.filter(criteria_set=criteria_set).only(
        "pk", "subject_id", "layer", "status", "reviewer_id"
    )
    self_status, leader_review, crosses = {}, {}, {}
    for sheet in sheets:
        if sheet.layer == Layer.SELF:
            self_status[sheet.subject_id] = sheet.status
        elif sheet.layer == Layer.LEADER:
            leader_review[sheet.subject_id] = sheet
        else:
            crosses.setdefault(sheet.subject_id, []).append(sheet)
    for m in members:
        m.self_status = self_status.get(m.pk)
        m.leader_review = leader_review.get(m.pk)
        m.crosses = crosses.get(m.pk, [])
    rows = [
        {
            "criterion": c,
            "cells": [
                {"final": finals.get((m.pk, c.pk)), "explanation": explanations.get((m.pk, c.pk))}
                for m in members
            ],
        }
        for c in criteria
    ]
    nominal = CriteriaSet.objects.nominal_max_of(criteria_set.pk)
    return {
        "members": members,
        "rows": rows,
        "nominal_max": nominal,
        "submitted": SheetStatus.SUBMITTED,
        "pending": [e for e in explanations.values() if e.decided_points is None],
    }


def _cells_html(row: dict) -> str:
    """A criterion's row of cells, written here rather than by the template: a grid has members ×
    criteria cells, and the template language costs several times more per cell."""
    if row["criterion"].is_group:
        return mark_safe('<td class="small text-nowrap"></td>' * len(row["cells"]))  # noqa: S308
    cells = []
    for cell in row["cells"]:
        final, explanation = cell["final"], cell["explanation"]
        text = ""
        if final is not None:
            text = format_html(
                "T {} · TĐ {} · <strong>C {}</strong>",
                figure(final.self_points),
                figure(final.reviewed_points),
                figure(final.points),
            )
            if explanation is not None:
                decided = explanation.decided_points is not None
                text += format_html(
                    '<br><span class="badge text-bg-info">{}</span>',
                    "đã quyết định" if decided else "giải trình",
                )
        cells.append(format_html('<td class="small text-nowrap">{}</td>', text))
    return mark_safe("".join(cells))  # noqa: S308 -- every piece went through format_html


@require_GET
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_results(request.user, criteria_set))
    context = grid_context(criteria_set)
    for row in context["rows"]:
        row["cells_html"] = _cells_html(row)
    context |= {
        "criteria_set": criteria_set,
        "term": criteria_set.term,
        "can_manage": perms.can_manage_review(request.user, criteria_set),
    }
    return render(request, "scoring/grid.html", context)


def _chart(criteria_set: CriteriaSet, ranked: list) -> dict:
    """Horizontal stacked bars of each ranked member's final points by group, as SVG coordinates."""
    groups = list(criteria_set.criteria.filter(parent__isnull=True).order_by("position", "pk"))
    totals = services.group_totals(criteria_set)
    rows = [m for m in ranked if m.rank is not None]
    top = max([sum(max(totals.get((m.pk, g.pk), 0), 0) for g in groups) for m in rows] or [1]) or 1
    label_width, bar_width, height = 230, 530, 26
    bars = []
    for i, m in enumerate(rows):
        x, segments = label_width, []
        for j, g in enumerate(groups):
            value = totals.get((m.pk, g.pk), 0)
            if value <= 0:
                continue
            width = float(value) / float(top) * bar_width
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "fill": PALETTE[j % len(PALETTE)],
                    "group": g,
                    "value": value,
                }
            )
            x += width
        bars.append({"member": m, "y": i * height + 8, "segments": segments, "end": round(x + 6, 1)})
    legend = [{"group": g, "fill": PALETTE[j % len(PALETTE)]} for j, g in enumerate(groups)]
    return {"bars": bars, "legend": legend, "height": len(rows) * height + 16, "label_width": label_width}


@require_GET
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_ranking(request.user, criteria_set))
    rules = services.tie_rules(criteria_set)
    ranked = services.ranking(criteria_set, rules)
    context = {
        "criteria_set": criteria_set,
        "term": criteria_set.term,
        "ranked": ranked,
        "tie_rules": rules,
        "any_tie": any(m.tied for m in ranked),
        "chart": _chart(criteria_set, ranked),
        "can_publish": perms.can_publish(request.user, criteria_set),
        "oversees": perms.can_view_results(request.user, criteria_set),
    }
    return render(request, "scoring/ranking.html", context)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_publish(request.user, criteria_set))
    try:
        services.ranking_publish(criteria_set=criteria_set, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã công bố xếp hạng cho các thành viên.")
    return redirect("scoring:ranking", criteria_set.pk)


@require_GET
def grid_export(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_results(request.user, criteria_set))
    return exports.attachment(
        exports.grid_xlsx(criteria_set, grid_context(criteria_set)),
        f"bang-diem-{criteria_set.term.year}.xlsx",
    )


@require_GET
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_ranking(request.user, criteria_set))
    ranked = services.ranking(criteria_set)
    return exports.attachment(
        exports.ranking_xlsx(criteria_set, ranked), f"xep-hang-{criteria_set.term.year}.xlsx"
    )
