"""Deployment security: `check --deploy` is clean with the production environment the README gives
(and is not with the development defaults, so the check is real); the security settings come from
the environment; no page template carries inline script, style or event handler (the CSP allows
none without a nonce)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "SECRET_KEY": "a-production-like-secret-key-of-fifty-characters-or-more-0123456789",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "thidua.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://thidua.example.gov.vn",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "EMAIL_URL": "smtp+tls://thidua@mail.example.gov.vn:587",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Not the test run's own settings: no database URL, no async-unsafe switch (Playwright's).
    dropped = {*PRODUCTION, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_check_deploy_fails_without_https_settings():
    plain = {k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=plain)
    assert result.returncode != 0 and "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


def test_security_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE, len(s.AUTH_PASSWORD_VALIDATORS))"
    )
    shown = manage(
        "shell", "--no-imports", "-c", code, env=PRODUCTION | {"SESSION_COOKIE_AGE": "3600"}
    ).stdout.split()
    assert shown == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000", "True", "True", "3600", "4"]


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)|<style(?![^>]*\bnonce=)|\sstyle=\"|\son[a-z]+=\"", re.I
)


# Templates served to browsers; those under pdf/ are printed by WeasyPrint and never served.
PAGES = sorted(
    p for p in (ROOT / "templates").rglob("*.html") if "pdf" not in p.relative_to(ROOT / "templates").parts
)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_style_or_handler(path):
    assert not INLINE.findall(path.read_text(encoding="utf-8"))


def test_the_inline_pattern_catches_what_the_csp_would_block():
    caught = ["<script>alert(1)</script>", "<style>b{}</style>", '<p style="color:red">', '<a onclick="x()">']
    allowed = ['<script src="/static/a.js"></script>', '<script nonce="{{ csp_nonce }}">', '<p class="x">']
    assert all(INLINE.search(html) for html in caught) and not any(INLINE.search(html) for html in allowed)
