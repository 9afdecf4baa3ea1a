"""The one pipeline of the printed documents every app freezes (the agreement, the conferences'
reports, minutes and proposal): the words and hash they share, the shape of a frozen payload, the
freeze itself, and the one response that hands a stored file out.

A document is frozen in two steps, so that WeasyPrint (0.2-1 s) never runs while a row is locked:
`render_then_freeze` renders what the document prints with no transaction open, then locks and
rebuilds it; when someone changed it in between, it renders the new one (the locks released first)
and tries again. What is stored is always the PDF of the very payload stored beside it.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, NotRequired, Union, cast, get_args, get_origin, get_type_hints, is_typeddict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from blocs.audit import audit_record
from blocs.models import Term, User

# Someone kept changing what the document prints while it rendered; rare enough to ask for a retry.
BUSY = "Nội dung vừa được người khác sửa trong lúc in. Hãy thử lại."
RENDER_ATTEMPTS = 3


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def vn_date(place: str, day: date | None) -> str:
    """ "Quảng Ngãi, ngày 05 tháng 01 năm 2024": a leading zero for days below 10 and months 1 and 2."""
    if day is None:
        text = "ngày … tháng … năm …"
    else:
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()


# The shape of a frozen payload ------------------------------------------------------------------


class PayloadError(ValueError):
    """A payload that does not have its kind's shape."""


class Shape[T]:
    """A kind's frozen payload: a TypedDict (plain JSON, as stored and as the templates read it),
    checked key by key and type by type when it is loaded, so that a builder that prints a new field
    says so in its type, and every payload stored before keeps loading."""

    def __init__(self, typed: type[T]) -> None:
        self.typed = typed

    def load(self, data: object) -> T:
        _check(self.typed, data, self.typed.__name__)
        return cast(T, data)

    def dump(self, payload: T) -> dict:
        return dict(self.load(payload))


def _check(hint: Any, value: object, where: str) -> None:
    if hint is Any:
        return
    if is_typeddict(hint):
        _check_typeddict(hint, value, where)
        return
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        for option in args:
            try:
                _check(option, value, where)
            except PayloadError:
                continue
            return
        raise PayloadError(f"{where}: {value!r} is not {hint}")
    if origin is list:
        if not isinstance(value, list):
            raise PayloadError(f"{where}: expected a list")
        for i, item in enumerate(value):
            _check(args[0], item, f"{where}[{i}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise PayloadError(f"{where}: expected an object")
        for key, item in value.items():
            _check(args[1], item, f"{where}.{key}")
        return
    expected = type(None) if hint is None else hint
    # Python counts a bool as an int; in a payload True is not a count, nor 1 a flag.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise PayloadError(f"{where}: {value!r} is not {getattr(expected, '__name__', expected)}")


@cache
def _fields(typed: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's hints and its optional keys, read from the hints: with postponed annotations
    `__required_keys__` cannot see NotRequired."""
    hints = get_type_hints(typed, include_extras=True)
    return hints, frozenset(key for key, hint in hints.items() if get_origin(hint) is NotRequired)


def _check_typeddict(typed: type, value: object, where: str) -> None:
    if not isinstance(value, dict):
        raise PayloadError(f"{where}: expected an object")
    hints, optional = _fields(typed)
    missing = hints.keys() - optional - value.keys()
    unknown = value.keys() - hints.keys()
    if missing or unknown:
        raise PayloadError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    for key, item in value.items():
        hint = hints[key]
        _check(get_args(hint)[0] if key in optional else hint, item, f"{where}.{key}")


# Freezing ---------------------------------------------------------------------------------------


class Reprint(Exception):
    """What the document prints changed between its render and the lock: print `payload` instead."""

    def __init__(self, payload: object) -> None:
        super().__init__("reprint")
        self.payload = payload


def ensure_printed[P](printed: P, current: P) -> None:
    """Under the lock: go on only when `current` (rebuilt now) is what was rendered."""
    if current != printed:
        raise Reprint(current)


def render_then_freeze[P, R](
    payload: P, *, render: Callable[[P], bytes], commit: Callable[[P, bytes], R]
) -> R:
    """Render `payload` before any lock is taken (call it outside a transaction), then run
    `commit(payload, pdf)` in one: it locks the rows, checks again, rebuilds the payload, calls
    `ensure_printed` and freezes. A `Reprint` rolls that transaction (or savepoint) back, which
    releases its row locks before the next render."""
    for _attempt in range(RENDER_ATTEMPTS):
        pdf = render(payload)
        try:
            with transaction.atomic():
                return commit(payload, pdf)
        except Reprint as changed:
            payload = cast(P, changed.payload)
    raise ValidationError(BUSY)


def freeze(
    obj: Model,
    *,
    payload: dict,
    pdf: bytes,
    file_field: str,
    filename: str,
    hash_field: str,
    values: dict,
    by: User | None,
    action: str,
    term: Term,
    old: dict,
    new: Callable[[], dict],
) -> None:
    """Store the payload in `obj.frozen`, the PDF in `file_field` (under its upload_to) with its
    SHA-256 in `hash_field`, set `values` (status, who and when), save with lock_version + 1 and write
    the audit event (`new` is read after the save: it may name the stored file). In the caller's
    transaction, with the row locked."""
    obj.frozen = payload
    setattr(obj, hash_field, sha256(pdf))
    getattr(obj, file_field).save(filename, ContentFile(pdf), save=False)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.lock_version += 1
    obj.save()
    audit_record(actor=by, action=action, obj=obj, term=term, old=old, new=new())


# Handing a stored file out ----------------------------------------------------------------------


def stored_file(
    request: HttpRequest,
    obj: Model,
    field: str,
    *,
    filename: str,
    frozen: tuple[str, datetime] | None = None,
) -> HttpResponse:
    """The PDF stored in `obj`'s file `field` as a download; 404 when there is none (or no such
    field). A frozen one, given as (its SHA-256, when it was frozen), is stored once and never
    re-rendered: its validators let clients keep their copy (304)."""
    stored = getattr(obj, field, None) if field else None
    if not stored:
        raise Http404
    if frozen is not None:
        etag, modified = f'"{frozen[0]}"', frozen[1].timestamp()
        cached = get_conditional_response(request, etag=etag, last_modified=int(modified))
        if cached is not None:
            return cached
    response = FileResponse(
        stored.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    if frozen is not None:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified)
        response["Cache-Control"] = "private, no-cache"
    return response
