"""Pages of the vote (bình xét, suy tôn). Thin views: access helper, form, service, redirect.

Viewing a term's ballots is for whoever may view the term; preparing, opening, counting, closing and
run-offs are the term's leader's; casting is for a present member unit, once. No page and no response
shows a count before the ballot closes: counts are read from the frozen result only.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ballots import forms, selectors
from ballots import permissions as perms
from ballots import services as ballot_services
from ballots.models import SETTING_FIELDS, Ballot, BallotMode, BallotState
from blocs.views.common import (
    GET_POST,
    Confirmation,
    confirm_page,
    confirmed_action,
    errors_to_form,
    errors_to_messages,
    is_confirmed,
)
from config.pdf import render_pdf
from province import catalogue

ROW_FIELD = re.compile(r"(r|rep)[0-9]+")
OPENED = "Đã mở bỏ phiếu; danh sách bầu và thành viên có mặt không sửa được nữa."
BLANK = "Phiếu trắng: không chọn đơn vị nào (vẫn là phiếu hợp lệ)."
TIED = "Đã kết thúc bỏ phiếu. Có đồng phiếu ở vị trí cuối cùng: cần bầu lại."


def _require_state(request: HttpRequest, ballot: Ballot, *, state: str, mode: str | None = None) -> bool:
    """Whether the ballot is in the state (and mode) an action needs; if not, says why."""
    if mode is not None and ballot.mode != mode:
        messages.error(
            request,
            "Cuộc bỏ phiếu này dùng phiếu giấy tại hội nghị."
            if ballot.mode == BallotMode.PAPER
            else "Cuộc bỏ phiếu trực tuyến tự kiểm phiếu khi kết thúc.",
        )
        return False
    if ballot.state != state:
        messages.error(
            request,
            {
                BallotState.DRAFT: "Việc này chỉ làm được khi cuộc bỏ phiếu đang chuẩn bị.",
                BallotState.OPEN: "Việc này chỉ làm được khi đang bỏ phiếu.",
                BallotState.CLOSED: "Việc này chỉ làm được sau khi cuộc bỏ phiếu kết thúc.",
            }[state],
        )
        return False
    return True


# The term's ballots -----------------------------------------------------------------------------


@GET_POST
def ballots(request: HttpRequest, term_pk: int) -> HttpResponse:
    """The term's ballots, and the leader's form to create one (every member a candidate and present)."""
    term = perms.get_term_for_user(request, term_pk, manage=request.method == "POST")
    can_create = perms.can_manage_ballots(request.user, term)
    form = forms.CreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ballot = ballot_services.ballot_create(term=term, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã tạo cuộc bỏ phiếu. Kiểm tra danh sách bầu và thành viên có mặt.")
            return redirect("ballots:ballot_edit", ballot.pk)
    listed = list(selectors.term_ballots(term, unit_id=request.user.unit_id))
    for b in listed:
        b.can_vote = perms.can_cast(b, present=b.own_present, voted=b.own_voted)
    context = {"term": term, "ballots": listed, "form": form, "can_create": can_create}
    return render(request, "ballots/list.html", context, status=400 if form.errors else 200)


# One ballot -------------------------------------------------------------------------------------


def _ballot_context(request: HttpRequest, ballot: Ballot) -> dict:
    """Settings, candidates, presence and the register; never a count (only the frozen result has them)."""
    lists = selectors.ballot_lists(ballot)
    own = perms.own_membership(request.user, ballot.term)
    result = ballot.result if ballot.state == BallotState.CLOSED else None
    runoffs = list(ballot.runoffs.all()) if result and result["tie"] else []
    voted = own is not None and own.pk in lists.voted
    present = own is not None and own.pk in lists.present
    return {
        "ballot": ballot,
        "term": ballot.term,
        "award_label": catalogue.label(ballot.award),
        "members": lists.members,
        "candidates": lists.candidates,
        "eligible": lists.eligible,
        "ineligible": lists.ineligible,
        "present_count": len(lists.present),
        "quorum": lists.quorum,
        "result": result,
        "needs_runoff": bool(result and result["tie"]),
        **perms.ballot_actions(request.user, ballot, runoffs=len(runoffs)),
        "counts_entered": selectors.has_counts(ballot),
        "runoffs": runoffs,
        "own": own,
        "can_vote": perms.can_cast(ballot, present=present, voted=voted),
        "own_voted": voted,
        "papers": perms.has_papers(ballot),
    }


@require_GET
def ballot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = perms.get_ballot_for_user(request, pk)
    return render(request, "ballots/detail.html", _ballot_context(request, ballot))


@GET_POST
def ballot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's settings, each candidate's eligibility (with the reason when not) and who is present."""
    ballot = perms.get_ballot_for_user(request, pk, manage=True)
    if not _require_state(request, ballot, state=BallotState.DRAFT):
        return redirect(ballot)
    posted = request.POST if request.method == "POST" else None
    form = forms.EditForm(posted, ballot=ballot)
    context = _ballot_context(request, ballot)
    row_errors: dict[str, str] = {}
    if posted is not None:
        chosen, present = forms.parse_lists(posted, context["candidates"], [m.pk for m in context["members"]])
        if form.is_valid():
            settings = {f: form.cleaned_data[f] for f in SETTING_FIELDS if f in form.cleaned_data}
            try:
                ballot_services.ballot_update(
                    ballot=ballot, settings=settings, candidates=chosen, present=present,
                    lock_version=form.cleaned_data["lock_version"], by=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                row_errors = _split_errors(form, exc)
            else:
                messages.success(request, "Đã lưu cuộc bỏ phiếu.")
                return redirect(ballot)
        _show_posted(context, chosen, present, row_errors)
    context |= {"form": form, "row_errors": row_errors}
    return render(request, "ballots/edit.html", context, status=400 if posted is not None else 200)


def _split_errors(form, exc: ValidationError) -> dict[str, str]:
    """A service's errors: the settings' on the form, the rows' (`r12`, `rep7`) by row."""
    rows = {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            elif ROW_FIELD.fullmatch(field):
                rows[field] = errors[0].messages[0]
            else:
                form.add_error(None, errors)
    else:
        form.add_error(None, exc)
    return rows


def _show_posted(context: dict, chosen: dict, present: dict, errors: dict[str, str]) -> None:
    """Keep what was typed in the rows when the form comes back, each row with its message."""
    for c in context["candidates"]:
        c.eligible, c.ineligible_reason = chosen.get(c.pk, (c.eligible, c.ineligible_reason))
        c.error = errors.get(f"r{c.pk}")
    for m in context["members"]:
        m.present = m.pk in present
        m.representative = present.get(m.pk, "")
        m.error = errors.get(f"rep{m.pk}")


@GET_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = perms.get_ballot_for_user(request, pk, manage=True)

    def act() -> HttpResponse:
        ballot_services.ballot_open(ballot=ballot, by=request.user)
        messages.success(request, OPENED)
        return redirect(ballot)

    return confirmed_action(request, lambda: _open_confirmation(ballot), act)


def _open_confirmation(ballot: Ballot) -> Confirmation:
    how = (
        "Các đơn vị có mặt bỏ phiếu trực tuyến, mỗi đơn vị một lần; phiếu là bí mật."
        if ballot.mode == BallotMode.ONLINE
        else "Hội nghị bỏ phiếu giấy; trưởng khối nhập kết quả kiểm phiếu."
    )
    return Confirmation(
        title=f"Mở bỏ phiếu: {ballot.title}",
        happens=[f"Chọn tối đa {ballot.quota} đơn vị trong danh sách bầu.", how],
        final="Sau khi mở, danh sách bầu, thành viên có mặt và cài đặt của cuộc bỏ phiếu không sửa được nữa.",
        submit="Mở bỏ phiếu",
        back=ballot.get_absolute_url(),
    )


@GET_POST
def ballot_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The online secret ballot of the user's unit: up to the quota of eligible candidates, or none;
    the marks are shown once more on a confirmation page before they are cast."""
    ballot = perms.get_ballot_for_user(request, pk)
    membership = perms.get_voter_for_user(request, ballot)
    if not _require_state(request, ballot, state=BallotState.OPEN, mode=BallotMode.ONLINE):
        return redirect(ballot)
    perms.ensure_present(ballot, membership)
    voted = ballot.participations.filter(membership=membership).exists()
    context = _ballot_context(request, ballot)
    if request.method == "POST":
        done = _cast(request, ballot, membership, context["eligible"])
        if done is not None:
            return done
    marked = set(request.POST.getlist("candidate"))
    for c in context["eligible"]:
        c.marked = str(c.pk) in marked
    unit_name = next(m.unit_name for m in context["members"] if m.pk == membership.pk)
    context |= {"membership": membership, "unit_name": unit_name, "voted": voted}
    return render(request, "ballots/vote.html", context, status=400 if request.method == "POST" else 200)


def _cast(request: HttpRequest, ballot: Ballot, membership, eligible: list) -> HttpResponse | None:
    """The confirmation page of the marks, or the cast after it; None when the vote page comes
    back with the service's message."""
    ids = forms.parse_choices(request.POST.getlist("candidate"))
    try:
        if ids is None:
            raise ValidationError("Phiếu không hợp lệ; hãy tải lại trang và bỏ phiếu lại.")
        if not is_confirmed(request):
            chosen = ballot_services.ballot_check_choices(ballot=ballot, candidate_ids=ids)
            names = [c.unit_name for c in eligible if c.pk in chosen]
            return confirm_page(request, _vote_confirmation(ballot, names, sorted(chosen)))
        ballot_services.ballot_cast(ballot=ballot, membership=membership, candidate_ids=ids, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(ballot) if exc.messages == [ballot_services.ALREADY_VOTED] else None
    messages.success(request, "Đã ghi nhận phiếu bầu của đơn vị. Phiếu bầu là bí mật.")
    return redirect(ballot)


def _vote_confirmation(ballot: Ballot, names: list[str], chosen: list[int]) -> Confirmation:
    happens = [f"Bầu: {name}." for name in names] or [BLANK]
    return Confirmation(
        title=f"Xác nhận phiếu bầu: {ballot.title}",
        happens=happens,
        final="Mỗi đơn vị bỏ phiếu một lần; sau khi gửi, phiếu không sửa được. Phiếu bầu là bí mật.",
        submit="Gửi phiếu bầu",
        back=reverse("ballots:ballot_vote", args=[ballot.pk]),
        hidden=[("candidate", str(pk)) for pk in chosen],
        second_step=True,
    )


@GET_POST
def ballot_counts(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper count. The form is never filled from what is stored: no count shows before closing."""
    ballot = perms.get_ballot_for_user(request, pk, manage=True)
    if not _require_state(request, ballot, state=BallotState.OPEN, mode=BallotMode.PAPER):
        return redirect(ballot)
    context = _ballot_context(request, ballot)
    posted = request.POST if request.method == "POST" else None
    form = forms.CountsForm(
        posted,
        initial={"lock_version": ballot.lock_version},
        candidates=context["eligible"],
        present=context["present_count"],
        quota=ballot.quota,
    )
    if posted is not None and form.is_valid():
        data = form.cleaned_data
        try:
            ballot_services.ballot_counts_save(
                ballot=ballot, issued=data["issued"], returned=data["returned"], valid=data["valid"],
                invalid=data["invalid"], votes=form.votes(), lock_version=data["lock_version"],
                by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, "Đã lưu kết quả kiểm phiếu. Số liệu được công bố khi kết thúc bỏ phiếu."
            )
            return redirect(ballot)
    context |= {"form": form}
    return render(request, "ballots/counts.html", context, status=400 if posted is not None else 200)


@GET_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = perms.get_ballot_for_user(request, pk, manage=True)
    if ballot.state == BallotState.CLOSED:
        messages.info(request, "Cuộc bỏ phiếu đã kết thúc.")
        return redirect(ballot)

    def act() -> HttpResponse:
        closed = ballot_services.ballot_close(ballot=ballot, by=request.user)
        if closed.result["tie"]:
            messages.warning(request, TIED)
        else:
            messages.success(request, "Đã kết thúc bỏ phiếu và công bố kết quả.")
        return redirect(ballot)

    confirmation = Confirmation(
        title=f"Kết thúc bỏ phiếu: {ballot.title}",
        happens=[
            "Không nhận thêm phiếu; kết quả được tính và công bố cho các thành viên.",
            "Đồng phiếu ở vị trí cuối cùng thì bầu lại bằng một cuộc bỏ phiếu mới.",
        ],
        final="Không mở lại được cuộc bỏ phiếu đã kết thúc.",
        submit="Kết thúc bỏ phiếu",
        back=ballot.get_absolute_url(),
        danger=True,
    )
    return confirmed_action(request, lambda: confirmation, act)


@require_POST
def ballot_runoff(request: HttpRequest, pk: int) -> HttpResponse:
    ballot = perms.get_ballot_for_user(request, pk, manage=True)
    try:
        runoff = ballot_services.ballot_runoff(ballot=ballot, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect(ballot)
    messages.success(request, "Đã tạo cuộc bầu lại giữa các đơn vị đồng phiếu.")
    return redirect("ballots:ballot_edit", runoff.pk)


# The ballot papers ------------------------------------------------------------------------------


@require_GET
def ballot_papers(request: HttpRequest, pk: int) -> HttpResponse:
    """One blank ballot paper per member present (no name, no number: the paper is secret)."""
    ballot = perms.get_ballot_for_user(request, pk)
    if not perms.has_papers(ballot):
        raise Http404
    context = _ballot_context(request, ballot)
    html = render_to_string(
        "pdf/ballot_paper.html",
        {
            "ballot": ballot,
            "bloc": ballot.term.bloc,
            "candidates": context["eligible"],
            "papers": range(context["present_count"]),
            "award_label": catalogue.label(ballot.award) if ballot.award else "",
            # A long list is set tighter, so that every paper stays on one page.
            "compact": len(context["eligible"]) > 14,
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-bau-{ballot.term.year}-{ballot.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
