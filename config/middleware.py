"""Vietnamese typed in decomposed form (NFD: "e" + combining marks, as some keyboards and macOS
copy-paste produce) is stored, searched and printed exactly like the precomposed form (NFC): every
posted text field is normalised to NFC before any view sees it. Invisible characters that text
pasted from a word processor or a web page carries (zero-width spaces and joiners, the word joiner,
the byte-order mark, soft hyphens) are removed: what is stored is what the user sees, and
"Sở Tài chính" with a zero-width space is not a second unit of the same name. Passwords are left as
typed. (Characters that reverse the direction of text are refused by the forms, with a message:
blocs.forms.no_control_chars.)"""

from __future__ import annotations

import unicodedata

from config import site

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def tidy(value: str) -> str:
    return unicodedata.normalize("NFC", value).translate(INVISIBLE)


class NormalizeUnicodeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            posted = request.POST.copy()
            for key in posted:
                if "password" in key:
                    continue
                posted.setlist(key, [tidy(value) for value in posted.getlist(key)])
            posted._mutable = False
            request.POST = posted
        return self.get_response(request)


class DevelopmentErrorPagesMiddleware:
    """With DEBUG on (`make run`), a refused or missing object shows the project's own Vietnamese
    403 and 404 pages, as in production, instead of Django's English debug page; a crash still shows
    the debug page. And while SITE_URL is not set, the address the development server answers on is
    the site's address for verification links and QR codes (`config.site.site_url`). Installed only
    when DEBUG is on (settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = site.REQUEST_SITE.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            site.REQUEST_SITE.reset(token)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.shortcuts import render

        if isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        if isinstance(exception, PermissionDenied):
            return render(request, "403.html", status=403)
        return None
