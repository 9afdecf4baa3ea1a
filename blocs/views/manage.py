"""Board staff set up units, blocs, terms and memberships; leaders elect next year's leadership."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from blocs import audit, forms, selectors, services
from blocs import permissions as perms
from blocs.models import ChosenBy, Unit
from blocs.views.common import CONFIRMED, GET_POST, Confirmation, confirm_page, is_confirmed


def _form_error(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _save_form(request, form, *, fields, action, term=None):
    """Validate a model form and save it through the audited service; None when invalid."""
    if not form.is_valid():
        return None
    try:
        return audit.record_save(obj=form.instance, by=request.user, fields=fields, action=action, term=term)
    except ValidationError as exc:
        _form_error(form, exc)
        return None


# Units ------------------------------------------------------------------------------------------


def unit_list(request: HttpRequest) -> HttpResponse:
    perms.require_board(request)
    units = Unit.objects.annotate(user_count=Count("users", distinct=True)).prefetch_related("former_names")
    return render(request, "blocs/unit_list.html", {"units": units.order_by("kind", "name")})


UNIT_FIELDS = ["name", "short_name", "parent_name", "head_title", "head_name"]


@GET_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    perms.require_board(request)
    form = forms.UnitForm(request.POST or None)
    if request.method == "POST" and _save_form(request, form, fields=UNIT_FIELDS, action="unit.create"):
        messages.success(request, "Đã thêm đơn vị.")
        return redirect("blocs:unit_list")
    return render(request, "blocs/form.html", {"form": form, "title": "Thêm cơ quan, đơn vị"})


@GET_POST
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_board(request)
    unit = get_object_or_404(Unit, pk=pk)
    form = forms.UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and _save_form(request, form, fields=UNIT_FIELDS, action="unit.update"):
        messages.success(request, "Đã lưu thông tin đơn vị.")
        return redirect("blocs:unit_list")
    return render(request, "blocs/form.html", {"form": form, "title": f"Sửa đơn vị: {unit.name}"})


@GET_POST
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    perms.require_board(request)
    unit = get_object_or_404(Unit, pk=pk)
    form = forms.UnitRenameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_rename(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận tên mới; các năm trước vẫn hiển thị tên cũ.")
            return redirect("blocs:unit_list")
    context = {
        "form": form,
        "title": f"Đổi tên: {unit.name}",
        "intro": "Tên mới áp dụng từ năm đã chọn; trang và văn bản của các năm trước giữ tên cũ.",
    }
    return render(request, "blocs/form.html", context)


# Blocs and terms --------------------------------------------------------------------------------

BLOC_FIELDS = ["name", "short_name", "number", "description"]


@GET_POST
def bloc_create(request: HttpRequest) -> HttpResponse:
    perms.require_board(request)
    form = forms.BlocForm(request.POST or None)
    if request.method == "POST" and (
        bloc := _save_form(request, form, fields=BLOC_FIELDS, action="bloc.create")
    ):
        messages.success(request, "Đã tạo khối thi đua.")
        return redirect(bloc)
    return render(request, "blocs/form.html", {"form": form, "title": "Tạo khối thi đua"})


@GET_POST
def bloc_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bloc = perms.get_bloc_for_user(request, pk, write=True)
    form = forms.BlocForm(request.POST or None, instance=bloc)
    if request.method == "POST" and _save_form(request, form, fields=BLOC_FIELDS, action="bloc.update"):
        messages.success(request, "Đã lưu khối thi đua.")
        return redirect(bloc)
    return render(request, "blocs/form.html", {"form": form, "title": f"Sửa: {bloc.name}", "back": bloc})


@GET_POST
def term_create(request: HttpRequest, pk: int) -> HttpResponse:
    bloc = perms.get_bloc_for_user(request, pk, write=True)
    form = forms.TermForm(request.POST or None, request.FILES or None, instance=None)
    form.instance.bloc = bloc
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        try:
            term = services.term_create(bloc=bloc, year=form.cleaned_data["year"], by=request.user, **data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Đã tạo năm thi đua {term.year}. Hãy thêm thành viên.")
            return redirect(term)
    return render(
        request, "blocs/form.html", {"form": form, "title": f"Năm thi đua mới — {bloc.name}", "back": bloc}
    )


@GET_POST
def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, pk, write=True)
    form = forms.TermForm(request.POST or None, request.FILES or None, instance=term)
    if request.method == "POST" and _save_form(
        request, form, fields=services.TERM_FIELDS, action="term.update", term=term
    ):
        messages.success(request, "Đã lưu năm thi đua.")
        return redirect(term)
    return render(request, "blocs/form.html", {"form": form, "title": f"Sửa: {term}", "back": term})


@GET_POST
def term_close(request: HttpRequest, pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, pk, write=True)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.term_close(term=term, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Đã kết thúc năm thi đua {term.year}; dữ liệu chỉ còn để xem.")
        return redirect(term)
    context = {
        "form": form,
        "title": f"Kết thúc năm thi đua {term.year}",
        "intro": "Sau khi kết thúc, mọi dữ liệu của năm này chỉ còn để xem.",
        "submit": "Kết thúc năm thi đua",
        "back": term,
    }
    return render(request, "blocs/form.html", context)


# Memberships and leadership ---------------------------------------------------------------------


@GET_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, pk, write=True)
    form = forms.MembershipAddForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(term=term, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"Đã thêm {form.cleaned_data['unit'].name} vào khối.")
            return redirect(term)
    return render(
        request, "blocs/form.html", {"form": form, "title": f"Thêm thành viên — {term}", "back": term}
    )


@GET_POST
def membership_edit(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    membership = perms.get_membership_for_user(request, pk, mid)
    form = forms.MembershipEditForm(request.POST or None, initial={"position": membership.position})
    if request.method == "POST" and form.is_valid():
        services.membership_update(
            membership=membership, position=form.cleaned_data["position"], by=request.user
        )
        messages.success(request, "Đã lưu thứ tự.")
        return redirect(membership.term)
    context = {"form": form, "title": f"Thứ tự của {membership.unit.name}", "back": membership.term}
    return render(request, "blocs/form.html", context)


@require_POST
def membership_remove(request: HttpRequest, pk: int, mid: int) -> HttpResponse:
    membership = perms.get_membership_for_user(request, pk, mid)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã bỏ {membership.unit.name} khỏi khối năm {membership.term.year}.")
    return redirect(membership.term)


@GET_POST
def leadership(request: HttpRequest, pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, pk, write=True)
    current = {m.role: m for m in term.memberships.exclude(role="member")}
    initial = {
        "leader": current["leader"].unit_id if "leader" in current else None,
        "leader_chosen_by": current["leader"].chosen_by if "leader" in current else "appointed",
        "deputy": current["deputy"].unit_id if "deputy" in current else None,
        "deputy_chosen_by": current["deputy"].chosen_by if "deputy" in current else "appointed",
    }
    form = forms.LeadershipForm(request.POST or None, term=term, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.leadership_set(term=term, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận trưởng, phó khối.")
            return redirect(term)
    return render(
        request, "blocs/form.html", {"form": form, "title": f"Trưởng, phó khối — {term}", "back": term}
    )


@GET_POST
def elect(request: HttpRequest, pk: int) -> HttpResponse:
    """The conference's choice of next year's leadership; once recorded, the page shows it, and
    only board staff change it, with a reason."""
    term = perms.get_term_for_user(request, pk)
    perms.require(perms.can_elect_next(request.user, term))
    recorded = selectors.next_leadership(term)
    can_change = perms.can_change_next(request.user, term, recorded=bool(recorded and recorded.recorded))
    proposal = services.rotation_propose(term)
    form = None
    if can_change:
        form = forms.LeadershipForm(
            request.POST or None, term=term, initial=_elect_initial(proposal, recorded), require_leader=True,
            require_reason=bool(recorded and recorded.recorded),
        )  # fmt: skip
    if request.method == "POST":
        perms.require(can_change)
        if form.is_valid() and not is_confirmed(request):
            return confirm_page(request, _elect_confirmation(request, term, form.cleaned_data))
        if form.is_valid():
            try:
                nxt = services.leadership_elect(term=term, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"Đã ghi nhận trưởng, phó khối năm {nxt.year}.")
                return redirect(nxt if perms.can_view_term(request.user, nxt) else term)
    context = {
        "form": form,
        "term": term,
        "proposal": proposal,
        "next_year": term.year + 1,
        "recorded": recorded,
    }
    return render(
        request, "blocs/elect.html", context, status=400 if form is not None and form.errors else 200
    )


def _elect_confirmation(request: HttpRequest, term, data: dict) -> Confirmation:
    """What recording the election does; the form's fields travel on to the confirmed POST."""
    year = term.year + 1
    chosen = dict(ChosenBy.choices)
    happens = [f"Trưởng khối năm {year}: {data['leader'].name} ({chosen[data['leader_chosen_by']].lower()})."]
    if data.get("deputy") is not None:
        happens.append(
            f"Phó trưởng khối năm {year}: {data['deputy'].name} ({chosen[data['deputy_chosen_by']].lower()})."
        )
    happens.append(f"Năm thi đua {year} được mở với các thành viên năm {term.year} nếu khối chưa có năm đó.")
    hidden = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", CONFIRMED)]
    return Confirmation(
        title=f"Ghi nhận trưởng, phó khối năm {year}",
        happens=happens + ([f"Lý do thay đổi: {data['reason']}"] if data.get("reason") else []),
        final=f"Sau khi ghi nhận, quyền trưởng khối năm {year} thuộc đơn vị được bầu; "
        "chỉ Ban Thi đua – Khen thưởng thay đổi được, có ghi lý do.",
        submit="Ghi nhận",
        back=reverse("blocs:elect", args=[term.pk]),
        hidden=hidden,
        second_step=True,
    )


def _elect_initial(proposal, recorded) -> dict:
    """The rotation's proposal, or what was recorded when board staff come to change it."""
    if recorded is not None and recorded.recorded:
        return {
            "leader": recorded.leader.unit_id,
            "deputy": recorded.deputy.unit_id if recorded.deputy else None,
            "leader_chosen_by": recorded.leader.chosen_by,
            "deputy_chosen_by": recorded.deputy.chosen_by if recorded.deputy else "elected",
        }
    return {
        "leader": proposal.leader.unit_id if proposal.leader else None,
        "deputy": proposal.deputy.unit_id if proposal.deputy else None,
        "leader_chosen_by": "elected",
        "deputy_chosen_by": "elected",
    }
