"""Issue 15, item 7: the unit elected to lead the bloc is proposed for the provincial flag on the
printed proposal, on the board's decisions page and in its award history alike."""

from __future__ import annotations

import html

import pytest

from board import selectors as board_selectors
from conferences.models import Document, DocumentKind
from conferences.printing import BUILDERS
from province.catalogue import label
from tests.conferences.test_documents import scored_year
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_proposal_the_decisions_page_and_the_award_history_agree(client):
    term, _criteria_set = scored_year(5)  # a leading-unit ballot naming no award, and a Bằng khen vote
    proposal = Document.objects.create(term=term, kind=DocumentKind.PROPOSAL, place="Quảng Ngãi")
    printed = {
        (u["membership"], a["award"])
        for a in BUILDERS[DocumentKind.PROPOSAL](proposal)["awards"]
        for u in a["units"]
    }
    board = {(p.membership.pk, p.award) for p in board_selectors.term_proposals(term)}
    assert printed == board
    flag = [m for m, award in board if award == "co_tinh"]
    assert len(flag) == 1
    leading = term.memberships.select_related("unit").get(pk=flag[0])

    client.force_login(make_user(board=True))
    decisions = html.unescape(client.get(f"/terms/{term.pk}/decisions/").content.decode())
    assert label("co_tinh") in decisions and leading.unit.name in decisions
    history = html.unescape(client.get(f"/units/{leading.unit_id}/awards/").content.decode())
    assert "Đơn vị chưa được khối nào đề nghị khen thưởng." not in history
    assert label("co_tinh") in history and str(term.year) in history
