"""Printed documents of the conferences: each kind has a builder that gathers, from the term's data
and the document's narrative, everything the document prints (a JSON-serialisable dict typed in
`payloads`: the names, titles and figures as printed), and a template under templates/pdf/. A draft
prints from a fresh build with a DỰ THẢO mark; a submitted document is printed once from its frozen
build.

Every PDF goes through config.pdf.render_pdf (the one WeasyPrint helper, static files only).
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string

from conferences.models import Document, DocumentKind
from conferences.printing import minutes, proposal, reports
from conferences.printing.payloads import PAYLOADS
from config.pdf import render_pdf

K = DocumentKind
BUILDERS: dict[str, Callable[[Document], dict]] = {
    K.REPORT_YEAREND: reports.yearend,
    K.REPORT_MIDYEAR: reports.midyear,
    K.MINUTES: minutes.vote_minutes,
    K.COUNT_MINUTES: minutes.count_minutes,
    K.PROPOSAL: proposal.proposal,
}
# What a kind needs, beyond the documents service's own checks, before it can be submitted.
CHECKS: dict[str, Callable[[Document], list[str]]] = {
    K.MINUTES: minutes.missing_for_submit,
    K.COUNT_MINUTES: minutes.missing_for_submit,
    K.PROPOSAL: proposal.missing_for_submit,
}


def build(document: Document) -> dict:
    """What `document` prints, gathered now (drafts, and the moment of submission)."""
    return PAYLOADS[document.kind].load(BUILDERS[document.kind](document))


def frozen(document: Document) -> dict:
    """What a submitted `document` printed, as frozen then."""
    return PAYLOADS[document.kind].load(document.frozen)


def render_html(data: dict, *, kind: str, draft: bool, preview: bool = False, back: str = "") -> str:
    context = {"data": data, "draft": draft, "preview": preview, "back": back}
    return render_to_string(f"pdf/{kind}.html", context)


def render(data: dict, *, kind: str, draft: bool) -> bytes:
    return render_pdf(render_html(data, kind=kind, draft=draft))
