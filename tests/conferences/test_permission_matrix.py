"""Who may open and post to every URL of the conference documents, on documents that exist.

Same personas and rules as the blocs matrix: 404 for what a user may not see, 403 for what they may
see but not do, and every refused POST leaves the database exactly as it was. Whoever may view the
term reads its documents; only the term's leader, while the term is open, starts, edits, submits and
uploads the signed scan. Then: the list and the editor keep their query counts whatever the size.
"""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blocs.models import Role
from blocs.services import term_close
from conferences.models import Document, DocumentKind, DocumentStatus
from conferences.services import documents as docs
from tests.ballots.factories import make_ballot
from tests.blocs.test_permission_matrix import SIGNED_IN, VIEWERS, World, check_case, db_state, expect
from tests.conferences.test_documents import NARRATIVE, PDF_BYTES, ready_report, scored_year
from tests.factories import unit_user

K = DocumentKind
BOARD = ["board"]
NOT_LEADER = ["member", "deputy", "previous_leader", "supervisor", "board"]
POST_ONLY = {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302}


class DocumentWorld(World):
    """The blocs matrix's world (2024: leader L, deputy D, members M, M2, P) with a draft year-end
    report, a mid-year report ready to submit, a submitted proposal without its scan, and a ballot."""

    def __init__(self):
        super().__init__()
        leader = self.users["leader"]
        self.ballot = make_ballot(self.term)
        self.yearend = docs.document_start(term=self.term, kind=K.REPORT_YEAREND, by=leader)
        self.midyear = ready_report(self.term, kind=K.REPORT_MIDYEAR)
        self.proposal = Document.objects.create(
            term=self.term,
            kind=K.PROPOSAL,
            place="Quảng Ngãi",
            date=date(2025, 1, 5),
            sections={"notes": ""},
            status=DocumentStatus.SUBMITTED,
            frozen={"kind": K.PROPOSAL},
            sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
            submitted_at=timezone.now(),
        )
        self.proposal.pdf.save("proposal.pdf", ContentFile(PDF_BYTES), save=True)


def url_for(name: str, w: DocumentWorld) -> str:
    t = w.term.pk
    return {
        "conferences:documents": f"/terms/{t}/documents/",
        "conferences:document_start": f"/terms/{t}/documents/count_minutes/start/",
        "conferences:document": f"/documents/{w.yearend.pk}/",
        "conferences:document_preview": f"/documents/{w.yearend.pk}/preview/",
        "conferences:document_pdf": f"/documents/{w.yearend.pk}/pdf/",
        "conferences:document_submit": f"/documents/{w.midyear.pk}/submit/",
        "conferences:document_scan": f"/documents/{w.proposal.pk}/scan/",
        "conferences:document_file": f"/documents/{w.proposal.pk}/files/pdf/",
    }[name]


def post_data(name: str, w: DocumentWorld) -> dict:
    return {
        "conferences:document_start": lambda: {"ballot": w.ballot.pk},
        "conferences:document": lambda: {
            "lock_version": w.yearend.lock_version,
            "number": "05/BC-KTĐ",
            "place": "Quảng Ngãi",
            "date": "05/01/2025",
            **{f"s_{k}": v for k, v in NARRATIVE.items()},
        },
        "conferences:document_submit": lambda: {"confirmed": "yes"},
        "conferences:document_scan": lambda: {"scan": SimpleUploadedFile("ban-ky.pdf", PDF_BYTES)},
    }[name]()


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("conferences:documents", "GET"): expect(VIEWERS + BOARD, 200),
    ("conferences:document_start", "GET"): POST_ONLY,
    ("conferences:document_start", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    # Everyone who may view the term reads the draft; only the leader edits it.
    ("conferences:document", "GET"): expect(VIEWERS + BOARD, 200),
    ("conferences:document", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("conferences:document_preview", "GET"): expect(VIEWERS + BOARD, 200),
    ("conferences:document_pdf", "GET"): expect(VIEWERS + BOARD, 200),
    ("conferences:document_submit", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("conferences:document_submit", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    # Board staff too: the signed paper of the last document comes back after the term has closed.
    ("conferences:document_scan", "GET"): expect(["leader", "board"], 200, seen_by=NOT_LEADER),
    ("conferences:document_scan", "POST"): expect(["leader", "board"], 302, seen_by=NOT_LEADER),
    ("conferences:document_file", "GET"): expect(VIEWERS + BOARD, 200),
}

MUTATING = {key for key in MATRIX if key[1] == "POST"}
CASES = [
    (name, method, persona, status)
    for (name, method), table in MATRIX.items()
    for persona, status in table.items()
]


@pytest.fixture(scope="module")
def world(module_db):
    """Built once for the module; every case runs in a rolled-back transaction."""
    return DocumentWorld()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, world, name, method, persona, status):
    check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip


def test_every_url_has_a_succeeding_persona():
    for (name, _method), table in MATRIX.items():
        assert any(200 <= s < 400 for s in table.values()), name


@pytest.mark.django_db
def test_once_the_term_is_closed_its_leader_reads_but_changes_nothing(client):
    world = DocumentWorld()
    term_close(term=world.term, by=None, reason="Đã tổng kết")
    client.force_login(world.users["leader"])
    before = db_state()
    for name in (
        "conferences:document_start",
        "conferences:document",
        "conferences:document_submit",
        "conferences:document_scan",
    ):
        assert client.post(url_for(name, world), post_data(name, world)).status_code == 403, name
    assert db_state() == before
    page = client.get(url_for("conferences:document", world)).content.decode()
    assert 'name="s_situation"' not in page and "Gửi văn bản" not in page
    listing = client.get(url_for("conferences:documents", world)).content.decode()
    assert "Soạn văn bản" not in listing and "đã kết thúc" in listing
    # The signed paper still comes in, through board staff.
    client.force_login(world.users["board"])
    response = client.post(
        url_for("conferences:document_scan", world), post_data("conferences:document_scan", world)
    )
    assert response.status_code == 302 and db_state() != before


@pytest.mark.django_db
def test_only_the_leader_sees_the_start_and_submit_buttons(client):
    world = DocumentWorld()
    for persona in ("leader", "deputy", "board"):
        client.force_login(world.users[persona])
        listing = client.get(url_for("conferences:documents", world)).content.decode()
        editor = client.get(f"/documents/{world.midyear.pk}/").content.decode()
        assert ("Soạn văn bản" in listing) == (persona == "leader"), persona
        assert ("Gửi văn bản" in editor) == (persona == "leader"), persona
        assert ('name="s_situation"' in editor) == (persona == "leader"), persona


# Query counts --------------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(queries)


# The documents list, the editor of the year-end report (with what is missing for submission) and its
# print preview (the whole build: members, targets, ranking, vote, next year).
PINNED = {"list": 9, "editor": 9, "preview": 16}


@pytest.mark.django_db
def test_list_editor_and_preview_keep_their_query_counts_whatever_the_size(client):
    counts = {}
    for members in (8, 20):
        term, _ = scored_year(members, next_year=False)
        document = docs.document_start(term=term, kind=K.REPORT_YEAREND, by=None)
        client.force_login(unit_user(term, Role.LEADER))
        client.get("/")
        counts[members] = {
            "list": _count(client, f"/terms/{term.pk}/documents/"),
            "editor": _count(client, f"/documents/{document.pk}/"),
            "preview": _count(client, f"/documents/{document.pk}/preview/"),
        }
        client.logout()
    assert counts[8] == counts[20]
    assert counts[20] == PINNED
