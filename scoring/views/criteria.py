"""Pages of the criteria set: build, edit, import, export, open, lock, reopen; board templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from blocs import permissions as bloc_perms
from blocs.views.common import (
    GET_POST,
    Confirmation,
    confirmed_action,
    errors_to_form,
    errors_to_messages,
)
from scoring import exports, forms, selectors, services, tables
from scoring import permissions as perms
from scoring.models import CriteriaSet
from scoring.outstanding import Outstanding, lock_outstanding

# The term's criteria set ------------------------------------------------------------------------


@GET_POST
def term_scoring(request: HttpRequest, term_pk: int) -> HttpResponse:
    """The term's criteria set; leader and deputy create it here (empty, from last year's or a template)."""
    term = bloc_perms.get_term_for_user(request, term_pk)
    existing = CriteriaSet.objects.filter(term=term).first()
    if existing is not None:
        return redirect(existing)
    can_create = perms.can_create_criteria_set(request.user, term)
    form = forms.CreateSetForm(
        request.POST or None, previous=selectors.previous_set(term), templates=CriteriaSet.objects.templates()
    )
    if request.method == "POST":
        perms.require(can_create)
        if form.is_valid():
            try:
                created = services.criteria_set_create(term=term, source=form.source_set(), by=request.user)
            except ValidationError as exc:
                errors_to_messages(request, exc)
                return redirect("scoring:term_scoring", term.pk)
            messages.success(request, "Đã tạo bảng tiêu chí.")
            return redirect(created)
    return render(request, "scoring/none.html", {"term": term, "form": form, "can_create": can_create})


def _criteria_context(request: HttpRequest, criteria_set: CriteriaSet) -> dict:
    criteria = list(criteria_set.criteria.in_order())
    context = {
        "criteria_set": criteria_set,
        "term": criteria_set.term,
        "criteria": criteria,
        "groups": [c for c in criteria if c.is_group],
        "nominal_max": CriteriaSet.objects.nominal_max_of(criteria_set.pk),
        "past_deadline": perms.is_past_deadline(criteria_set),
    }
    members: list = []
    if criteria_set.term is not None:
        members, submitted = selectors.members_with_self_sheets(criteria_set)
        context.update(members=members, submitted=submitted)
    context |= perms.criteria_page_rights(request.user, criteria_set, members)
    if context["can_edit"]:
        context["criterion_form"] = forms.CriterionForm(criteria_set=criteria_set)
    return context


@require_GET
def criteria(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    return render(request, "scoring/criteria.html", _criteria_context(request, criteria_set))


@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk, write=True)
    form = forms.CriterionForm(request.POST, criteria_set=criteria_set)
    if form.is_valid():
        try:
            services.criterion_add(criteria_set=criteria_set, data=form.service_data(), by=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã thêm tiêu chí.")
            return redirect(criteria_set)
    context = _criteria_context(request, criteria_set) | {"criterion_form": form}
    return render(request, "scoring/criteria.html", context, status=400)


@GET_POST
def criterion_edit(request: HttpRequest, cid: int) -> HttpResponse:
    criterion = perms.get_criterion_for_user(request, cid)
    form = forms.CriterionForm(request.POST or None, instance=criterion, criteria_set=criterion.criteria_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(criterion=criterion, data=form.service_data(), by=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu tiêu chí.")
            return redirect(criterion.criteria_set)
    context = {"form": form, "title": "Sửa tiêu chí", "back": criterion.criteria_set, "submit": "Lưu"}
    return render(request, "blocs/form.html", context, status=400 if form.errors else 200)


@require_POST
def criterion_move(request: HttpRequest, cid: int) -> HttpResponse:
    criterion = perms.get_criterion_for_user(request, cid)
    direction = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if direction is None:  # anything else used to move it down
        messages.error(request, "Hướng di chuyển không hợp lệ.")
        return redirect(criterion.criteria_set)
    try:
        services.criterion_move(criterion=criterion, direction=direction, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(criterion.criteria_set)


@require_POST
def criterion_remove(request: HttpRequest, cid: int) -> HttpResponse:
    criterion = perms.get_criterion_for_user(request, cid)
    try:
        services.criterion_remove(criterion=criterion, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã xóa tiêu chí.")
    return redirect(criterion.criteria_set)


@GET_POST
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_edit_settings(request.user, criteria_set))
    form = forms.SettingsForm(
        request.POST or None, instance=criteria_set, initial={"lock_version": criteria_set.lock_version}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "final_rule", "explanation_deadline")}
        data["tie_break"] = form.tie_break()
        try:
            services.criteria_settings_update(
                criteria_set=criteria_set,
                data=data,
                lock_version=form.cleaned_data["lock_version"],
                by=request.user,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã lưu cài đặt chấm điểm.")
            return redirect(criteria_set)
    context = {"form": form, "title": "Cài đặt chấm điểm", "back": criteria_set}
    return render(request, "blocs/form.html", context)


@GET_POST
def scoring_open(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_open_scoring(request.user, criteria_set))
    form = forms.OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scoring_open(
                criteria_set=criteria_set, deadline=form.cleaned_data["deadline"], by=request.user
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã mở chấm điểm; các thành viên tự chấm đến hạn nộp.")
            return redirect(criteria_set)
    intro = "Sau khi mở, bảng tiêu chí không sửa được nữa."
    context = {
        "form": form,
        "title": "Mở chấm điểm",
        "back": criteria_set,
        "submit": "Mở chấm điểm",
        "intro": intro,
    }
    return render(request, "blocs/form.html", context)


def _lock_confirmation(criteria_set: CriteriaSet, outstanding: Outstanding) -> Confirmation:
    """What locking does to each member still outstanding, and what refuses it."""
    deadline = criteria_set.explanation_deadline
    until = (
        f"đến {date_format(timezone.localtime(deadline), 'H:i d/m/Y')}"
        if deadline
        else "vì chưa đặt hạn giải trình"
    )
    blocked = [
        f"{m.name}: {n} tiêu chí bị hạ điểm còn được giải trình ({until})."
        for m, n in outstanding.unexplained
    ] + [
        f"Giải trình của {m.name}, tiêu chí {text}, chờ trưởng khối quyết định."
        for m, text in outstanding.undecided
    ]
    if outstanding.unexplained:
        blocked.append("Khóa sau hạn giải trình; đặt hoặc sửa hạn giải trình trong Cài đặt.")
    happens = [
        f"{m.name} chưa nộp phiếu tự chấm: không có điểm, không được xếp hạng." for m in outstanding.missing
    ]
    happens += [
        f"Phiếu của {m.name} chưa được thẩm định: điểm cuối cùng của {m.name} lấy theo tự chấm."
        for m in outstanding.unreviewed
    ]
    happens.append(
        "Các thành viên không nộp, sửa phiếu tự chấm hoặc giải trình được nữa; điểm cuối cùng được chốt."
    )
    return Confirmation(
        title="Khóa chấm điểm",
        happens=happens,
        final="Chỉ Ban Thi đua – Khen thưởng mở lại được chấm điểm sau khi khóa, có ghi lý do.",
        submit="Khóa chấm điểm",
        back=criteria_set.get_absolute_url(),
        blocked=blocked,
        hidden=[("acknowledged", str(pk)) for pk in outstanding.acknowledged],
        danger=True,
    )


@GET_POST
def scoring_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """The lock's confirmation page, which lists what is outstanding; locking from its button."""
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_lock_scoring(request.user, criteria_set))

    def act() -> HttpResponse:
        acknowledged = [int(v) for v in request.POST.getlist("acknowledged") if v.isdigit() and len(v) < 12]
        services.scoring_lock(criteria_set=criteria_set, by=request.user, acknowledged=acknowledged)
        messages.success(request, "Đã khóa chấm điểm.")
        return redirect(criteria_set)

    def confirmation() -> Confirmation:
        return _lock_confirmation(criteria_set, lock_outstanding(criteria_set))

    return confirmed_action(request, confirmation, act)


@GET_POST
def scoring_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    perms.require(perms.can_reopen_scoring(request.user, criteria_set))
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scoring_reopen(
                criteria_set=criteria_set, deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Đã mở lại chấm điểm.")
            return redirect(criteria_set)
    context = {"form": form, "title": "Mở lại chấm điểm", "back": criteria_set, "submit": "Mở lại"}
    return render(request, "blocs/form.html", context)


# Import and export ------------------------------------------------------------------------------


@GET_POST
def criteria_import(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = perms.get_criteria_set_for_user(request, pk, write=True)
    form = forms.UploadForm(request.POST or None, request.FILES or None, label="Tệp tiêu chí (XLSX hoặc CSV)")
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.criteria_import(
                criteria_set=criteria_set, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"Đã nhập {count} dòng tiêu chí.")
            return redirect(criteria_set)
    context = {"form": form, "criteria_set": criteria_set, "problems": problems}
    return render(request, "scoring/import.html", context, status=400 if problems or form.errors else 200)


@require_GET
def criteria_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    criteria_set = perms.get_criteria_set_for_user(request, pk)
    year = criteria_set.term.year if criteria_set.term else "mau"
    name = f"tieu-chi-{year}.{fmt}"
    if fmt == "xlsx":
        return exports.attachment(tables.export_xlsx(criteria_set), name, private=False)
    return exports.attachment(
        tables.export_csv(criteria_set), name, content_type="text/csv; charset=utf-8", private=False
    )


# Templates kept by the board --------------------------------------------------------------------


@GET_POST
def templates(request: HttpRequest) -> HttpResponse:
    perms.require(perms.can_manage_templates(request.user))
    form = forms.TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.criteria_set_create(term=None, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            return redirect(created)
    listed = CriteriaSet.objects.templates().with_nominal_max().order_by("name")
    return render(request, "scoring/templates.html", {"templates": listed, "form": form})
