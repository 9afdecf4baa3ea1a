"""The conference documents: start once, edit with a version, submit once (frozen, printed, hashed),
what is missing listed, hostile text escaped, the signed scan, and the term closing when the year-end
report, the minutes and the proposal have all been submitted — and not before."""

from __future__ import annotations

import ast
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from agreements.models import Target
from ballots import services as ballot_services
from ballots.models import BallotKind
from blocs.documents import Shape
from blocs.models import AuditEvent, Role, Term
from blocs.services import leadership_elect
from conferences import printing
from conferences.models import Document, DocumentKind, DocumentStatus
from conferences.services import documents as docs
from config.pdf import render_pdf
from scoring import selectors, services
from scoring.models import CriteriaSet, CriterionKind
from scoring.services import Cell
from tests.agreements.test_pdf import Pdf
from tests.factories import make_agreement, make_criteria_set, make_term, make_user, unit_user
from tests.locks import record_locks

pytestmark = pytest.mark.django_db

K = DocumentKind
NARRATIVE = {
    "situation": "Khối duy trì sinh hoạt định kỳ hằng quý.",
    "results": "Các thành viên hoàn thành nhiệm vụ được giao.\nTổ chức 4 hoạt động chung.",
    "limitations": "Một số đơn vị gửi báo cáo chậm.",
    "direction": "Tiếp tục đẩy mạnh phong trào thi đua.",
    "proposals": "Đề nghị Ban Thi đua – Khen thưởng tỉnh tổ chức tập huấn.",
}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Building a scored year --------------------------------------------------------------------------


def scored_year(
    members: int = 6, *, criteria: int = 3, missing: int = 1, year: int = 2024, next_year: bool = True
):
    """A term with `members` members: the agreement with every member registered (targets for the
    first three), scoring locked with every member but the last `missing` submitted and reviewed by
    the leader, the leading unit's vote (online) and a Bằng khen vote (online, quota 2) closed, and
    next year's leader and deputy elected."""
    supervisor = make_user(full_name="Trần Thị Phụ Trách")
    term = make_term(
        year=year, members=members, supervisor=supervisor, supervisor_title="Phó Chủ tịch UBND tỉnh"
    )
    agreement = make_agreement(term)
    for reg in agreement.registrations.filter(membership__position__lte=3):
        Target.objects.create(
            registration=reg, position=1, indicator="Tỷ lệ giải quyết đơn thư", value=Decimal("95.5"),
            unit_of_measure="%",
        )  # fmt: skip
    criteria_set = make_criteria_set(term, criteria=criteria, state="open")
    scored = list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))
    bonus = criteria_set.criteria.get(kind=CriterionKind.BONUS)
    deduction = criteria_set.criteria.get(kind=CriterionKind.DEDUCTION)
    leader = unit_user(term, Role.LEADER)
    ordered = list(term.memberships.order_by("position"))
    for i, m in enumerate(ordered[: members - missing]):
        cells = {c.pk: Cell(points=Decimal(10) - Decimal(i % 7) / 2) for c in scored}
        cells[bonus.pk] = Cell(points=Decimal(i % 3))
        cells[deduction.pk] = Cell(points=Decimal(i % 2) / 2)
        sheet = services.sheet_save(
            criteria_set=criteria_set, membership=m, cells=cells, lock_version=None, by=None
        )
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
        review = services.leader_review_start(criteria_set=criteria_set, subject=m, by=leader)
        cells[scored[0].pk] = Cell(points=Decimal(6) + Decimal(i % 4) / 2, note="Thiếu minh chứng")
        services.review_save(sheet=review, cells=cells, lock_version=None, by=leader)
        services.review_submit(sheet=review, by=leader)
    # The explanation window closes before the lock (the lowered scores were accepted).
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())
    criteria_set.refresh_from_db()
    services.scoring_lock(criteria_set=criteria_set, by=leader)
    ranked = [m for m in selectors.ranking(criteria_set) if m.rank is not None]
    _vote(term, BallotKind.LEADING, "", 1, lambda i: [ranked[0]], leader)
    _vote(term, BallotKind.AWARD, "bk_tinh", 2, lambda i: ranked[1:3] if i % 3 else ranked[2:4], leader)
    if next_year:
        deputy = term.memberships.get(role=Role.DEPUTY).unit
        third = ordered[2].unit
        leadership_elect(
            term=term,
            leader=deputy,
            deputy=third,
            leader_chosen_by="elected",
            deputy_chosen_by="acclaimed",
            by=None,
        )
    term.refresh_from_db()
    return term, criteria_set


def _vote(term, kind, award, quota, choose, leader):
    ballot = ballot_services.ballot_create(term=term, kind=kind, award=award, quota=quota, by=leader)
    ballot_services.ballot_open(ballot=ballot, by=leader)
    candidates = {c.membership_id: c.pk for c in ballot.candidates.all()}
    for i, m in enumerate(term.memberships.order_by("position")):
        ids = [candidates[x.pk] for x in choose(i)]
        ballot_services.ballot_cast(ballot=ballot, membership=m, candidate_ids=ids, by=None)
    return ballot_services.ballot_close(ballot=ballot, by=leader)


def ready_report(term: Term, *, kind: str = K.REPORT_YEAREND, **sections) -> Document:
    """The leader's draft with every section written and a date and place."""
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=kind, by=leader)
    keys = docs.section_keys(kind)
    narrative = {k: v for k, v in (NARRATIVE | sections).items() if k in keys}
    return docs.document_update(
        document=document,
        data={
            "number": "05/BC-KTĐ",
            "place": "Quảng Ngãi",
            "date": date(term.year + 1, 1, 5),
            "sections": narrative,
        },
        lock_version=document.lock_version,
        by=leader,
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# Start and edit ----------------------------------------------------------------------------------


def test_a_document_is_started_once_per_kind_and_audited():
    term = make_term(members=3)
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=K.REPORT_YEAREND, by=leader)
    assert document.status == DocumentStatus.DRAFT and document.sections == dict.fromkeys(NARRATIVE, "")
    with pytest.raises(ValidationError, match="đã có văn bản này"):
        docs.document_start(term=term, kind=K.REPORT_YEAREND, by=leader)
    assert Document.objects.filter(term=term).count() == 1
    assert docs.document_for(term=term, kind=K.REPORT_YEAREND) == document
    assert docs.document_for(term=term, kind=K.REPORT_MIDYEAR) is None
    [event] = events("document.start")
    assert event.actor == leader and event.new["kind"] == K.REPORT_YEAREND and event.term == term


def test_count_minutes_need_a_ballot_of_the_term_and_others_none():
    term, _ = scored_year(4, next_year=False)
    other = make_term(year=2024, members=2)
    ballot = term.ballots.first()
    with pytest.raises(ValidationError, match="Chọn cuộc bỏ phiếu"):
        docs.document_start(term=term, kind=K.COUNT_MINUTES, by=None)
    with pytest.raises(ValidationError, match="Chọn cuộc bỏ phiếu"):
        docs.document_start(term=other, kind=K.COUNT_MINUTES, ballot=ballot, by=None)
    with pytest.raises(ValidationError, match="Chỉ biên bản kiểm phiếu"):
        docs.document_start(term=term, kind=K.MINUTES, ballot=ballot, by=None)
    assert docs.document_start(term=term, kind=K.COUNT_MINUTES, ballot=ballot, by=None).ballot == ballot
    with pytest.raises(ValidationError, match="Loại văn bản"):
        docs.document_start(term=term, kind="memo", by=None)


def test_a_closed_term_starts_no_document():
    term = make_term(members=2)
    Term.objects.filter(pk=term.pk).update(status="closed", closed_at="2025-01-31T00:00:00Z")
    term.refresh_from_db()
    with pytest.raises(ValidationError, match="đã kết thúc"):
        docs.document_start(term=term, kind=K.REPORT_YEAREND, by=None)
    assert not Document.objects.exists()


def test_update_with_a_stale_version_is_refused_and_changes_nothing():
    term = make_term(members=3)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=None)
    seen = document.lock_version
    docs.document_update(
        document=document, data={"sections": {"situation": "Bản của trưởng khối"}}, lock_version=seen, by=None
    )
    with pytest.raises(ValidationError) as caught:
        docs.document_update(
            document=document, data={"sections": {"situation": "Bản cũ"}}, lock_version=seen, by=None
        )
    assert caught.value.code == "stale" and "Người khác vừa sửa" in caught.value.messages[0]
    document.refresh_from_db()
    assert document.sections["situation"] == "Bản của trưởng khối" and document.lock_version == seen + 1
    assert len(events("document.update")) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sections": {"situation": "a\x00b"}}, "sections.situation"),
        ({"sections": {"situation": "x" * (docs.MAX_SECTION + 1)}}, "sections.situation"),
        ({"sections": {"proposals": "Mục của báo cáo tổng kết"}}, "sections"),
        ({"number": "1" * 61}, "number"),
        ({"place": "Quảng\x07Ngãi"}, "place"),
        ({"date": date(2030, 1, 1)}, "date"),
        ({"sections": "không phải từ điển"}, "sections"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(data, field):
    term = make_term(year=2024, members=2)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=None)
    with pytest.raises(ValidationError) as caught:
        docs.document_update(document=document, data=data, lock_version=document.lock_version, by=None)
    assert field in caught.value.message_dict
    assert all(m for m in caught.value.message_dict[field])
    fresh = Document.objects.get(pk=document.pk)
    assert (fresh.sections, fresh.number, fresh.place, fresh.lock_version) == (
        document.sections, document.number, document.place, document.lock_version,
    )  # fmt: skip
    assert not events("document.update")


def test_text_is_stored_stripped_with_plain_line_breaks():
    term = make_term(members=2)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=None)
    docs.document_update(
        document=document, data={"place": "  Quảng Ngãi ", "sections": {"results": " Một\r\nHai\rBa \n"}},
        lock_version=None, by=None,
    )  # fmt: skip
    document.refresh_from_db()
    assert document.place == "Quảng Ngãi" and document.sections["results"] == "Một\nHai\nBa"
    assert set(document.sections) == set(docs.section_keys(K.REPORT_MIDYEAR))


# Submission ----------------------------------------------------------------------------------------


def test_submit_lists_everything_that_is_missing():
    term = make_term(year=2024, members=3)
    make_criteria_set(term, state="open")
    ballot = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=None)
    document = docs.document_start(term=term, kind=K.REPORT_YEAREND, by=None)
    docs.document_update(document=document, data={"sections": {"results": "Có"}}, lock_version=None, by=None)
    with pytest.raises(ValidationError) as caught:
        docs.document_submit(document=document, by=None)
    problems = caught.value.messages
    assert "Chưa khóa chấm điểm." in problems
    assert f"Cuộc bỏ phiếu “{ballot.title}” chưa kết thúc." in problems
    assert "Chưa ghi ngày văn bản." in problems
    for label in (
        "I. Tình hình chung",
        "Hạn chế, nguyên nhân",
        "Phương hướng, nhiệm vụ năm 2025",
        "Kiến nghị, đề xuất",
    ):
        assert f"Chưa viết mục “{label}”." in problems
    assert "Chưa viết mục “II. Kết quả thực hiện”." not in problems
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT and not document.pdf and document.frozen is None
    assert not events("document.submit")


def test_a_tie_left_without_a_run_off_keeps_the_report_back():
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, state="locked")
    assert criteria_set.state == "locked"
    ballot = ballot_services.ballot_create(
        term=term, kind=BallotKind.LEADING, threshold_percent=Decimal(40), by=None
    )
    ballot_services.ballot_open(ballot=ballot, by=None)
    first, second = list(term.memberships.order_by("position"))[:2]
    ids = {c.membership_id: c.pk for c in ballot.candidates.all()}
    for i, m in enumerate(term.memberships.order_by("position")):
        ballot_services.ballot_cast(
            ballot=ballot, membership=m, candidate_ids=[ids[(first, second)[i % 2].pk]], by=None
        )
    ballot_services.ballot_close(ballot=ballot, by=None)
    document = ready_report(term)
    assert docs.missing_for_submit(document) == [
        f"Cuộc bỏ phiếu “{ballot.title}” còn đồng phiếu, chưa bầu lại."
    ]


def test_submit_freezes_prints_once_and_records_the_hash():
    term, _ = scored_year(5)
    leader = unit_user(term, Role.LEADER)
    document = ready_report(term)
    expected = printing.build(document)
    submitted = docs.document_submit(document=document, by=leader)
    fresh = Document.objects.get(pk=submitted.pk)
    assert fresh.status == DocumentStatus.SUBMITTED and fresh.submitted_by == leader and fresh.submitted_at
    assert fresh.frozen == expected
    with fresh.pdf.open("rb") as handle:
        stored = handle.read()
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == fresh.sha256
    [event] = events("document.submit")
    assert event.new["sha256"] == fresh.sha256 and event.old == {"status": "draft"} and event.actor == leader
    # The year-end report alone does not close the year.
    assert Term.objects.get(pk=term.pk).is_open


def test_submitting_twice_changes_nothing():
    term, _ = scored_year(4)
    document = docs.document_submit(document=ready_report(term), by=None)
    before = Document.objects.filter(pk=document.pk).values().get()
    again = docs.document_submit(document=document, by=unit_user(term, Role.LEADER))
    assert Document.objects.filter(pk=document.pk).values().get() == before
    assert again.sha256 == before["sha256"] and len(events("document.submit")) == 1


def test_a_submitted_document_is_never_edited():
    term, _ = scored_year(4)
    document = docs.document_submit(document=ready_report(term), by=None)
    with pytest.raises(ValidationError, match="không sửa được nữa"):
        docs.document_update(document=document, data={"number": "99/BC"}, lock_version=None, by=None)
    assert Document.objects.get(pk=document.pk).number == "05/BC-KTĐ"


def test_a_later_change_of_the_data_leaves_the_frozen_report_as_submitted():
    term, _ = scored_year(4)
    document = docs.document_submit(document=ready_report(term), by=None)
    leader_unit = term.memberships.get(role=Role.LEADER).unit
    leader_unit.head_name = "Người đứng đầu mới"
    leader_unit.save()
    fresh = Document.objects.get(pk=document.pk)
    assert fresh.frozen["signer"]["name"] != "Người đứng đầu mới"
    assert printing.build(fresh)["signer"]["name"] == "Người đứng đầu mới"


def test_hostile_text_is_escaped_in_the_print():
    term, _ = scored_year(4, next_year=False)
    unit = term.memberships.get(position=3).unit
    unit.name = "Sở <b>đậm</b> & “nháy”"
    unit.save()
    hostile = '<script>alert("x")</script><img src="http://example.com/x.png">'
    document = ready_report(term, situation=hostile, direction="<a href='javascript:alert(1)'>bấm</a>")
    docs.document_update(document=document, data={"number": "<i>05</i>"}, lock_version=None, by=None)
    html = printing.render_html(printing.build(document), kind=document.kind, draft=True)
    assert "<script" not in html and "<img" not in html and "<b>đậm" not in html and "<i>05" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Sở &lt;b&gt;đậm&lt;/b&gt; &amp; “nháy”" in html
    assert "&lt;a href=&#x27;javascript:alert(1)&#x27;&gt;" in html
    # And the PDF renders (nothing tried to fetch the image).
    assert printing.render(printing.build(document), kind=document.kind, draft=True).startswith(b"%PDF-")


# Closing the term ----------------------------------------------------------------------------------


class Fake(TypedDict):
    kind: str
    notes: str


def fake_build(document) -> Fake:
    return {"kind": document.kind, "notes": document.sections.get("notes", "")}


@pytest.fixture
def stub_other_builders(monkeypatch):
    """Minutes and proposal print from the other builders; here a stand-in keeps this test about
    closing the term (their content and their own checks are those builders' tests' business)."""
    original = printing.render
    for kind in (K.MINUTES, K.PROPOSAL):
        monkeypatch.setitem(printing.BUILDERS, kind, fake_build)
        monkeypatch.setitem(printing.PAYLOADS, kind, Shape(Fake))
        monkeypatch.delitem(printing.CHECKS, kind)

    def render(data, *, kind, draft):
        if kind in (K.MINUTES, K.PROPOSAL):
            return render_pdf(f"<p>{kind}</p>")
        return original(data, kind=kind, draft=draft)

    monkeypatch.setattr(printing, "render", render)


def other_document(term: Term, kind: str) -> Document:
    return Document.objects.create(
        term=term,
        kind=kind,
        place="Quảng Ngãi",
        date=date(term.year + 1, 1, 5),
        sections={"notes": "Đã họp."},
    )


def test_the_term_closes_when_report_minutes_and_proposal_are_submitted_and_not_before(stub_other_builders):
    term, _ = scored_year(4)
    leader = unit_user(term, Role.LEADER)
    minutes, proposal = other_document(term, K.MINUTES), other_document(term, K.PROPOSAL)
    midyear = ready_report(term, kind=K.REPORT_MIDYEAR)
    docs.document_submit(document=midyear, by=leader)
    docs.document_submit(document=minutes, by=leader)
    assert Term.objects.get(pk=term.pk).is_open
    docs.document_submit(document=ready_report(term), by=leader)
    assert Term.objects.get(pk=term.pk).is_open and not events("term.close")
    # Until the last one, the leader still has the leader's rights on the term.
    assert leader.unit_id == term.memberships.get(role=Role.LEADER).unit_id
    docs.document_submit(document=proposal, by=leader)
    closed = Term.objects.get(pk=term.pk)
    assert not closed.is_open and closed.closed_at is not None
    [event] = events("term.close")
    assert event.reason == f"Đã gửi báo cáo, biên bản, tờ trình năm {term.year}" and event.actor == leader
    assert Document.objects.get(pk=proposal.pk).status == DocumentStatus.SUBMITTED


def test_a_failed_render_closes_nothing_and_stores_nothing(stub_other_builders, monkeypatch):
    term, _ = scored_year(4)
    minutes, proposal = other_document(term, K.MINUTES), other_document(term, K.PROPOSAL)
    docs.document_submit(document=minutes, by=None)
    docs.document_submit(document=ready_report(term), by=None)

    def broken(data, *, kind, draft):
        raise RuntimeError("máy in hỏng")

    monkeypatch.setattr(printing, "render", broken)
    with pytest.raises(RuntimeError):
        docs.document_submit(document=proposal, by=None)
    assert Term.objects.get(pk=term.pk).is_open
    assert Document.objects.get(pk=proposal.pk).status == DocumentStatus.DRAFT


# Rendered with no row locked -----------------------------------------------------------------------

NEW_SITUATION = "Đoạn tình hình do người khác lưu trong lúc in."


def save_a_section_on_first_render(monkeypatch, document: Document, steps: list) -> None:
    """Patch the render: its first call saves another text of the first section, as another user
    would while the PDF renders; every call records whether a transaction was open."""
    original = printing.render

    def render(data, *, kind, draft):
        steps.append(("render", connection.in_atomic_block))
        if len(steps) == 1:
            sections = {**Document.objects.get(pk=document.pk).sections, "situation": NEW_SITUATION}
            docs.document_update(document=document, data={"sections": sections}, lock_version=None, by=None)
        return original(data, kind=kind, draft=draft)

    monkeypatch.setattr(printing, "render", render)


def test_a_section_saved_during_the_render_is_in_the_frozen_document_and_its_pdf(monkeypatch, tmp_path):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    document = ready_report(term, kind=K.REPORT_MIDYEAR)
    steps = []
    save_a_section_on_first_render(monkeypatch, document, steps)
    document = docs.document_submit(document=document, by=leader)
    assert len(steps) == 2  # the first print missed the new text: printed again
    assert document.frozen["sections"]["situation"] == [NEW_SITUATION]
    assert Document.objects.get(pk=document.pk).frozen == document.frozen
    with document.pdf.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    text = Pdf(stored, tmp_path).text()
    assert NEW_SITUATION in text and NARRATIVE["situation"] not in text
    [event] = events("document.submit")
    assert event.old == {"status": "draft"} and event.actor == leader
    assert event.new == {"status": "submitted", "sha256": document.sha256, "pdf": document.pdf.name}


@pytest.mark.django_db(transaction=True)
def test_the_document_renders_with_no_transaction_open_and_locks_after(monkeypatch):
    """No transaction around the render (SQLite and PostgreSQL): no row lock can be held by it."""
    term = make_term(year=2024, members=3)
    document = ready_report(term, kind=K.REPORT_MIDYEAR)
    steps = []
    save_a_section_on_first_render(monkeypatch, document, steps)
    record_locks(monkeypatch, steps)
    document = docs.document_submit(document=document, by=None)
    # The other user's save locks in its own transaction inside the first render; then each render
    # is followed by the submission's locks (the term, then the document), in a transaction.
    assert steps == [
        ("render", False),
        ("lock", "Document", True),
        ("lock", "Term", True),
        ("lock", "Document", True),
        ("render", False),
        ("lock", "Term", True),
        ("lock", "Document", True),
    ]
    assert document.frozen["sections"]["situation"] == [NEW_SITUATION]


def test_a_document_that_keeps_changing_while_it_renders_is_not_submitted(monkeypatch):
    term = make_term(year=2024, members=3)
    document = ready_report(term, kind=K.REPORT_MIDYEAR)
    renders = []

    def render(data, *, kind, draft):
        renders.append(data)
        sections = {**Document.objects.get(pk=document.pk).sections, "situation": f"Lần {len(renders)}"}
        docs.document_update(document=document, data={"sections": sections}, lock_version=None, by=None)
        return PDF_BYTES

    monkeypatch.setattr(printing, "render", render)
    with pytest.raises(ValidationError, match="thử lại"):
        docs.document_submit(document=document, by=None)
    fresh = Document.objects.get(pk=document.pk)
    assert len(renders) == 3 and fresh.status == DocumentStatus.DRAFT and not fresh.pdf and not fresh.frozen
    assert not events("document.submit")


def test_printing_imports_no_service_so_that_services_can_import_printing():
    seen = set()
    for path in sorted(Path(printing.__file__).parent.glob("*.py")):
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        assert not [name for name in imported if name.startswith("conferences.services")], path.name
        seen |= imported
    assert "conferences.selectors.attendance" in seen  # the minutes' read, where the check can see it


# The signed scan -----------------------------------------------------------------------------------


def test_the_signed_scan_comes_after_submission_as_a_pdf_once():
    term = make_term(year=2024, members=3)
    document = ready_report(term, kind=K.REPORT_MIDYEAR)
    with pytest.raises(ValidationError, match="sau khi văn bản đã được gửi"):
        docs.document_scan(document=document, scan=SimpleUploadedFile("ky.pdf", PDF_BYTES), by=None)
    docs.document_submit(document=document, by=None)
    with pytest.raises(ValidationError, match="không phải PDF"):
        docs.document_scan(document=document, scan=SimpleUploadedFile("ky.pdf", b"MZ not a pdf"), by=None)
    assert not Document.objects.get(pk=document.pk).signed_scan
    docs.document_scan(document=document, scan=SimpleUploadedFile("anh.png", PDF_BYTES), by=None)
    assert Document.objects.get(pk=document.pk).signed_scan.name.endswith(".pdf")
    with pytest.raises(ValidationError, match="đã có bản ký"):
        docs.document_scan(document=document, scan=SimpleUploadedFile("ky.pdf", PDF_BYTES), by=None)
    assert len(events("document.scan")) == 1


# Pages ---------------------------------------------------------------------------------------------


def test_the_editor_tells_of_a_concurrent_edit_and_keeps_the_other_text(client):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=leader)
    docs.document_update(
        document=document, data={"sections": {"situation": "Bản khác"}}, lock_version=None, by=None
    )
    client.force_login(leader)
    response = client.post(
        f"/documents/{document.pk}/",
        {"lock_version": "0", "s_situation": "Bản của tôi", "place": "Quảng Ngãi"},
    )
    assert response.status_code == 400 and "Người khác vừa sửa" in response.content.decode()
    assert Document.objects.get(pk=document.pk).sections["situation"] == "Bản khác"


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"date": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"s_situation": "a\x00b"}, "ký tự điều khiển"),
        ({"number": "9" * 61}, "Tối đa 60 ký tự"),
        ({"date": "01/01/2030"}, "Ngày văn bản phải trong năm 2024"),
        ({"lock_version": "-1"}, ""),
    ],
)
def test_the_editor_answers_bad_input_with_a_message_not_a_500(client, post, message):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=leader)
    client.force_login(leader)
    response = client.post(f"/documents/{document.pk}/", {"lock_version": str(document.lock_version), **post})
    assert response.status_code == 400 and message in response.content.decode()
    assert Document.objects.get(pk=document.pk).lock_version == document.lock_version


def test_the_editor_saves_and_shows_the_sections_read_only_after_submission(client):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=K.REPORT_MIDYEAR, by=leader)
    client.force_login(leader)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Nhiệm vụ 6 tháng cuối năm" in page and 'name="s_direction"' in page and "Chưa viết mục" in page
    form = {"lock_version": "0", "number": "7/BC-KTĐ", "place": "Quảng Ngãi", "date": "05/07/2024"}
    form |= {f"s_{k}": f"Nội dung {k} <b>" for k in docs.section_keys(K.REPORT_MIDYEAR)}
    assert client.post(f"/documents/{document.pk}/", form).status_code == 302
    assert client.post(f"/documents/{document.pk}/submit/", {"confirmed": "yes"}).status_code == 302
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'name="s_direction"' not in page and "Nội dung direction &lt;b&gt;" in page
    assert Document.objects.get(pk=document.pk).date == date(2024, 7, 5)


def test_the_pdf_of_a_draft_is_fresh_and_of_a_submitted_document_the_stored_file(client):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    document = ready_report(term, kind=K.REPORT_MIDYEAR)
    client.force_login(leader)
    draft = client.get(f"/documents/{document.pk}/pdf/")
    assert draft["Cache-Control"] == "no-store" and draft.content.startswith(b"%PDF-")
    docs.document_submit(document=document, by=leader)
    document.refresh_from_db()
    stored = client.get(f"/documents/{document.pk}/pdf/")
    body = b"".join(stored.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256
    assert stored["ETag"] == f'"{document.sha256}"' and "Last-Modified" in stored
    again = client.get(f"/documents/{document.pk}/pdf/", headers={"if-none-match": stored["ETag"]})
    assert again.status_code == 304
    assert client.get(f"/documents/{document.pk}/files/signed/").status_code == 404
    assert client.get(f"/documents/{document.pk}/files/other/").status_code == 404


def test_starting_count_minutes_with_a_foreign_ballot_says_why_and_changes_nothing(client):
    term, _ = scored_year(3, next_year=False)
    other, _ = scored_year(3, next_year=False, year=2023)
    client.force_login(unit_user(term, Role.LEADER))
    foreign = other.ballots.first().pk
    for data in ({"ballot": foreign}, {"ballot": "abc"}, {}):
        response = client.post(f"/terms/{term.pk}/documents/count_minutes/start/", data, follow=True)
        assert "Chọn cuộc bỏ phiếu" in response.content.decode()
    assert client.post(f"/terms/{term.pk}/documents/memo/start/").status_code == 404
    assert not Document.objects.exists()
    ballot = term.ballots.first()
    response = client.post(f"/terms/{term.pk}/documents/count_minutes/start/?ballot={ballot.pk}")
    assert response.status_code == 302 and Document.objects.get().ballot == ballot
