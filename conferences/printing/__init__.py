"""Printed documents of the conferences: each kind has a builder that gathers, from the term's data
and the document's narrative, everything the document prints (a JSON-serialisable dict: the names,
titles and figures as printed), and a template under templates/pdf/. A draft prints from a fresh
build with a DỰ THẢO mark; a submitted document is printed once from its frozen build.

Every PDF goes through config.pdf.render_pdf (the one WeasyPrint helper, static files only).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from config.pdf import render_pdf

BUILDERS = {
    "report_yearend": "conferences.printing.reports.yearend",
    "report_midyear": "conferences.printing.reports.midyear",
    "minutes": "conferences.printing.minutes.vote_minutes",
    "count_minutes": "conferences.printing.minutes.count_minutes",
    "proposal": "conferences.printing.proposal.proposal",
}


def build(document) -> dict:
    """What `document` prints, gathered now (drafts, and the moment of submission)."""
    return import_string(BUILDERS[document.kind])(document)


def render_html(data: dict, *, kind: str, draft: bool, preview: bool = False) -> str:
    return render_to_string(f"pdf/{kind}.html", {"data": data, "draft": draft, "preview": preview})


def render(data: dict, *, kind: str, draft: bool) -> bytes:
    return render_pdf(render_html(data, kind=kind, draft=draft))
