"""Vietnamese typed in decomposed form (NFD: "e" + combining marks, as some keyboards and macOS
copy-paste produce) is stored, searched and printed exactly like the precomposed form (NFC): every
posted text field is normalised to NFC before any view sees it. Passwords are left as typed."""

from __future__ import annotations

import unicodedata

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NormalizeUnicodeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            posted = request.POST.copy()
            for key in posted:
                if "password" in key:
                    continue
                posted.setlist(key, [unicodedata.normalize("NFC", value) for value in posted.getlist(key)])
            posted._mutable = False
            request.POST = posted
        return self.get_response(request)
