"""Issue 15, item 3: a change board staff make to next year's leadership after the minutes (which
print it) were sent is shown beside them on the term's documents page."""

from __future__ import annotations

import html

import pytest

from blocs.models import Role
from blocs.services import leadership_elect
from conferences.models import DocumentKind
from conferences.services import documents as docs
from tests.conferences.test_documents import other_document, scored_year, stub_other_builders  # noqa: F401
from tests.factories import make_user, unit_user

pytestmark = pytest.mark.django_db


def documents_page(client, term) -> str:
    return html.unescape(client.get(f"/terms/{term.pk}/documents/").content.decode())


def test_a_change_after_the_minutes_were_sent_is_shown_beside_them(client, stub_other_builders):  # noqa: F811
    term, _criteria_set = scored_year(4)
    leader = unit_user(term, Role.LEADER)
    board = make_user(board=True, full_name="Nguyễn Văn Ban")
    members = {m.position: m.unit for m in term.memberships.select_related("unit")}
    client.force_login(leader)

    # A change before the minutes are sent is what the minutes print: nothing to flag.
    leadership_elect(
        term=term, leader=members[3], deputy=members[2], leader_chosen_by="elected",
        deputy_chosen_by="elected", by=board, reason="Hội nghị bầu lại",
    )  # fmt: skip
    docs.document_submit(document=other_document(term, DocumentKind.MINUTES), by=leader)
    assert "đã thay đổi sau khi gửi biên bản" not in documents_page(client, term)

    leadership_elect(
        term=term, leader=members[4], deputy=members[2], leader_chosen_by="appointed",
        deputy_chosen_by="elected", by=board, reason="Quyết định kiện toàn số 12/QĐ-UBND",
    )  # fmt: skip
    page = documents_page(client, term)
    assert f"Trưởng, phó khối năm {term.year + 1} đã thay đổi sau khi gửi biên bản" in page
    assert f"Nguyễn Văn Ban: Trưởng khối: {members[3].name} → {members[4].name}" in page
    assert "Lý do: Quyết định kiện toàn số 12/QĐ-UBND" in page
