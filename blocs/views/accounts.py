"""Board staff manage the accounts of every unit, without the admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from blocs import forms, services
from blocs import permissions as perms
from blocs.models import User


def account_list(request: HttpRequest) -> HttpResponse:
    perms.require_account_manager(request)
    users = User.objects.select_related("unit").order_by("unit__kind", "unit__name", "username")
    return render(request, "blocs/account_list.html", {"users": users})


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    perms.require_account_manager(request)
    form = forms.AccountCreateForm(request.POST or None, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã tạo tài khoản {user.username} cho {user.unit.name}.")
            return redirect("blocs:account_list")
    return render(request, "blocs/form.html", {"form": form, "title": "Tạo tài khoản"})


@require_http_methods(["GET", "POST"])
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = perms.get_account_for_user(request, pk)
    form = forms.PasswordSetForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        services.account_set_password(user=account, password=form.cleaned_data["password"], by=request.user)
        messages.success(
            request, f"Đã đặt lại mật khẩu cho {account.username}. Hãy báo mật khẩu mới cho người dùng."
        )
        return redirect("blocs:account_list")
    context = {"form": form, "title": f"Đặt lại mật khẩu: {account.get_full_name()} ({account.username})"}
    return render(request, "blocs/form.html", context)


@require_POST
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = perms.get_account_for_user(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(user=account, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        state = "mở lại" if active else "khóa"
        messages.success(request, f"Đã {state} tài khoản {account.username}.")
    return redirect("blocs:account_list")
