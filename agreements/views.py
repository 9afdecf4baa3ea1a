"""Pages of the agreement: thin views that load with an access helper and call a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agreements import forms, printing, services
from agreements import permissions as perms
from agreements.models import Agreement
from blocs import permissions as bloc_perms
from blocs.documents import stored_file
from blocs.views.common import GET_POST, Confirmation, confirmed_action, errors_to_messages

# The term's agreement ---------------------------------------------------------------------------


@GET_POST
def term_agreement(request: HttpRequest, term_pk: int) -> HttpResponse:
    """The term's current agreement; leader and deputy start the draft from here."""
    term = bloc_perms.get_term_for_user(request, term_pk)
    current = term.agreements.current().first()
    if current is not None:
        return redirect(current)
    can_start = perms.can_start_agreement(request.user, term)
    if request.method == "POST":
        bloc_perms.require(can_start)
        try:
            agreement = services.agreement_start(term=term, by=request.user)
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return redirect("agreements:term_agreement", term.pk)
        messages.success(request, "Đã tạo dự thảo giao ước.")
        return redirect(agreement)
    return render(request, "agreements/none.html", {"term": term, "can_start": can_start})


def _detail_context(request: HttpRequest, agreement: Agreement) -> dict:
    user, term = request.user, agreement.term
    members = list(term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"))
    registrations = {r.membership_id: r for r in agreement.registrations.all()}
    for m in members:
        m.registration = registrations.get(m.pk)
    own = next((m for m in members if m.unit_id == user.unit_id), None)
    can_finalize = perms.can_finalize(user, agreement)
    return {
        "agreement": agreement,
        "term": term,
        "members": members,
        "unregistered": [m for m in members if m.registration is None],
        "commitments": list(agreement.commitments.order_by("position", "pk")),
        "versions": list(
            term.agreements.order_by("-version").only("pk", "version", "status", "superseded_at")
        ),
        "can_edit": perms.can_edit_agreement(user, agreement),
        "can_finalize": can_finalize,
        "can_new_version": perms.can_open_new_version(user, agreement),
        "can_sign": perms.can_sign(user, agreement),
        "can_register": perms.can_register(user, agreement, own),
        "own": own,
        "missing": services.missing_for_final(agreement) if can_finalize else [],
        "commitment_form": forms.CommitmentForm(),
        "has_previous": services.previous_agreement(agreement) is not None,
    }


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement))


@GET_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk, write=True)
    form = forms.AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.CONTENT_FIELDS}
        try:
            services.agreement_update(
                agreement=agreement,
                data=data,
                lock_version=form.cleaned_data["lock_version"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu nội dung giao ước.")
            return redirect(agreement)
    return render(
        request,
        "blocs/form.html",
        {"form": form, "title": f"Sửa {agreement.title}", "back": agreement, "submit": "Lưu"},
    )


@require_POST
def attach(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk, write=True)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []) + form.non_field_errors():
            messages.error(request, error)
        return redirect(agreement)
    try:
        services.attachment_set(
            agreement=agreement, kind=kind, upload=form.cleaned_data["file"], by=request.user
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã đính kèm tài liệu.")
    return redirect(agreement)


FILES = {
    "rules": ("rules_pdf", "quy-che"),
    "plan": ("plan_pdf", "ke-hoach"),
    "final": ("final_pdf", "giao-uoc"),
    "signed": ("signed_scan", "giao-uoc-da-ky"),
}


@require_GET
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Stored files go out only through here, to those who may see the term."""
    agreement = perms.get_agreement_for_user(request, pk)
    field, stem = FILES.get(kind, ("", ""))
    name = f"{stem}-{agreement.term.year}-v{agreement.version}.pdf"
    frozen = (agreement.final_sha256, agreement.finalized_at) if kind == "final" else None
    return stored_file(request, agreement, field, filename=name, frozen=frozen)


# Commitments ------------------------------------------------------------------------------------


@require_POST
def commitment_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk, write=True)
    form = forms.CommitmentForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, agreement) | {"commitment_form": form}
        return render(request, "agreements/detail.html", context, status=400)
    try:
        services.commitment_add(agreement=agreement, text=form.cleaned_data["text"], by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    return redirect(f"{agreement.get_absolute_url()}#commitments")


@GET_POST
def commitment_edit(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    agreement, commitment = perms.get_commitment_for_user(request, pk, cid)
    initial = {"text": commitment.text, "lock_version": agreement.lock_version}
    form = forms.CommitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_update(
                commitment=commitment,
                text=form.cleaned_data["text"],
                lock_version=form.cleaned_data["lock_version"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{agreement.get_absolute_url()}#commitments")
    title = f"Sửa nội dung {commitment.position}"
    return render(request, "blocs/form.html", {"form": form, "title": title, "back": agreement})


@require_POST
def commitment_move(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    agreement, commitment = perms.get_commitment_for_user(request, pk, cid)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if offset is None:
        messages.error(request, "Hướng di chuyển không hợp lệ.")
    else:
        try:
            services.commitment_move(commitment=commitment, offset=offset, by=request.user)
        except ValidationError as exc:
            errors_to_messages(request, exc)
    return redirect(f"{agreement.get_absolute_url()}#commitments")


@require_POST
def commitment_remove(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    agreement, commitment = perms.get_commitment_for_user(request, pk, cid)
    try:
        services.commitment_remove(commitment=commitment, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, "Đã bỏ một nội dung.")
    return redirect(f"{agreement.get_absolute_url()}#commitments")


@require_POST
def copy_previous(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk, write=True)
    try:
        count = services.commitments_copy_previous(agreement=agreement, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, f"Đã sao chép {count} nội dung của năm trước.")
    return redirect(f"{agreement.get_absolute_url()}#commitments")


# Registration -----------------------------------------------------------------------------------


@GET_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's own registration: awards, slogan, targets and who signs."""
    try:
        agreement, own = perms.get_registration_page_for_user(request, pk)
    except perms.RegistrationClosed as closed:
        messages.info(request, closed.message)
        return redirect(closed.agreement)
    existing = agreement.registrations.filter(membership=own).prefetch_related("targets").first()
    form, targets = _registration_forms(request, own, existing)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        rows = [
            (f.cleaned_data["indicator"], f.cleaned_data["value"], f.cleaned_data["unit_of_measure"])
            for f in targets
            if f.cleaned_data.get("indicator")
        ]
        data = {k: form.cleaned_data[k] for k in services.REGISTRATION_FIELDS}
        try:
            services.registration_save(
                agreement=agreement, membership=own, data=data, targets=rows,
                lock_version=form.cleaned_data["lock_version"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu đăng ký của đơn vị.")
            return redirect(agreement)
    context = {"agreement": agreement, "own": own, "form": form, "targets": targets}
    return render(request, "agreements/register.html", context)


def _registration_forms(request: HttpRequest, own, existing):
    if existing is None:
        initial = services.registration_defaults(own) | {"lock_version": 0}
        target_rows = []
    else:
        initial = {k: getattr(existing, k) for k in services.REGISTRATION_FIELDS}
        initial["lock_version"] = existing.lock_version
        target_rows = [
            {"indicator": t.indicator, "value": t.value, "unit_of_measure": t.unit_of_measure}
            for t in existing.targets.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = forms.RegistrationForm(data, initial=initial)
    targets = forms.TargetFormSet(data, initial=target_rows, prefix="targets")
    return form, targets


# Finalize, versions, sign -----------------------------------------------------------------------


@GET_POST
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    """Finalizing the agreement, after its confirmation page."""
    agreement = perms.get_agreement_for_user(request, pk)
    if not perms.can_finalize(request.user, agreement):
        raise PermissionDenied

    def act() -> HttpResponse:
        services.agreement_finalize(agreement=agreement, by=request.user)
        messages.success(request, "Đã hoàn thiện giao ước; bản PDF đã được lưu.")
        return redirect(agreement)

    confirmation = Confirmation(
        title=f"Hoàn thiện giao ước (phiên bản {agreement.version})",
        happens=[
            "Nội dung, danh sách thành viên và đăng ký của các đơn vị được chốt; "
            "bản PDF được lưu kèm mã SHA-256.",
            "Các đơn vị in bản PDF này để ký; mã xác thực trên bản in cho biết bản nào đã được chốt.",
        ],
        final="Không sửa được bản đã hoàn thiện; cần thay đổi thì mở phiên bản mới.",
        submit="Hoàn thiện giao ước",
        back=agreement.get_absolute_url(),
    )
    return confirmed_action(
        request, lambda: confirmation, act, error_prefix="Chưa hoàn thiện được giao ước: "
    )


@GET_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a new version of a final or signed agreement, after its confirmation page."""
    agreement = perms.get_agreement_for_user(request, pk)
    if not perms.can_open_new_version(request.user, agreement):
        raise PermissionDenied
    old, new = agreement.version, agreement.version + 1

    def act() -> HttpResponse:
        draft = services.agreement_new_version(agreement=agreement, by=request.user)
        messages.success(request, f"Đã mở phiên bản {draft.version}; phiên bản {old} vẫn được lưu.")
        return redirect(draft)

    confirmation = Confirmation(
        title=f"Mở phiên bản mới của giao ước (phiên bản {new})",
        happens=[
            f"Phiên bản {new} là dự thảo chép nội dung và đăng ký của phiên bản {old}.",
            f"Phiên bản {old} vẫn được lưu nguyên như đã {agreement.get_status_display().lower()}.",
        ],
        final=f"Phiên bản {old} được đánh dấu là đã thay thế; không hoàn tác được.",
        submit="Mở phiên bản mới",
        back=agreement.get_absolute_url(),
        danger=True,
    )
    return confirmed_action(request, lambda: confirmation, act)


@GET_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk)
    if not perms.can_sign(request.user, agreement):
        raise PermissionDenied
    form = forms.SignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_sign(
                agreement=agreement, scan=form.cleaned_data["scan"],
                signed_on=form.cleaned_data["signed_on"], by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu bản ký; giao ước đã được ký.")
            return redirect(agreement)
    title = "Tải lên bản giao ước đã ký"
    return render(
        request, "blocs/form.html", {"form": form, "title": title, "back": agreement, "submit": "Lưu"}
    )


# Print ------------------------------------------------------------------------------------------


def _print_data(agreement: Agreement) -> tuple[printing.Printed, bool, str | None]:
    if agreement.is_draft:
        return printing.snapshot(agreement), True, None
    return printing.PAYLOAD.load(agreement.frozen), False, agreement.verification_code


@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = perms.get_agreement_for_user(request, pk)
    data, draft, code = _print_data(agreement)
    back = agreement.get_absolute_url()
    return HttpResponse(printing.render_html(data, draft=draft, code=code, preview=True, back=back))


@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A final agreement's stored PDF (never re-rendered), or the draft rendered now with its mark."""
    agreement = perms.get_agreement_for_user(request, pk)
    if not agreement.is_draft:
        return download(request, pk, "final")
    body = printing.render_draft(printing.snapshot(agreement))
    response = HttpResponse(body, content_type="application/pdf")
    name = f"du-thao-giao-uoc-{agreement.term.year}-v{agreement.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# Public verification ----------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _too_many_misses(request: HttpRequest) -> bool:
    return cache.get(f"verify-miss:{_client_ip(request)}", 0) >= settings.VERIFY_MAX_MISSES


def _count_miss(request: HttpRequest) -> None:
    key = f"verify-miss:{_client_ip(request)}"
    if not cache.add(key, 1, timeout=settings.VERIFY_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.VERIFY_WINDOW_SECONDS)


@login_not_required
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = forms.VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("agreements:verify_code", form.cleaned_data["code"])
    return render(request, "agreements/verify.html", {"form": form})


@login_not_required
@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what a printed code stands for. Only bloc, year, version, status, dates and SHA-256."""
    if _too_many_misses(request):
        response = render(
            request, "agreements/verify.html", {"form": forms.VerifyForm(), "throttled": True}, status=429
        )
        response["Retry-After"] = str(settings.VERIFY_WINDOW_SECONDS)
        return response
    agreement = (
        Agreement.objects.select_related("term__bloc")
        .filter(verification_code=services.normalize_code(code))
        .first()
    )
    if agreement is None:
        _count_miss(request)
        context = {"form": forms.VerifyForm(initial={"code": code[:32]}), "not_found": True}
        return render(request, "agreements/verify.html", context, status=404)
    return render(request, "agreements/verify.html", {"form": forms.VerifyForm(), "found": agreement})
