"""The leader's grid (every member × every criterion: self, reviewed and final scores side by side),
the ranking with its chart, their XLSX exports, and publishing the ranking."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from blocs.views.common import GET_POST, Confirmation, confirmed_action
from scoring import exports, selectors, services
from scoring import permissions as perms
from scoring.models import CriteriaSet

PALETTE = ["#1f4e79", "#2e7d32", "#8d6e00", "#6a1b9a", "#00695c", "#ad1457", "#37474f", "#4e342e"]


@require_GET
def grid(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_results(request.user, criteria_set))
    rows = selectors.grid_rows(criteria_set)
    perms.grid_review_rights(request.user, criteria_set, rows["members"])
    context = rows | {
        "criteria_set": criteria_set,
        "term": criteria_set.term,
        "can_manage": perms.can_manage_review(request.user, criteria_set),
    }
    return render(request, "scoring/grid.html", context)


def _chart(criteria_set: CriteriaSet, ranked: list) -> dict:
    """Horizontal stacked bars of each ranked member's final points by group, as SVG coordinates."""
    groups = list(criteria_set.criteria.top_level())
    totals = selectors.group_totals(criteria_set)
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
    rules = selectors.tie_rules(criteria_set)
    ranked = selectors.ranking(criteria_set, rules)
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


@GET_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing the ranking, after its confirmation page."""
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_publish(request.user, criteria_set))

    def act() -> HttpResponse:
        services.ranking_publish(criteria_set=criteria_set, by=request.user)
        messages.success(request, "Đã công bố xếp hạng cho các thành viên.")
        return redirect("scoring:ranking", criteria_set.pk)

    confirmation = Confirmation(
        title="Công bố xếp hạng",
        happens=[
            "Mọi thành viên của khối xem được bảng xếp hạng và tổng điểm của từng đơn vị.",
            "Danh sách ứng viên mặc định của các cuộc bỏ phiếu lấy theo thứ tự xếp hạng này.",
        ],
        final="Không thu hồi được việc công bố (Ban Thi đua – Khen thưởng mở lại chấm điểm, có ghi lý do).",
        submit="Công bố xếp hạng",
        back=reverse("scoring:ranking", args=[criteria_set.pk]),
    )
    return confirmed_action(request, lambda: confirmation, act)


@require_GET
def grid_export(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_results(request.user, criteria_set))
    return exports.attachment(
        exports.grid_xlsx(criteria_set, selectors.grid_rows(criteria_set)),
        f"bang-diem-{criteria_set.term.year}.xlsx",
    )


@require_GET
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_view_ranking(request.user, criteria_set))
    ranked = selectors.ranking(criteria_set)
    return exports.attachment(
        exports.ranking_xlsx(criteria_set, ranked), f"xep-hang-{criteria_set.term.year}.xlsx"
    )
