"""Who may do what with an agreement. Rights come from the user's unit's role in the term."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from agreements.models import Agreement, AgreementStatus, Commitment
from blocs.models import Membership, Term
from blocs.permissions import can_edit_drafts, can_view_term, is_leader


def can_view_agreement(user, agreement: Agreement) -> bool:
    return can_view_term(user, agreement.term)


def is_current_draft(agreement: Agreement) -> bool:
    return agreement.is_draft and not agreement.is_superseded and agreement.term.is_open


def can_start_agreement(user, term: Term) -> bool:
    return can_edit_drafts(user, term)


def can_edit_agreement(user, agreement: Agreement) -> bool:
    """Leader and deputy edit the draft of an open term."""
    return is_current_draft(agreement) and can_edit_drafts(user, agreement.term)


def can_finalize(user, agreement: Agreement) -> bool:
    return is_current_draft(agreement) and is_leader(user, agreement.term)


def can_open_new_version(user, agreement: Agreement) -> bool:
    return not agreement.is_draft and not agreement.is_superseded and is_leader(user, agreement.term)


def can_sign(user, agreement: Agreement) -> bool:
    return (
        agreement.status == AgreementStatus.FINAL
        and not agreement.is_superseded
        and is_leader(user, agreement.term)
    )


def own_membership(user, term: Term) -> Membership | None:
    if not user.is_authenticated or user.unit_id is None:
        return None
    return term.memberships.filter(unit_id=user.unit_id).select_related("unit").first()


def can_register(user, agreement: Agreement, membership: Membership | None) -> bool:
    """A member's own users record its registration while the agreement is a draft."""
    return (
        membership is not None
        and membership.unit_id == user.unit_id
        and membership.term_id == agreement.term_id
        and is_current_draft(agreement)
    )


def get_agreement_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Agreement:
    """The agreement, or 404 if the user may not see its term, or 403 if they may not edit it."""
    agreement = get_object_or_404(Agreement.objects.select_related("term__bloc"), pk=pk)
    if not can_view_agreement(request.user, agreement):
        raise Http404
    if write and not can_edit_agreement(request.user, agreement):
        raise PermissionDenied
    return agreement


def get_commitment_for_user(request: HttpRequest, pk: int, cid: int) -> tuple[Agreement, Commitment]:
    """A commitment of a draft the user may edit, with its agreement."""
    agreement = get_agreement_for_user(request, pk, write=True)
    return agreement, get_object_or_404(Commitment, pk=cid, agreement=agreement)


def get_registration_page_for_user(request: HttpRequest, pk: int) -> tuple[Agreement, Membership]:
    """The agreement and the user's own membership, for its registration: 404 when the user's unit
    is not a member, 403 when the agreement no longer takes registrations."""
    agreement = get_agreement_for_user(request, pk)
    own = own_membership(request.user, agreement.term)
    if own is None:
        raise Http404
    if not can_register(request.user, agreement, own):
        if not is_current_draft(agreement):
            raise RegistrationClosed(agreement)
        raise PermissionDenied
    return agreement, own


class RegistrationClosed(PermissionDenied):
    """The member's registration page of an agreement that no longer takes registrations: the page
    says why (finalized, signed or replaced) instead of "no permission"."""

    def __init__(self, agreement: Agreement):
        super().__init__()
        self.agreement = agreement

    @property
    def message(self) -> str:
        if self.agreement.superseded_at is not None:
            return (
                f"Phiên bản {self.agreement.version} của giao ước đã được thay thế; đăng ký ở phiên bản mới."
            )
        if not self.agreement.term.is_open:
            return f"Năm thi đua {self.agreement.term.year} đã kết thúc; đăng ký chỉ còn để xem."
        status = self.agreement.get_status_display().lower()
        return f"Giao ước {status}: đăng ký của các đơn vị đã được chốt, không sửa được nữa."
