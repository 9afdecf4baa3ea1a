"""The one WeasyPrint helper of the project. Every PDF goes through `render_pdf`.

WeasyPrint may fetch only our own static files: no network, no other file. User text reaches the
templates escaped, so anything that asks for another URL comes from a template, and is refused.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL of every printed document: relative links such as "/static/css/print.css" resolve
# against it, and the fetcher maps that one origin to our static files. ".invalid" never resolves.
PRINT_BASE_URL = "https://print.invalid/"
_STATIC_PREFIX = "https://print.invalid/static/"


class StaticOnlyFetcher(URLFetcher):
    """Serve our static files to WeasyPrint; refuse every other URL without opening it."""

    def fetch(self, url, headers=None):
        if url.startswith(_STATIC_PREFIX):
            name = unquote(urlsplit(url).path.removeprefix("/static/"))
            body = _static_bytes(name)
            if body is not None:
                content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})
        logger.warning("PDF: refused to fetch %s", url[:200])
        raise ValueError(f"Không tải tài nguyên ngoài khi in: {url[:200]}")


def _static_bytes(name: str) -> bytes | None:
    try:
        if staticfiles_storage.exists(name):  # collected (hashed) names in production
            with staticfiles_storage.open(name) as handle:
                return handle.read()
        found = finders.find(name)
    except (SuspiciousFileOperation, ValueError, OSError):
        return None
    if not found or not os.path.isfile(found):
        return None
    with open(found, "rb") as handle:
        return handle.read()


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
