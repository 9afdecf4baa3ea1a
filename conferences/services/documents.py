"""The conference documents (reports, minutes, proposal): started by the leader, written as a
narrative by sections, submitted once (frozen, printed, stored with its SHA-256), then completed
by the signed scan. Submitting the last of the year-end report, the minutes and the proposal closes
the term, in the same transaction: the outgoing leader keeps the leader's rights until then.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Agreement
from ballots.models import Ballot, BallotKind, BallotState
from blocs.audit import audit_record, check_version, ensure_term_open, locked, save_changes
from blocs.documents import ensure_printed, freeze, render_then_freeze
from blocs.forms import no_control_chars
from blocs.models import Role, Term, User
from blocs.services import term_close
from blocs.uploads import validate_pdf_upload
from conferences import printing
from conferences.models import Document, DocumentKind, DocumentStatus
from scoring.models import CriteriaSet, ScoringState

K = DocumentKind
MAX_SECTION = 20000
MAX_NUMBER = 60
MAX_PLACE = 100
# Submitting the last of these closes the term (the year's file sent to the board).
CLOSING_KINDS = (K.REPORT_YEAREND, K.MINUTES, K.PROPOSAL)
FIELDS = ["number", "place", "date", "sections"]


def sections_of(kind: str, year: int) -> list[tuple[str, str]]:
    """The narrative sections a kind has, in print order, with the editor's labels."""
    if kind == K.REPORT_YEAREND:
        return [
            ("situation", "I. Tình hình chung"),
            ("results", "II. Kết quả thực hiện"),
            ("limitations", "Hạn chế, nguyên nhân"),
            ("direction", f"Phương hướng, nhiệm vụ năm {year + 1}"),
            ("proposals", "Kiến nghị, đề xuất"),
        ]
    if kind == K.REPORT_MIDYEAR:
        return [
            ("situation", "I. Tình hình chung"),
            ("results", "II. Kết quả thực hiện 6 tháng đầu năm"),
            ("limitations", "Hạn chế, nguyên nhân"),
            ("direction", "Nhiệm vụ 6 tháng cuối năm"),
        ]
    return [("notes", "Ghi chú, nội dung bổ sung")]


def section_keys(kind: str) -> list[str]:
    return [key for key, _ in sections_of(kind, 2000)]


# Reads ------------------------------------------------------------------------------------------


def document_for(*, term: Term, kind: str, ballot: Ballot | None = None) -> Document | None:
    return Document.objects.filter(term=term, kind=kind, ballot=ballot).first()


def _text_problem(value: str) -> str | None:
    """The message for control or direction characters in the text (blocs.forms), else None."""
    try:
        no_control_chars(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def clean_data(*, kind: str, year: int, data: dict) -> dict:
    """The editable fields as stored: text stripped, line breaks normalised, unknown sections refused.

    Raises ValidationError with a message per field ("sections.<key>" for a section)."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name, limit in (("number", MAX_NUMBER), ("place", MAX_PLACE)):
        if name in data:
            value = data[name] if isinstance(data[name], str) else ""
            value = value.strip()
            if len(value) > limit:
                errors[name] = f"Tối đa {limit} ký tự."
            elif problem := _text_problem(value):
                errors[name] = problem
            cleaned[name] = value
    if "date" in data:
        day = data["date"]
        if day is not None and not isinstance(day, date):
            errors["date"] = "Ngày không hợp lệ."
        elif day is not None and abs(day.year - year) > 1:
            errors["date"] = f"Ngày văn bản phải trong năm {year} hoặc năm liền kề."
        cleaned["date"] = day
    if "sections" in data:
        keys = section_keys(kind)
        sections = data["sections"] if isinstance(data["sections"], dict) else None
        if sections is None or set(sections) - set(keys):
            errors["sections"] = "Văn bản này không có mục đó."
            sections = {}
        cleaned["sections"] = {}
        for key in keys:
            value = sections.get(key, "")
            value = value if isinstance(value, str) else ""
            value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
            if len(value) > MAX_SECTION:
                errors[f"sections.{key}"] = f"Tối đa {MAX_SECTION} ký tự (hiện có {len(value)})."
            elif problem := _text_problem(value):
                errors[f"sections.{key}"] = problem
            cleaned["sections"][key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def missing_for_submit(document: Document) -> list[str]:
    """What keeps the document from being submitted, as messages for the leader (empty: ready)."""
    term, kind = document.term, document.kind
    problems = []
    if not term.memberships.filter(role=Role.LEADER).exists():
        problems.append(f"Khối chưa có trưởng khối năm {term.year}.")
    if document.date is None:
        problems.append("Chưa ghi ngày văn bản.")
    if not document.place.strip():
        problems.append("Chưa ghi địa danh (ví dụ “Quảng Ngãi”).")
    if kind in (K.REPORT_YEAREND, K.REPORT_MIDYEAR):
        labels = dict(sections_of(kind, term.year))
        for key in section_keys(kind):
            if not (document.sections or {}).get(key, "").strip():
                problems.append(f"Chưa viết mục “{labels[key]}”.")
    if kind in (K.REPORT_YEAREND, K.MINUTES, K.PROPOSAL):
        problems += _scoring_and_vote_problems(term)
    if kind == K.COUNT_MINUTES and document.ballot.state != BallotState.CLOSED:
        problems.append(f"Cuộc bỏ phiếu “{document.ballot.title}” chưa kết thúc.")
    if kind not in printing.BUILDERS:
        return [*problems, "Mẫu in của loại văn bản này chưa sẵn sàng."]
    # A kind may add what its own document needs (e.g. the conference's time and place).
    if kind in printing.CHECKS:
        problems += list(printing.CHECKS[kind](document))
    return problems


def _scoring_and_vote_problems(term: Term) -> list[str]:
    """The year-end report, the minutes and the proposal print the scores and the vote: scoring
    locked, every ballot closed, no tie left without its run-off."""
    problems = []
    criteria_set = CriteriaSet.objects.filter(term=term).only("state").first()
    if criteria_set is None or criteria_set.state != ScoringState.LOCKED:
        problems.append("Chưa khóa chấm điểm.")
    ballots = list(Ballot.objects.filter(term=term).order_by("created_at", "pk"))
    if not ballots:
        problems.append("Chưa có cuộc bỏ phiếu bình xét, suy tôn nào.")
    runoff_of = {b.runoff_of_id for b in ballots if b.kind == BallotKind.RUNOFF}
    for ballot in ballots:
        if ballot.state != BallotState.CLOSED:
            problems.append(f"Cuộc bỏ phiếu “{ballot.title}” chưa kết thúc.")
        elif (ballot.result or {}).get("tie") and ballot.pk not in runoff_of:
            problems.append(f"Cuộc bỏ phiếu “{ballot.title}” còn đồng phiếu, chưa bầu lại.")
    return problems


# Writes -----------------------------------------------------------------------------------------


def _locked(document: Document) -> Document:
    return locked(Document, document.pk, related=("term__bloc", "ballot"))


def _ensure_draft(document: Document) -> None:
    if document.is_submitted:
        raise ValidationError("Văn bản đã gửi Ban Thi đua – Khen thưởng, không sửa được nữa.")
    ensure_term_open(document.term)


def _by(by: User | None) -> User | None:
    return by if by is not None and by.is_authenticated else None


def _state(document: Document) -> dict:
    return {
        "number": document.number,
        "place": document.place,
        "date": document.date.isoformat() if document.date else None,
        "sections": dict(document.sections or {}),
    }


@transaction.atomic
def document_start(*, term: Term, kind: str, ballot: Ballot | None = None, by: User | None) -> Document:
    """Open the draft of one of the term's documents; a kind once per term (count minutes: per ballot)."""
    term = Term.objects.select_for_update().select_related("bloc").get(pk=term.pk)
    ensure_term_open(term)
    if kind not in K.values:
        raise ValidationError("Loại văn bản không hợp lệ.")
    if kind == K.COUNT_MINUTES:
        if ballot is None or ballot.term_id != term.pk:
            raise ValidationError("Chọn cuộc bỏ phiếu của khối năm nay để lập biên bản kiểm phiếu.")
    elif ballot is not None:
        raise ValidationError("Chỉ biên bản kiểm phiếu gắn với một cuộc bỏ phiếu.")
    if not term.memberships.filter(role=Role.LEADER).exists():
        raise ValidationError(f"Khối chưa có trưởng khối năm {term.year}.")
    if document_for(term=term, kind=kind, ballot=ballot) is not None:
        raise ValidationError("Khối đã có văn bản này; mở văn bản đó để sửa.")
    agreement = Agreement.objects.current().filter(term=term).only("place").first()
    place = agreement.place if agreement is not None else ""
    try:
        with transaction.atomic():
            document = Document.objects.create(
                term=term,
                kind=kind,
                ballot=ballot,
                place=place,
                sections=dict.fromkeys(section_keys(kind), ""),
                updated_by=_by(by),
            )
    except IntegrityError as exc:  # started by someone else at the same moment
        raise ValidationError("Khối đã có văn bản này; mở văn bản đó để sửa.") from exc
    audit_record(
        actor=by,
        action="document.start",
        obj=document,
        term=term,
        new={"kind": kind, "ballot": ballot.pk if ballot else None, **_state(document)},
    )
    return document


@transaction.atomic
def document_update(*, document: Document, data: dict, lock_version: int | None, by: User | None) -> Document:
    """Save the draft's number, place, date and narrative sections (those in `data`)."""
    document = _locked(document)
    _ensure_draft(document)
    check_version(document.lock_version, lock_version)
    cleaned = clean_data(kind=document.kind, year=document.term.year, data=data)
    save_changes(
        document,
        values=cleaned,
        by=by,
        action="document.update",
        term=document.term,
        touch={"updated_at": timezone.now(), "updated_by": _by(by)},
    )
    return document


def _ensure_ready(document: Document) -> None:
    ensure_term_open(document.term)
    problems = missing_for_submit(document)
    if problems:
        raise ValidationError(problems)


def document_submit(*, document: Document, by: User | None) -> Document:
    """Freeze the document: build it, print it once, store the PDF with its SHA-256. Submitting a
    submitted document changes nothing. The last of the year-end report, the minutes and the
    proposal closes the term. The PDF renders before any row is locked, and again if what the
    document prints changed meanwhile (blocs.documents.render_then_freeze)."""
    document = Document.objects.select_related("term__bloc", "ballot").get(pk=document.pk)
    if document.is_submitted:
        return document
    _ensure_ready(document)

    def commit(printed: dict, pdf: bytes) -> Document:
        # The term first (as document_start does): submissions of one term are serialised, so the
        # last of the three sees the other two and closes the term even when sent at the same moment.
        Term.objects.select_for_update().only("pk").get(pk=document.term_id)
        locked = _locked(document)
        if locked.is_submitted:
            return locked
        _ensure_ready(locked)
        ensure_printed(printed, printing.build(locked))
        freeze(
            locked, payload=printing.PAYLOADS[locked.kind].dump(printed), pdf=pdf,
            file_field="pdf", filename=f"{locked.kind}.pdf", hash_field="sha256",
            values={
                "status": DocumentStatus.SUBMITTED, "submitted_at": timezone.now(), "submitted_by": _by(by)
            },
            by=by, action="document.submit", term=locked.term, old={"status": DocumentStatus.DRAFT},
            new=lambda: {"status": DocumentStatus.SUBMITTED, "sha256": locked.sha256, "pdf": locked.pdf.name},
        )  # fmt: skip
        _close_when_complete(locked, by=by)
        return locked

    return render_then_freeze(
        printing.build(document),
        render=lambda printed: printing.render(printed, kind=document.kind, draft=False),
        commit=commit,
    )


def _close_when_complete(document: Document, *, by: User | None) -> None:
    """Close the term when `document` was the last of the year-end report, minutes and proposal."""
    term = document.term
    if document.kind not in CLOSING_KINDS:
        return
    sent = set(
        Document.objects.filter(
            term=term, kind__in=CLOSING_KINDS, status=DocumentStatus.SUBMITTED
        ).values_list("kind", flat=True)
    )
    if sent == set(CLOSING_KINDS):
        term_close(term=term, by=by, reason=f"Đã gửi báo cáo, biên bản, tờ trình năm {term.year}")
        document.term.refresh_from_db()


@transaction.atomic
def document_scan(*, document: Document, scan, by: User | None) -> Document:
    """Attach the scan of the signed paper (a PDF, checked by content) to a submitted document, once."""
    document = _locked(document)
    if not document.is_submitted:
        raise ValidationError("Chỉ tải bản ký lên sau khi văn bản đã được gửi.")
    if document.signed_scan:
        raise ValidationError("Văn bản đã có bản ký.")
    validate_pdf_upload(scan)
    document.signed_scan.save(f"{document.kind}-signed.pdf", scan, save=False)
    document.save(update_fields=["signed_scan"])
    audit_record(
        actor=by,
        action="document.scan",
        obj=document,
        term=document.term,
        new={"signed_scan": document.signed_scan.name},
    )
    return document
