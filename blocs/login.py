"""Login with throttling, by Django's own means (its cache): after LOGIN_MAX_FAILURES wrong
passwords for one account, or four times as many from one address, further attempts are refused
with a Vietnamese message for LOGIN_LOCKOUT_SECONDS, without even checking the password, so that
guessing gains nothing. The counters must live in a cache shared by every worker (CACHE_URL)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

LOCKED = "locked"


def _keys(username: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"login-fail:user:{digest}", f"login-fail:addr:{address}"


def _bump(key: str) -> None:
    timeout = settings.LOGIN_LOCKOUT_SECONDS
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = (self.request.META.get("REMOTE_ADDR") if self.request else None) or "unknown"
        user_key, address_key = _keys(username, address)
        limit = settings.LOGIN_MAX_FAILURES
        if (cache.get(user_key) or 0) >= limit or (cache.get(address_key) or 0) >= 4 * limit:
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                f"Đăng nhập sai quá nhiều lần: tạm khóa đăng nhập. Hãy thử lại sau {minutes} phút, hoặc "
                "liên hệ Ban Thi đua – Khen thưởng để đặt lại mật khẩu.",
                code=LOCKED,
            )
        try:
            return super().clean()
        except ValidationError:
            _bump(user_key)
            _bump(address_key)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        cache.delete(_keys(user.get_username(), "")[0])


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if any(e.code == LOCKED for e in form.non_field_errors().as_data()):
            response.status_code = 429
        return response
