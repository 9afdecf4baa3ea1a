"""What the printed agreement shows, as a plain snapshot, and its rendering to HTML and PDF.

The same snapshot is frozen into a final agreement, so a later rename of a unit or a change of a
signatory never changes what was printed and signed.
"""

from __future__ import annotations

import json
from datetime import date
from io import BytesIO
from typing import TypedDict, cast

import segno
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from agreements.models import Agreement
from blocs.documents import Shape, sha256, vn_date
from blocs.numbers import grouped
from config.pdf import render_pdf
from config.site import site_url
from province import catalogue


class Target(TypedDict):
    indicator: str
    value: str
    unit_of_measure: str


class Member(TypedDict):
    position: int
    unit: str
    role: str
    awards: list[str]
    slogan: str
    targets: list[Target]
    signer_prefix: str
    signer_title: str
    signer_name: str
    registered: bool


class Printed(TypedDict):
    """What the agreement prints: the draft's snapshot, and a final agreement's `frozen`."""

    bloc: str
    year: int
    version: int
    title: str
    number: str
    basis: list[str]
    theme: str
    place: str
    venue: str
    conference_date: str | None
    copies: int | None
    closing_text: str
    commitments: list[str]
    members: list[Member]


PAYLOAD = Shape(Printed)


def snapshot(agreement: Agreement) -> Printed:
    """Everything the print shows, read in a fixed number of queries."""
    term = agreement.term
    registrations = {
        r.membership_id: r
        for r in agreement.registrations.prefetch_related("targets").order_by("membership__position")
    }
    members = []
    for m in term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"):
        reg = registrations.get(m.pk)
        members.append(
            {
                "position": m.position,
                "unit": m.unit_name,
                "role": m.role,
                "awards": [catalogue.label(code) for code in (reg.awards if reg else [])],
                "slogan": reg.slogan if reg else "",
                "targets": [
                    {
                        "indicator": t.indicator,
                        "value": grouped(t.value),
                        "unit_of_measure": t.unit_of_measure,
                    }
                    for t in (reg.targets.all() if reg else [])
                ],
                "signer_prefix": reg.signer_prefix if reg else "",
                "signer_title": reg.signer_title if reg else "",
                "signer_name": reg.signer_name if reg else "",
                "registered": reg is not None,
            }
        )
    printed: Printed = {
        "bloc": term.bloc.name,
        "year": term.year,
        "version": agreement.version,
        "title": agreement.title,
        "number": agreement.number,
        "basis": [_basis_line(line) for line in agreement.basis.splitlines() if line.strip()],
        "theme": agreement.theme,
        "place": agreement.place,
        "venue": agreement.venue,
        "conference_date": agreement.conference_date.isoformat() if agreement.conference_date else None,
        "copies": agreement.copies,
        "closing_text": agreement.closing_text,
        "commitments": list(agreement.commitments.order_by("position", "pk").values_list("text", flat=True)),
        "members": members,
    }
    # Checked against its shape when it is frozen (PAYLOAD.dump) and whenever a stored one is read,
    # not on every draft print: the check costs a draft PDF (served from the cache) a millisecond.
    return cast(Printed, printed)


def _basis_line(line: str) -> str:
    line = line.strip().rstrip(";.")
    return line if line.lower().startswith("căn cứ") else f"Căn cứ {line}"


def verification_url(code: str) -> str:
    return site_url().rstrip("/") + reverse("agreements:verify_code", args=[code])


def qr_svg(url: str) -> str:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=2, border=0, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def render_html(
    data: Printed, *, draft: bool, code: str | None = None, preview: bool = False, back: str = ""
) -> str:
    day = date.fromisoformat(data["conference_date"]) if data["conference_date"] else None
    context = {
        "a": data,
        "draft": draft,
        "preview": preview,
        "back": back,
        "date_line": vn_date(data["place"], day),
        "code": code,
        "verify_url": verification_url(code) if code else "",
        # segno writes the SVG itself from the URL; nothing user-typed goes into it.
        "qr": mark_safe(qr_svg(verification_url(code))) if code else "",  # noqa: S308
        "signature_rows": [data["members"][i : i + 2] for i in range(0, len(data["members"]), 2)],
    }
    return render_to_string("pdf/agreement.html", context)


def render(data: Printed, *, draft: bool, code: str | None = None) -> bytes:
    return render_pdf(render_html(data, draft=draft, code=code))


# A draft prints anew on every request, and every bloc prints on the same morning: the PDF is kept
# in the shared cache under the SHA-256 of the snapshot it prints, so that the same content renders
# once. Any change to what the draft prints is a new key; the time limit bounds how long a new
# print layout (a deployment) takes to reach drafts whose content did not change.
DRAFT_PDF_SECONDS = 600


def render_draft(data: Printed) -> bytes:
    digest = sha256(json.dumps(data, sort_keys=True, default=str).encode())
    key = f"agreement-draft-pdf:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render(data, draft=True)
        cache.set(key, pdf, DRAFT_PDF_SECONDS)
    return pdf
