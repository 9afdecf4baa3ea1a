"""Writes of the agreements app: one transaction each, with its audit event.

A final or signed agreement is never changed: every write below starts by locking the row and
checking that it is still the term's current draft.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from agreements import printing
from agreements.models import Agreement, AgreementStatus, Commitment, Registration, Target
from blocs.audit import STALE, audit_record, check_version, ensure_term_open, locked, save_changes, snapshot
from blocs.documents import ensure_printed, freeze, render_then_freeze
from blocs.models import Membership, Term, User
from blocs.services import term_require_leader
from blocs.uploads import validate_pdf_upload
from province import catalogue

CONTENT_FIELDS = [
    "title",
    "number",
    "basis",
    "theme",
    "place",
    "venue",
    "conference_date",
    "copies",
    "closing_text",
]


def _locked(agreement: Agreement) -> Agreement:
    """The agreement with its term and bloc, all three locked (as a plain select_for_update of the
    join locks them): a term cannot close while its agreement changes."""
    return locked(Agreement, agreement.pk, related=("term__bloc",), of=("self", "term", "term__bloc"))


def _ensure_draft(agreement: Agreement) -> None:
    if agreement.is_superseded:
        raise ValidationError(f"Phiên bản {agreement.version} đã được thay thế; chỉ còn để xem.")
    if not agreement.is_draft:
        raise ValidationError(
            "Giao ước đã hoàn thiện, không sửa được. Muốn thay đổi, trưởng khối mở phiên bản mới."
        )
    ensure_term_open(agreement.term)


def _bump(agreement: Agreement) -> None:
    agreement.lock_version += 1
    agreement.save(update_fields=["lock_version"])


# Codes are read off paper and typed by people: no 0/O, 1/I/L, no "-" or "_" (a hyphen at the end
# of a printed line reads as a word break). 16 characters of 31 symbols: about 79 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """What a person typed, as stored: upper case, spaces and dashes dropped."""
    return "".join(text.split()).replace("-", "").upper()


def default_closing_text(year: int) -> str:
    return (
        f"Giao ước có hiệu lực từ ngày ký đến hết ngày 31/12/{year}. Các cơ quan, đơn vị thành viên "
        "tổ chức quán triệt, triển khai thực hiện; kết quả thực hiện giao ước là căn cứ để chấm điểm, "
        "bình xét thi đua cuối năm."
    )


@transaction.atomic
def agreement_start(*, term: Term, by: User | None) -> Agreement:
    """Open the term's first draft. The term must be open and have a leader."""
    term = locked(Term, term.pk, related=("bloc",), of=("self", "bloc"))
    ensure_term_open(term)
    term_require_leader(term)
    if term.agreements.exists():
        raise ValidationError("Khối đã có giao ước năm nay.")
    agreement = Agreement.objects.create(
        term=term,
        title=f"Giao ước thi đua năm {term.year}",
        copies=term.memberships.count() + 1,
        closing_text=default_closing_text(term.year),
    )
    audit_record(
        actor=by, action="agreement.start", obj=agreement, term=term, new=snapshot(agreement, CONTENT_FIELDS)
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, data: dict, lock_version: int | None, by: User | None
) -> Agreement:
    agreement = _locked(agreement)
    _ensure_draft(agreement)
    check_version(agreement.lock_version, lock_version)
    values = {field: data[field] for field in CONTENT_FIELDS if field in data}
    save_changes(agreement, values=values, by=by, action="agreement.update", term=agreement.term)
    return agreement


@transaction.atomic
def attachment_set(*, agreement: Agreement, kind: str, upload, by: User | None) -> Agreement:
    """Attach the bloc's operating rules ("rules") or the year's plan ("plan") as a PDF."""
    if kind not in ("rules", "plan"):
        raise ValidationError("Loại tài liệu không hợp lệ.")
    agreement = _locked(agreement)
    _ensure_draft(agreement)
    validate_pdf_upload(upload)
    field = f"{kind}_pdf"
    old = getattr(agreement, field).name or ""
    getattr(agreement, field).save(f"{kind}.pdf", upload, save=False)
    agreement.lock_version += 1
    agreement.save(update_fields=[field, "lock_version"])
    audit_record(
        actor=by,
        action=f"agreement.attach_{kind}",
        obj=agreement,
        term=agreement.term,
        old={field: old},
        new={field: getattr(agreement, field).name},
    )
    return agreement


# Commitments ------------------------------------------------------------------------------------


def _renumber(agreement: Agreement) -> None:
    for position, commitment in enumerate(agreement.commitments.order_by("position", "pk"), start=1):
        if commitment.position != position:
            commitment.position = position
            commitment.save(update_fields=["position"])


@transaction.atomic
def commitment_add(*, agreement: Agreement, text: str, by: User | None) -> Commitment:
    agreement = _locked(agreement)
    _ensure_draft(agreement)
    last = agreement.commitments.aggregate(last=Max("position"))["last"] or 0
    commitment = Commitment.objects.create(agreement=agreement, position=last + 1, text=text)
    _bump(agreement)
    audit_record(
        actor=by, action="commitment.add", obj=commitment, term=agreement.term,
        new={"position": commitment.position, "text": text},
    )  # fmt: skip
    return commitment


@transaction.atomic
def commitment_update(
    *, commitment: Commitment, text: str, lock_version: int | None, by: User | None
) -> Commitment:
    agreement = _locked(commitment.agreement)
    _ensure_draft(agreement)
    check_version(agreement.lock_version, lock_version)
    commitment = Commitment.objects.get(pk=commitment.pk)
    old = commitment.text
    if old == text:
        return commitment
    commitment.text = text
    commitment.save(update_fields=["text"])
    _bump(agreement)
    audit_record(
        actor=by, action="commitment.update", obj=commitment, term=agreement.term,
        old={"text": old}, new={"text": text},
    )  # fmt: skip
    return commitment


@transaction.atomic
def commitment_move(*, commitment: Commitment, offset: int, by: User | None) -> None:
    """Move one place up (offset -1) or down (+1)."""
    agreement = _locked(commitment.agreement)
    _ensure_draft(agreement)
    ordered = list(agreement.commitments.order_by("position", "pk"))
    index = next(i for i, c in enumerate(ordered) if c.pk == commitment.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _bump(agreement)
    audit_record(
        actor=by, action="commitment.move", obj=commitment, term=agreement.term,
        old={"position": index + 1}, new={"position": target + 1},
    )  # fmt: skip


@transaction.atomic
def commitment_remove(*, commitment: Commitment, by: User | None) -> None:
    agreement = _locked(commitment.agreement)
    _ensure_draft(agreement)
    old = {"position": commitment.position, "text": commitment.text}
    pk, repr_ = commitment.pk, str(commitment)
    commitment.delete()
    _renumber(agreement)
    _bump(agreement)
    audit_record(
        actor=by, action="commitment.remove", obj=agreement, term=agreement.term,
        old={**old, "commitment": pk}, reason=repr_,
    )  # fmt: skip


def previous_agreement(agreement: Agreement) -> Agreement | None:
    """Last year's latest agreement version of the same bloc."""
    return (
        Agreement.objects.filter(term__bloc_id=agreement.term.bloc_id, term__year=agreement.term.year - 1)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def commitments_copy_previous(*, agreement: Agreement, by: User | None) -> int:
    """Append last year's commitments to this draft; returns how many were copied."""
    agreement = _locked(agreement)
    _ensure_draft(agreement)
    source = previous_agreement(agreement)
    if source is None:
        raise ValidationError(f"Khối không có giao ước năm {agreement.term.year - 1} để sao chép.")
    texts = (source.frozen or {}).get("commitments") or list(
        source.commitments.order_by("position", "pk").values_list("text", flat=True)
    )
    if not texts:
        raise ValidationError(f"Giao ước năm {agreement.term.year - 1} không có nội dung nào.")
    last = agreement.commitments.aggregate(last=Max("position"))["last"] or 0
    Commitment.objects.bulk_create(
        [
            Commitment(agreement=agreement, position=last + i, text=text)
            for i, text in enumerate(texts, start=1)
        ]
    )
    _bump(agreement)
    audit_record(
        actor=by, action="commitment.copy_previous", obj=agreement, term=agreement.term,
        new={"from_agreement": source.pk, "count": len(texts)},
    )  # fmt: skip
    return len(texts)


# Registrations ----------------------------------------------------------------------------------


def registration_defaults(membership: Membership) -> dict:
    """A new registration's signatory defaults to the unit's head."""
    return {
        "signer_prefix": "",
        "signer_title": membership.unit.head_title,
        "signer_name": membership.unit.head_name,
    }


REGISTRATION_FIELDS = ["awards", "slogan", "signer_prefix", "signer_title", "signer_name"]


@transaction.atomic
def registration_save(
    *,
    agreement: Agreement,
    membership: Membership,
    data: dict,
    targets: list[tuple[str, Decimal, str]],
    lock_version: int | None,
    by: User | None,
) -> Registration:
    """Record a member's registration: awards, slogan, signatory and its targets (replaced whole)."""
    agreement = _locked(agreement)
    _ensure_draft(agreement)
    if membership.term_id != agreement.term_id:
        raise ValidationError("Đơn vị không là thành viên của khối năm này.")
    unknown = set(data.get("awards", [])) - set(catalogue.codes())
    if unknown:
        raise ValidationError("Danh hiệu, hình thức khen thưởng không hợp lệ.")
    registration = (
        Registration.objects.select_for_update().filter(agreement=agreement, membership=membership).first()
    )
    if registration is None:
        if lock_version not in (None, 0):
            raise ValidationError(STALE, code="stale")
        # Version 0 means "no registration yet"; the first save makes it 1, so that a second
        # person who also saw none is told the other one saved first.
        registration = Registration(agreement=agreement, membership=membership, lock_version=1)
        old = None
    else:
        check_version(registration.lock_version, lock_version)
        old = {
            **snapshot(registration, REGISTRATION_FIELDS),
            "targets": [[t.indicator, str(t.value), t.unit_of_measure] for t in registration.targets.all()],
        }
        registration.lock_version += 1
    for field in REGISTRATION_FIELDS:
        setattr(registration, field, data.get(field, getattr(registration, field)))
    registration.updated_at, registration.updated_by = (
        timezone.now(),
        by if by and by.is_authenticated else None,
    )
    registration.save()
    registration.targets.all().delete()
    Target.objects.bulk_create(
        [
            Target(
                registration=registration, position=i, indicator=indicator, value=value, unit_of_measure=uom
            )
            for i, (indicator, value, uom) in enumerate(targets, start=1)
        ]
    )
    new = {
        **snapshot(registration, REGISTRATION_FIELDS),
        "targets": [[indicator, str(value), uom] for indicator, value, uom in targets],
    }
    audit_record(
        actor=by, action="registration.save", obj=registration, term=agreement.term, old=old, new=new,
    )  # fmt: skip
    return registration


# Finalize, new version, sign --------------------------------------------------------------------


def missing_for_final(agreement: Agreement) -> list[str]:
    """What keeps the draft from being finalized, as messages for the leader."""
    problems = []
    if not agreement.title.strip():
        problems.append("Chưa có tiêu đề.")
    if not agreement.commitments.exists():
        problems.append("Chưa có nội dung thi đua nào.")
    registered = {
        r.membership_id: r
        for r in agreement.registrations.only("membership_id", "signer_name", "signer_title")
    }
    for m in agreement.term.memberships.with_unit_name().order_by("position"):
        reg = registered.get(m.pk)
        if reg is None:
            problems.append(f"{m.unit_name} chưa đăng ký.")
        elif not reg.has_signatory:
            problems.append(f"{m.unit_name} chưa ghi người ký (họ tên và chức vụ).")
    return problems


def _ensure_ready(agreement: Agreement) -> None:
    _ensure_draft(agreement)
    problems = missing_for_final(agreement)
    if problems:
        raise ValidationError(problems)


def agreement_finalize(*, agreement: Agreement, by: User | None) -> Agreement:
    """Freeze the draft, render its PDF once, store it with its SHA-256 and a verification code.

    The PDF renders before the row is locked, and again if the draft changed meanwhile
    (blocs.documents.render_then_freeze). Finalizing an agreement that is already final changes nothing.
    """
    agreement = Agreement.objects.select_related("term__bloc").get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        return agreement
    _ensure_ready(agreement)
    code = new_verification_code()

    def commit(printed: printing.Printed, pdf: bytes) -> Agreement:
        locked = _locked(agreement)
        if locked.status != AgreementStatus.DRAFT:
            return locked
        _ensure_ready(locked)
        ensure_printed(printed, printing.snapshot(locked))
        freeze(
            locked, payload=printing.PAYLOAD.dump(printed), pdf=pdf,
            file_field="final_pdf", filename="final.pdf", hash_field="final_sha256",
            values={
                "verification_code": code, "status": AgreementStatus.FINAL, "finalized_at": timezone.now(),
                "finalized_by": by if by and by.is_authenticated else None,
            },
            by=by, action="agreement.finalize", term=locked.term, old={"status": AgreementStatus.DRAFT},
            new=lambda: {
                "status": AgreementStatus.FINAL, "sha256": locked.final_sha256, "version": locked.version
            },
        )  # fmt: skip
        return locked

    return render_then_freeze(
        printing.snapshot(agreement),
        render=lambda printed: printing.render(printed, draft=False, code=code),
        commit=commit,
    )


@transaction.atomic
def agreement_new_version(*, agreement: Agreement, by: User | None, reason: str = "") -> Agreement:
    """Supersede a final or signed version with a new draft that copies its content and registrations."""
    agreement = _locked(agreement)
    if agreement.is_draft:
        raise ValidationError("Bản này vẫn là dự thảo; cứ sửa trực tiếp.")
    if agreement.is_superseded:
        raise ValidationError(f"Phiên bản {agreement.version} đã được thay thế.")
    ensure_term_open(agreement.term)
    agreement.superseded_at = timezone.now()
    agreement.save(update_fields=["superseded_at"])
    draft = Agreement.objects.create(
        term=agreement.term,
        version=agreement.version + 1,
        **{f: getattr(agreement, f) for f in CONTENT_FIELDS},
        rules_pdf=agreement.rules_pdf.name,
        plan_pdf=agreement.plan_pdf.name,
    )
    Commitment.objects.bulk_create(
        [Commitment(agreement=draft, position=c.position, text=c.text) for c in agreement.commitments.all()]
    )
    for reg in agreement.registrations.prefetch_related("targets"):
        copy = Registration.objects.create(
            agreement=draft, membership_id=reg.membership_id, updated_by=reg.updated_by,
            **{f: getattr(reg, f) for f in REGISTRATION_FIELDS},
        )  # fmt: skip
        Target.objects.bulk_create(
            [
                Target(registration=copy, position=t.position, indicator=t.indicator, value=t.value,
                       unit_of_measure=t.unit_of_measure)
                for t in reg.targets.all()
            ]
        )  # fmt: skip
    audit_record(
        actor=by, action="agreement.new_version", obj=draft, term=agreement.term,
        old={"version": agreement.version, "status": agreement.status},
        new={"version": draft.version}, reason=reason,
    )  # fmt: skip
    return draft


@transaction.atomic
def agreement_sign(*, agreement: Agreement, scan, signed_on: date, by: User | None) -> Agreement:
    """Record the signed paper: its scan (a PDF) and the signing date."""
    agreement = _locked(agreement)
    if agreement.is_superseded:
        raise ValidationError(f"Phiên bản {agreement.version} đã được thay thế.")
    if agreement.status == AgreementStatus.SIGNED:
        raise ValidationError("Giao ước đã có bản ký.")
    if agreement.status != AgreementStatus.FINAL:
        raise ValidationError("Chỉ tải bản ký lên sau khi giao ước đã hoàn thiện.")
    if signed_on > timezone.localdate():
        raise ValidationError("Ngày ký không được sau hôm nay.")
    if signed_on.year not in (agreement.term.year - 1, agreement.term.year):
        raise ValidationError(f"Ngày ký phải trong năm {agreement.term.year} (hoặc cuối năm trước).")
    validate_pdf_upload(scan)
    agreement.signed_scan.save("signed.pdf", scan, save=False)
    agreement.signed_on = signed_on
    agreement.signed_at = timezone.now()
    agreement.signed_by = by if by and by.is_authenticated else None
    agreement.status = AgreementStatus.SIGNED
    agreement.save()
    audit_record(
        actor=by, action="agreement.sign", obj=agreement, term=agreement.term,
        old={"status": AgreementStatus.FINAL},
        new={"status": AgreementStatus.SIGNED, "signed_on": signed_on.isoformat()},
    )  # fmt: skip
    return agreement
