"""The board's pages: the overview of every bloc of a year (and its XLSX), the year's deadlines, the
province's award decisions on a term's proposals, and a unit's award history.

Board staff only, except the award history, which the unit's own users may read too. Anyone else
gets a 404: these pages do not exist for them (`board.permissions`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from blocs.views.common import GET_POST, errors_to_form
from board import exports, selectors
from board import permissions as perms
from board import services as service
from board.forms import AwardDecisionForm, DeadlinesForm
from board.models import AwardDecision
from scoring.exports import attachment


def _overview_url(year: int | None) -> str:
    return reverse("board:overview") + (f"?year={year}" if year else "")


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    year = perms.get_year_for_user(request)
    due = selectors.deadlines_for(year) if year else {}
    rows = selectors.overview_rows(year, deadlines=due)
    context = {
        "year": year,
        "rows": rows,
        "flag": selectors.government_flag_summary(rows),
        "deadlines": [(label, due.get(item)) for item, label in selectors.Item.choices],
        "today": timezone.localdate(),
    }
    return render(request, "board/overview.html", context)


@require_GET
def overview_export(request: HttpRequest) -> HttpResponse:
    year = perms.get_year_for_user(request)
    rows = selectors.overview_rows(year)
    return attachment(
        exports.overview_xlsx(year, rows, selectors.government_flag_summary(rows)),
        f"tong-hop-khoi-thi-dua-{year or '0'}.xlsx",
    )


@GET_POST
def overview_deadlines(request: HttpRequest) -> HttpResponse:
    year = perms.get_year_for_user(request)
    if year is None:
        raise Http404
    current = selectors.deadlines_for(year)
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


def _decision_form(proposal: selectors.AwardProposal, data=None) -> AwardDecisionForm:
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
    instance = AwardDecision(term=proposal.term, membership=proposal.membership, award=proposal.award)
    return AwardDecisionForm(data, instance=instance, initial=initial, auto_id=f"id_{proposal.key}_%s")


def _record(request: HttpRequest, term, proposal: selectors.AwardProposal) -> bool:
    """Record the posted decision on the proposal; its errors go on its form."""
    form = proposal.form = _decision_form(proposal, request.POST)
    if not form.is_valid():
        return False
    try:
        service.award_decision_record(
            term=term, membership=proposal.membership, award=proposal.award, by=request.user,
            **form.cleaned_data_for_service(),
        )  # fmt: skip
    except ValidationError as exc:
        errors_to_form(form, exc)
        return False
    return True


@GET_POST
def decisions(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, term_pk)
    proposals = selectors.term_proposals(term)
    for p in proposals:
        p.form = _decision_form(p)
    if request.method == "POST":
        key = f"{request.POST.get('membership', '')}-{request.POST.get('award', '')}"
        proposal = next((p for p in proposals if p.key == key), None)
        if proposal is None:
            messages.error(request, "Không tìm thấy đề nghị này; hãy tải lại trang.")
        elif _record(request, term, proposal):
            messages.success(request, f"Đã ghi quyết định cho {proposal.membership.display_name}.")
            return redirect("board:decisions", term.pk)
        else:
            messages.error(request, "Chưa ghi được quyết định; xem lỗi bên dưới.")
    context = {"term": term, "proposals": proposals}
    status = 400 if request.method == "POST" else 200
    return render(request, "board/decisions.html", context, status=status)


@require_GET
def unit_awards(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = perms.get_unit_for_user(request, unit_pk)
    context = {
        "unit": unit,
        "proposals": selectors.unit_award_history(unit),
        "board": perms.can_record_decisions(request.user),
    }
    return render(request, "board/unit_awards.html", context)
