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
