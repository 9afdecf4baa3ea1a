"""What the hostile-input tests look at: the database's rows, the error messages a response shows,
and whether a message is Vietnamese."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
from django.apps import apps
from django.contrib.messages import constants, get_messages

PROJECT_APPS = ("blocs", "province", "agreements", "scoring", "ballots", "conferences", "board")
# Signing in stamps the user's last login: not a change the request made. The double-click guard
# (blocs/submits.py) keeps a receipt of every POST that ends in a redirect, refused or not.
IGNORED = {("blocs.User", "last_login")}
BOOKKEEPING = {"blocs.SubmitReceipt"}
VIETNAMESE = re.compile(
    "[ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]", re.IGNORECASE
)
ERROR_CLASSES = {"invalid-feedback", "alert-danger", "errorlist", "errornote"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def project_models() -> dict[str, type]:
    """The project's models by table name (the double-click guard's bookkeeping left out)."""
    return {
        model._meta.db_table: model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in BOOKKEEPING
    }


def db_rows(tables: set[str] | None = None) -> dict[str, dict]:
    """Every row of the project's models (of those tables only, if given) by model and pk, the
    user's last login left out."""
    state = {}
    for table, model in project_models().items():
        if tables is None or table in tables:
            label = model._meta.label
            fields = [f.attname for f in model._meta.concrete_fields if (label, f.attname) not in IGNORED]
            state[label] = {row["pk"]: row for row in model.objects.values("pk", *fields)}
    return state


def changed_rows(before: dict, after: dict) -> list[tuple[str, dict]]:
    return [
        (label, row)
        for label, rows in after.items()
        for pk, row in rows.items()
        if before.get(label, {}).get(pk) != row
    ]


def strings_in(value):
    """Every string inside a value (JSON fields hold dicts and lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def bad_stored_text(text: str) -> str | None:
    """Why a stored text is not acceptable, or None: NUL or other control characters, or not NFC."""
    if "\x00" in text:
        return "NUL"
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in text):
        return "control character"
    if not unicodedata.is_normalized("NFC", text):
        return "not NFC"
    return None


class _ErrorText(HTMLParser):
    """The text of every element whose class marks an error, and the page's whole text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.errors: list[str] = []
        self.text: list[str] = []
        self._stack: list[bool] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        is_error = bool(classes & ERROR_CLASSES)
        self._stack.append(is_error)
        if is_error:
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        if self._stack.pop():
            text = " ".join("".join(self._open.pop()).split())
            if text:
                self.errors.append(text)

    def handle_data(self, data):
        self.text.append(data)
        for parts in self._open:
            parts.append(data)


def page_errors(html: str) -> tuple[list[str], str]:
    parser = _ErrorText()
    parser.feed(html)
    parser.close()
    return parser.errors, " ".join(parser.text)


def error_messages(request) -> list[str]:
    return [str(m) for m in get_messages(request) if m.level >= constants.ERROR]


@cache
def english_messages() -> tuple[str, ...]:
    """Django's own English messages for forms, validators, models and auth (the part of each before
    its first placeholder): none may reach a page, translated or not."""
    root = Path(django.__file__).parent
    catalogues = [
        root / "conf/locale/en/LC_MESSAGES/django.po",
        root / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    ]
    sources = ("forms/", "core/validators.py", "db/models/", "contrib/auth/forms.py", "password_validation")
    found = set()
    for catalogue in catalogues:
        for block in catalogue.read_text(encoding="utf-8").split("\n\n"):
            refs = [line for line in block.splitlines() if line.startswith("#:")]
            if not any(source in ref for ref in refs for source in sources):
                continue
            head = block.split("\nmsgstr")[0].split("msgid ", 1)[-1]
            msgid = "".join(re.findall(r'^"(.*)"$', head, re.MULTILINE))
            for fragment in re.split(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}|“|”", msgid):
                fragment = fragment.strip(" .,:")
                if len(fragment) >= 14:
                    found.add(fragment)
    return tuple(sorted(found))


def english_in(text: str) -> list[str]:
    return [message for message in english_messages() if message in text]
