"""Pages of the conference documents: the term's list, the editor, the print (HTML preview and PDF),
submission, the signed scan and the stored files.

Whoever may view the term reads its documents (board staff read everything); starting, editing,
submitting and uploading the scan are the term's leader's while the term is open.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ballots.models import Ballot, BallotState
from blocs.documents import stored_file
from blocs.selectors import next_leadership
from blocs.views.common import GET_POST, Confirmation, confirmed_action, errors_to_messages
from conferences import document_forms as forms
from conferences import printing
from conferences.models import Document, DocumentKind
from conferences.permissions import (
    can_edit_documents,
    can_upload_scan,
    get_document_for_user,
    get_term_for_user,
)
from conferences.services import documents as services
from conferences.services.documents import CLOSING_KINDS

# The kinds started once per term, in the order of the year; count minutes are per closed ballot.
TERM_KINDS = [
    DocumentKind.REPORT_MIDYEAR,
    DocumentKind.REPORT_YEAREND,
    DocumentKind.MINUTES,
    DocumentKind.PROPOSAL,
]
KIND_LABELS = dict(DocumentKind.choices)
FILES = {"pdf": ("pdf", "van-ban"), "signed": ("signed_scan", "van-ban-da-ky")}
NOT_READY = "Mẫu in của loại văn bản này chưa sẵn sàng."


def _print_data(document: Document) -> dict | None:
    """The frozen build of a submitted document, a fresh one of a draft; None when its kind has no
    builder yet."""
    if document.kind not in printing.BUILDERS:
        return None
    return printing.frozen(document) if document.is_submitted else printing.build(document)


# The term's documents ---------------------------------------------------------------------------


@require_GET
def documents(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = get_term_for_user(request, term_pk)
    existing = list(Document.objects.filter(term=term).select_related("ballot").order_by("kind", "pk"))
    by_kind = {d.kind: d for d in existing if d.ballot_id is None}
    by_ballot = {d.ballot_id: d for d in existing if d.ballot_id is not None}
    rows = [{"kind": kind, "label": KIND_LABELS[kind], "document": by_kind.get(kind)} for kind in TERM_KINDS]
    ballots = [
        {"ballot": b, "document": by_ballot.get(b.pk)}
        for b in Ballot.objects.filter(term=term).order_by("created_at", "pk")
        if b.state == BallotState.CLOSED or b.pk in by_ballot
    ]
    context = {
        "term": term,
        "rows": rows,
        "ballots": ballots,
        "can_edit": can_edit_documents(request.user, term),
        "leadership_changes": _changed_after_minutes(term, by_kind.get(DocumentKind.MINUTES)),
    }
    return render(request, "conferences/document_list.html", context)


def _changed_after_minutes(term, minutes: Document | None) -> list:
    """Changes board staff made to next year's leadership after the minutes that print it were sent."""
    if minutes is None or not minutes.is_submitted:
        return []
    recorded = next_leadership(term)
    return [c for c in recorded.changes if c.at > minutes.submitted_at] if recorded else []


@require_POST
def document_start(request: HttpRequest, term_pk: int, kind: str) -> HttpResponse:
    if kind not in DocumentKind.values:
        raise Http404
    term = get_term_for_user(request, term_pk)
    if not can_edit_documents(request.user, term):
        raise PermissionDenied
    ballot = None
    if kind == DocumentKind.COUNT_MINUTES:
        raw = request.POST.get("ballot") or request.GET.get("ballot") or ""
        pk = int(raw) if raw.isdecimal() and len(raw) < 19 else None  # not isdigit(): int() refuses "²"
        ballot = Ballot.objects.filter(pk=pk, term=term).first() if pk is not None else None
    try:
        document = services.document_start(term=term, kind=kind, ballot=ballot, by=request.user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("conferences:documents", term.pk)
    messages.success(request, f"Đã tạo dự thảo {KIND_LABELS[kind].lower()}.")
    return redirect("conferences:document", document.pk)


# One document -----------------------------------------------------------------------------------


def _initial(document: Document) -> dict:
    sections = document.sections or {}
    return {
        "number": document.number,
        "place": document.place,
        "date": document.date,
        "lock_version": document.lock_version,
        **{f"s_{key}": value for key, value in sections.items()},
    }


@GET_POST
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor (the leader, while the document is a draft) and otherwise the document's page."""
    document = get_document_for_user(request, pk)
    term = document.term
    can_edit = can_edit_documents(request.user, term) and not document.is_submitted
    data = request.POST if request.method == "POST" else None
    form = forms.DocumentForm(data, initial=_initial(document), kind=document.kind, year=term.year)
    if request.method == "POST":
        if not can_edit_documents(request.user, term):
            raise PermissionDenied
        if not can_edit:
            messages.error(request, "Văn bản đã gửi Ban Thi đua – Khen thưởng, không sửa được nữa.")
            return redirect("conferences:document", document.pk)
        if form.is_valid():
            try:
                services.document_update(
                    document=document, data=form.to_data(),
                    lock_version=form.cleaned_data["lock_version"], by=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Đã lưu văn bản.")
                return redirect("conferences:document", document.pk)
    context = {
        "document": document,
        "term": term,
        "form": form,
        "sections": [form[name] for _key, name in form.section_names],
        "can_edit": can_edit,
        "can_submit": can_edit,
        "can_scan": can_edit_documents(request.user, term)
        and document.is_submitted
        and not document.signed_scan,
        "missing": services.missing_for_submit(document) if can_edit else [],
    }
    return render(request, "conferences/document_edit.html", context, status=400 if form.errors else 200)


@require_GET
def document_preview(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request, pk)
    data = _print_data(document)
    if data is None:
        messages.error(request, NOT_READY)
        return redirect("conferences:document", document.pk)
    back = reverse("conferences:document", args=[document.pk])
    html = printing.render_html(
        data, kind=document.kind, draft=not document.is_submitted, preview=True, back=back
    )
    return HttpResponse(html)


@require_GET
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A submitted document's stored PDF (never re-rendered), or the draft rendered now with its mark."""
    document = get_document_for_user(request, pk)
    if document.is_submitted:
        return document_file(request, pk, "pdf")
    data = _print_data(document)
    if data is None:
        messages.error(request, NOT_READY)
        return redirect("conferences:document", document.pk)
    response = HttpResponse(
        printing.render(data, kind=document.kind, draft=True), content_type="application/pdf"
    )
    name = f"du-thao-{document.kind.replace('_', '-')}-{document.term.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@GET_POST
def document_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Sending a document to the board, after its confirmation page."""
    document = get_document_for_user(request, pk, write=True)

    def act() -> HttpResponse:
        sent = services.document_submit(document=document, by=request.user)
        message = "Đã gửi văn bản; bản PDF đã được lưu."
        if not sent.term.is_open:
            year = sent.term.year
            message += f" Đã gửi đủ báo cáo, biên bản, tờ trình: năm thi đua {year} đã kết thúc."
        messages.success(request, message)
        return redirect("conferences:document", sent.pk)

    return confirmed_action(
        request, lambda: _submit_confirmation(document), act, error_prefix="Chưa gửi được văn bản: "
    )


def _submit_confirmation(document: Document) -> Confirmation:
    happens = [
        "Văn bản được in một lần và lưu lại kèm mã SHA-256; Ban Thi đua – Khen thưởng nhận được ngay.",
    ]
    if document.kind in CLOSING_KINDS:
        happens.append(
            "Khi đã gửi đủ báo cáo tổng kết, biên bản họp bình xét và tờ trình, năm thi đua "
            f"{document.term.year} kết thúc và chỉ còn để xem."
        )
    return Confirmation(
        title=f"Gửi văn bản: {KIND_LABELS.get(document.kind, document.get_kind_display())}",
        happens=happens,
        final="Văn bản đã gửi không sửa được nữa.",
        submit="Gửi văn bản",
        back=reverse("conferences:document", args=[document.pk]),
    )


@GET_POST
def document_scan(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_for_user(request, pk)
    if not can_upload_scan(request.user, document):
        raise PermissionDenied
    if not document.is_submitted or document.signed_scan:
        messages.error(
            request,
            "Văn bản đã có bản ký."
            if document.signed_scan
            else "Chỉ tải bản ký lên sau khi văn bản đã được gửi.",
        )
        return redirect("conferences:document", document.pk)
    form = forms.ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_scan(document=document, scan=form.cleaned_data["scan"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu bản ký của văn bản.")
            return redirect("conferences:document", document.pk)
    context = {"document": document, "term": document.term, "form": form}
    return render(request, "conferences/document_scan.html", context, status=400 if form.errors else 200)


@require_GET
def document_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Stored files go out only through here, to those who may see the term."""
    document = get_document_for_user(request, pk)
    field, stem = FILES.get(kind, ("", ""))
    name = f"{stem}-{document.kind.replace('_', '-')}-{document.term.year}.pdf"
    frozen = (document.sha256, document.submitted_at) if kind == "pdf" else None
    return stored_file(request, document, field, filename=name, frozen=frozen)
