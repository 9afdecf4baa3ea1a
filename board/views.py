"""The board's pages: the overview of every bloc of a year (and its XLSX), the year's deadlines, the
province's award decisions on a term's proposals, and a unit's award history.

Board staff only, except the award history, which the unit's own users may read too. Anyone else
gets a 404: these pages do not exist for them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from blocs.models import Term, Unit
from blocs.permissions import is_board
from blocs.views.common import GET_POST, errors_to_form
from blocs.years import selected_year
from board import exports
from board import services as service
from board.forms import AwardDecisionForm, DeadlinesForm
from scoring.exports import attachment


def _require_board(request: HttpRequest) -> None:
    if not is_board(request.user):
        raise Http404


def get_unit_for_user(request: HttpRequest, pk: int) -> Unit:
    """A unit's award history: board staff and the unit's own users; a 404 for anyone else."""
    if not is_board(request.user) and request.user.unit_id != pk:
        raise Http404
    return get_object_or_404(Unit, pk=pk)


def _overview_url(year: int | None) -> str:
    return reverse("board:overview") + (f"?year={year}" if year else "")


def _summary(rows: list) -> dict:
    """The Government-flag line, from the rows (`service.government_flag_count` without its queries:
    a unit is in one bloc a year, so the blocs' proposals add up to the province's)."""
    proposed = sum(row.government_flag for row in rows)
    allowed = service.government_flag_allowed(len(rows))
    return {
        "proposed": proposed,
        "allowed": allowed,
        "blocs": len(rows),
        "share": service.GOVERNMENT_FLAG_SHARE_PERCENT,
        "over": proposed > allowed,
        "excess": max(proposed - allowed, 0),
    }


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    year = selected_year(request)
    due = service.deadlines_for(year) if year else {}
    rows = service.overview_rows(year, deadlines=due)
    context = {
        "year": year,
        "rows": rows,
        "flag": _summary(rows),
        "deadlines": [(label, due.get(item)) for item, label in service.Item.choices],
        "today": timezone.localdate(),
    }
    return render(request, "board/overview.html", context)


@require_GET
def overview_export(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    year = selected_year(request)
    rows = service.overview_rows(year)
    return attachment(
        exports.overview_xlsx(year, rows, _summary(rows)), f"tong-hop-khoi-thi-dua-{year or '0'}.xlsx"
    )


@GET_POST
def overview_deadlines(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    year = selected_year(request)
    if year is None:
        raise Http404
    current = service.deadlines_for(year)
    form = DeadlinesForm(request.POST or None, year=year, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = service.deadlines_set(year=year, dues=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            text = f"Đã lưu hạn của Ban năm {year}." if changed else "Không có hạn nào thay đổi."
            messages.success(request, text)
            return redirect(_overview_url(year))
    context = {"form": form, "year": year}
    return render(request, "board/overview_deadlines.html", context, status=400 if form.errors else 200)


def _decision_form(proposal, data=None) -> AwardDecisionForm:
    decision = proposal.decision
    initial = {"membership": proposal.membership.pk, "award": proposal.award}
    if decision is not None:
        initial |= {
            "awarded": "1" if decision.awarded else "0",
            "decision_number": decision.decision_number,
            "decision_date": decision.decision_date,
            "note": decision.note,
            "lock_version": decision.lock_version,
        }
    return AwardDecisionForm(data, initial=initial, auto_id=f"id_{proposal.key}_%s")


@GET_POST
def decisions(request: HttpRequest, term_pk: int) -> HttpResponse:
    _require_board(request)
    term = get_object_or_404(Term.objects.select_related("bloc"), pk=term_pk)
    proposals = service.term_proposals(term)
    for p in proposals:
        p.form = _decision_form(p)
    if request.method == "POST":
        key = f"{request.POST.get('membership', '')}-{request.POST.get('award', '')}"
        proposal = next((p for p in proposals if p.key == key), None)
        if proposal is None:
            messages.error(request, "Không tìm thấy đề nghị này; hãy tải lại trang.")
        else:
            form = proposal.form = _decision_form(proposal, request.POST)
            if form.is_valid():
                try:
                    service.award_decision_record(
                        term=term,
                        membership=proposal.membership,
                        by=request.user,
                        award=proposal.award,
                        **form.cleaned_data_for_service(),
                    )
                except ValidationError as exc:
                    errors_to_form(form, exc)
                else:
                    messages.success(request, f"Đã ghi quyết định cho {proposal.membership.display_name}.")
                    return redirect("board:decisions", term.pk)
            messages.error(request, "Chưa ghi được quyết định; xem lỗi bên dưới.")
    context = {"term": term, "proposals": proposals}
    status = 400 if request.method == "POST" else 200
    return render(request, "board/decisions.html", context, status=status)


@require_GET
def unit_awards(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_unit_for_user(request, unit_pk)
    context = {"unit": unit, "proposals": service.unit_award_history(unit), "board": is_board(request.user)}
    return render(request, "board/unit_awards.html", context)
