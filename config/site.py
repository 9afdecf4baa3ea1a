"""The site's own address, for links that leave the page (verification links, QR codes): the
SITE_URL setting, or in development, while SITE_URL is not set, the address the server answers on
(set per request by `config.middleware.DevelopmentErrorPagesMiddleware`)."""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

REQUEST_SITE: ContextVar[str | None] = ContextVar("request_site", default=None)


def site_url() -> str:
    if getattr(settings, "SITE_URL_FROM_REQUEST", False):
        return REQUEST_SITE.get() or settings.SITE_URL
    return settings.SITE_URL
