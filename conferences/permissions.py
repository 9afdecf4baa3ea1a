"""Who may see and record a term's conferences and documents. Whoever may view the term reads them
(board staff read everything). The leader and the deputy record the conferences while the term is
open; the documents are the leader's alone (the deputy never submits), and board staff may add the
signed scan of a sent document at any time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from blocs import permissions as bloc_perms
from blocs.models import Term
from conferences.models import Document


def can_edit_conferences(user, term: Term) -> bool:
    """Record a conference and its attendance: the term's leader and deputy while the term is open."""
    return bloc_perms.can_edit_drafts(user, term)


def can_edit_documents(user, term: Term) -> bool:
    """Start, edit, submit, upload the scan: the term's leader while the term is open."""
    return bloc_perms.is_leader(user, term)


def can_upload_scan(user, document: Document) -> bool:
    """The leader while the term is open; board staff at any time, since sending the third document
    closes the term before its signed paper can come back."""
    return can_edit_documents(user, document.term) or bloc_perms.is_board(user)


def get_term_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Term:
    """The term whose conferences or documents are listed: 404 if the user may not see it, 403 if
    they may see it but `write` and may not record its conferences."""
    term = bloc_perms.get_term_for_user(request, pk)
    bloc_perms.resolve_membership(request.user, term)  # the user's role, read once for the page
    if write and not can_edit_conferences(request.user, term):
        raise PermissionDenied
    return term


def get_document_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Document:
    document = get_object_or_404(
        Document.objects.select_related("term__bloc", "term__supervisor", "ballot"), pk=pk
    )
    bloc_perms.resolve_membership(request.user, document.term)
    if not bloc_perms.can_view_term(request.user, document.term):
        raise Http404
    if write and not can_edit_documents(request.user, document.term):
        raise PermissionDenied
    return document
