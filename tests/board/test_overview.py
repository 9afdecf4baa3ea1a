"""The board's overview of a year, its XLSX, the board's deadlines, the province's award decisions and
a unit's award history."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from agreements.models import Agreement, AgreementStatus
from ballots.models import Ballot, BallotState
from blocs.audit import STALE
from blocs.models import AuditEvent, Bloc, Membership, Role, Term, Unit, UnitName
from board import selectors
from board import services as service
from board.models import AwardDecision, BoardDeadline
from conferences.models import Document, DocumentKind, DocumentStatus
from scoring.models import CriteriaSet, Layer, Sheet, SheetStatus
from tests.ballots.factories import cast, make_ballot
from tests.factories import make_agreement, make_criteria_set, make_term, make_user

pytestmark = pytest.mark.django_db

YEAR = 2024
TODAY = date(2025, 2, 1)


@pytest.fixture
def board(client):
    user = make_user(board=True)
    client.force_login(user)
    return user


@pytest.fixture
def frozen_today(time_machine):
    """The overview's "today" (and the decision form's) is 01/02/2025: the clock stands at 09:00 that
    day in the province (time-machine, so that the database's defaults see the same clock)."""
    time_machine.move_to(datetime.combine(TODAY, time(9), tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False)
    return TODAY


# Builders: direct rows in the states the services would leave them in --------------------------------


def agreement_in(term: Term, status: str) -> Agreement:
    agreement = make_agreement(term)
    if status != AgreementStatus.DRAFT:
        now = timezone.now()
        Agreement.objects.filter(pk=agreement.pk).update(
            status=status,
            frozen={},
            finalized_at=now,
            verification_code=secrets.token_hex(8),
            final_sha256="a" * 64,
            signed_on=now.date() if status == AgreementStatus.SIGNED else None,
            signed_at=now if status == AgreementStatus.SIGNED else None,
        )
    return agreement


def self_sheets(criteria_set: CriteriaSet, members: list[Membership], *, submitted: int) -> None:
    now = timezone.now()
    Sheet.objects.bulk_create(
        Sheet(
            criteria_set=criteria_set,
            subject=m,
            layer=Layer.SELF,
            status=SheetStatus.SUBMITTED if i < submitted else SheetStatus.DRAFT,
            submitted_at=now if i < submitted else None,
        )
        for i, m in enumerate(members)
    )


def closed_ballot(term: Term, *, award: str, selected: list[Membership], votes: int = 4, **fields) -> Ballot:
    result = {
        "selected": [
            {"membership": m.pk, "unit": m.unit.name, "votes": votes, "pct": "80.00", "passed": True}
            for m in selected
        ],
        "candidates": [],
        "tie": [],
    }
    return Ballot.objects.create(
        term=term,
        kind=fields.pop("kind", "award"),
        title=fields.pop("title", f"Đề nghị {award}"),
        award=award,
        state=BallotState.CLOSED,
        closed_at=timezone.now(),
        result=result,
        **fields,
    )


def document(term: Term, kind: str, status: str = DocumentStatus.DRAFT) -> Document:
    submitted = status == DocumentStatus.SUBMITTED
    return Document.objects.create(
        term=term,
        kind=kind,
        status=status,
        frozen={} if submitted else None,
        submitted_at=timezone.now() if submitted else None,
        sha256="b" * 64 if submitted else "",
    )


def members(term: Term) -> list[Membership]:
    return list(term.memberships.select_related("unit").order_by("position", "pk"))


def row_html(page: str, bloc: Bloc) -> str:
    """The overview table's row of a bloc."""
    rows = re.findall(r"<tr[ >].*?</tr>", page, flags=re.S)
    found = [r for r in rows if f'/terms/{bloc.terms.get(year=YEAR).pk}/"' in r]
    assert len(found) == 1, bloc.name
    return found[0]


def by_bloc(rows) -> dict[int, selectors.OverviewRow]:
    return {row.term.bloc_id: row for row in rows}


# The overview -------------------------------------------------------------------------------------


@pytest.fixture
def year_of_blocs():
    """Four blocs of 2024 in different states:
    fresh: no agreement, no criteria, no ballot, no document, no deputy;
    drafting: agreement draft, criteria in setup, a draft ballot, the mid-year report drafted;
    scoring: agreement final, scoring open with 2 of 4 sheets submitted, one ballot open and one
             closed, the year-end report submitted and the minutes drafted;
    done: agreement signed (over a superseded version), scoring locked, every ballot closed, the
          year-end report, minutes and proposal submitted."""
    fresh = make_term(year=YEAR)
    Membership.objects.create(term=fresh, unit=Unit.objects.create(name="Sở Một"), role=Role.LEADER,
                              chosen_by="appointed", position=1)  # fmt: skip
    drafting, scoring, done = (make_term(year=YEAR, members=4) for _ in range(3))
    agreement_in(drafting, AgreementStatus.DRAFT)
    make_criteria_set(drafting)
    make_ballot(drafting)
    document(drafting, DocumentKind.REPORT_MIDYEAR)

    agreement_in(scoring, AgreementStatus.FINAL)
    scoring_set = make_criteria_set(scoring, state="open")
    self_sheets(scoring_set, members(scoring), submitted=2)
    make_ballot(scoring, state="open")
    closed_ballot(scoring, award="co_tinh", selected=members(scoring)[:1])
    document(scoring, DocumentKind.REPORT_YEAREND, DocumentStatus.SUBMITTED)
    document(scoring, DocumentKind.MINUTES)

    old = agreement_in(done, AgreementStatus.SIGNED)
    Agreement.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
    agreement_in_version(done, 2)
    done_set = make_criteria_set(done, state="locked")
    self_sheets(done_set, members(done), submitted=4)
    closed_ballot(done, award="co_cp", selected=members(done)[:1])
    closed_ballot(done, award="", kind="leading", selected=members(done)[:1])
    for kind in (DocumentKind.REPORT_YEAREND, DocumentKind.MINUTES, DocumentKind.PROPOSAL):
        document(done, kind, DocumentStatus.SUBMITTED)
    make_term(year=YEAR - 1, members=3)  # another year: not on the page
    return {"fresh": fresh, "drafting": drafting, "scoring": scoring, "done": done}


def agreement_in_version(term: Term, version: int) -> Agreement:
    """The current version `version` of the term's agreement, signed."""
    agreement = Agreement.objects.create(term=term, version=version, title=f"Giao ước năm {term.year}")
    now = timezone.now()
    Agreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.SIGNED, frozen={}, finalized_at=now, verification_code=secrets.token_hex(8),
        final_sha256="c" * 64, signed_on=now.date(), signed_at=now,
    )  # fmt: skip
    return agreement


def test_rows_show_each_bloc_status(year_of_blocs):
    rows = by_bloc(selectors.overview_rows(YEAR))
    assert len(rows) == 4
    fresh, drafting = rows[year_of_blocs["fresh"].bloc_id], rows[year_of_blocs["drafting"].bloc_id]
    scoring, done = rows[year_of_blocs["scoring"].bloc_id], rows[year_of_blocs["done"].bloc_id]

    assert (fresh.members, fresh.agreement, fresh.scoring, fresh.ballots, fresh.deputy) == (
        1,
        "",
        "",
        0,
        None,
    )
    assert fresh.leader.display_name == "Sở Một"
    assert set(fresh.documents.values()) == {""}
    assert fresh.vote_label == "Chưa có cuộc bỏ phiếu" and fresh.steps_done == 0

    assert (drafting.agreement, drafting.scoring, drafting.submitted) == ("draft", "setup", 0)
    assert (drafting.ballots_draft, drafting.ballots_open, drafting.ballots_closed) == (1, 0, 0)
    assert drafting.documents[DocumentKind.REPORT_MIDYEAR] == "draft"
    assert drafting.vote_label == "1 đang chuẩn bị; đã kết thúc 0/1"

    assert (scoring.agreement, scoring.scoring, scoring.submitted, scoring.members) == ("final", "open", 2, 4)
    assert scoring.deadline is not None
    assert scoring.vote_label == "1 đang bỏ phiếu; đã kết thúc 1/2"
    assert scoring.documents == {
        "report_midyear": "", "report_yearend": "submitted", "minutes": "draft", "proposal": "",
    }  # fmt: skip
    assert scoring.steps_done == 0

    assert (done.agreement, done.scoring, done.submitted) == ("signed", "locked", 4)
    assert done.vote_label == "Đã kết thúc (2/2)"
    assert done.steps_done == 4 and done.government_flag == 1


def test_page_shows_the_statuses_row_by_row(client, board, year_of_blocs):
    response = client.get(f"/overview/?year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tổng hợp các khối thi đua năm 2024" in page
    fresh = row_html(page, year_of_blocs["fresh"].bloc)
    assert "Sở Một" in fresh and 'Phó khối: <span class="text-body-secondary">chưa có' in fresh
    assert "Chưa có bảng tiêu chí" in fresh and "Chưa có cuộc bỏ phiếu" in fresh and "0/4 việc" in fresh
    drafting = row_html(page, year_of_blocs["drafting"].bloc)
    assert "Dự thảo" in drafting and "Đang xây dựng bảng tiêu chí" in drafting
    assert "Báo cáo sơ kết 6 tháng: Dự thảo" in drafting
    scoring = row_html(page, year_of_blocs["scoring"].bloc)
    assert "Đã hoàn thiện" in scoring and "Đang chấm điểm" in scoring
    assert '<progress class="overview-progress" value="2" max="4"' in scoring
    assert "2/4 phiếu tự chấm đã nộp" in scoring and "Hạn nộp:" in scoring
    assert "Báo cáo tổng kết: Đã gửi" in scoring and "Biên bản bình xét: Dự thảo" in scoring
    done = row_html(page, year_of_blocs["done"].bloc)
    assert "Đã ký" in done and "Đã khóa" in done and "Đã kết thúc (2/2)" in done
    assert "Tờ trình khen thưởng: Đã gửi" in done and "4/4 việc" in done
    assert "Đề nghị Cờ thi đua của Chính phủ: 1" in done
    assert "style=" not in page.split('<main id="main"')[1]  # the CSP forbids inline styles
    assert year_of_blocs["fresh"].bloc.name in page and "năm 2023" not in page


def test_overdue_items_are_labelled_only_when_past_due_and_not_done(
    client, board, year_of_blocs, frozen_today
):
    past, future = TODAY - timedelta(days=1), TODAY + timedelta(days=30)
    BoardDeadline.objects.bulk_create(
        [
            BoardDeadline(year=YEAR, item="agreement_signed", due=past),
            BoardDeadline(year=YEAR, item="scoring_locked", due=past),
            BoardDeadline(year=YEAR, item="vote_closed", due=future),
            BoardDeadline(year=YEAR, item="documents_submitted", due=TODAY),  # due today: not yet overdue
        ]
    )
    rows = by_bloc(selectors.overview_rows(YEAR))
    scoring, done = rows[year_of_blocs["scoring"].bloc_id], rows[year_of_blocs["done"].bloc_id]
    assert [s.item for s in scoring.overdue] == ["agreement_signed", "scoring_locked"]
    assert done.overdue == []

    page = client.get(f"/overview/?year={YEAR}").content.decode()
    assert "Ký giao ước thi đua: <strong>31/01/2025</strong>" in page
    scoring_row = row_html(page, year_of_blocs["scoring"].bloc)
    assert scoring_row.count("Quá hạn 31/01/2025") == 2 and "2 việc quá hạn" in scoring_row
    assert scoring_row.count('class="overview-overdue"') == 2
    done_row = row_html(page, year_of_blocs["done"].bloc)
    assert "Quá hạn" not in done_row and "overview-overdue" not in done_row

    BoardDeadline.objects.filter(item="vote_closed").update(due=past)
    BoardDeadline.objects.filter(item="documents_submitted").update(due=past)
    scoring = by_bloc(selectors.overview_rows(YEAR))[year_of_blocs["scoring"].bloc_id]
    assert len(scoring.overdue) == 4
    assert by_bloc(selectors.overview_rows(YEAR))[year_of_blocs["done"].bloc_id].overdue == []


def test_a_dashboards_steps_read_alone_are_the_overviews_steps(year_of_blocs, frozen_today):
    past = TODAY - timedelta(days=1)
    BoardDeadline.objects.bulk_create(
        BoardDeadline(year=YEAR, item=item, due=past) for item in BoardDeadline.Item
    )
    drafting = year_of_blocs["drafting"]  # a closed ballot beside its draft one: the vote is not over
    closed_ballot(drafting, award="co_tinh", selected=members(drafting)[:1])
    full = by_bloc(selectors.overview_rows(YEAR))
    alone = by_bloc(
        selectors.overview_rows(YEAR, steps_only=True, term_ids=[t.pk for t in year_of_blocs.values()])
    )
    assert {bloc: row.steps for bloc, row in alone.items()} == {bloc: row.steps for bloc, row in full.items()}
    done = {
        name: [s.done for s in alone[term.bloc_id].steps.values()] for name, term in year_of_blocs.items()
    }
    assert done == {
        "fresh": [False, False, False, False],
        "drafting": [False, False, False, False],
        "scoring": [False, False, False, False],
        "done": [True, True, True, True],
    }


def test_no_deadline_means_nothing_overdue(year_of_blocs, frozen_today):
    assert all(row.overdue == [] for row in selectors.overview_rows(YEAR))


# The Government flag: at most 20 % of the bloc-leading units ----------------------------------------


def test_government_flag_count_against_twenty_percent_of_blocs(client, board):
    terms = [make_term(year=YEAR, members=3) for _ in range(10)]
    assert selectors.government_flag_count(YEAR) == (0, 2)
    closed_ballot(terms[0], award="co_cp", selected=members(terms[0])[:1])
    closed_ballot(terms[1], award="co_cp", selected=members(terms[1])[:1])
    # Not counted: another award, a ballot still open, another year.
    closed_ballot(terms[2], award="co_tinh", selected=members(terms[2])[:2])
    Ballot.objects.create(
        term=terms[3], kind="award", title="Đang bầu", award="co_cp", state=BallotState.OPEN
    )
    other_year = make_term(year=YEAR - 1, members=2)
    closed_ballot(other_year, award="co_cp", selected=members(other_year)[:1])
    assert selectors.government_flag_count(YEAR) == (2, 2)
    page = client.get(f"/overview/?year={YEAR}").content.decode()
    assert "2 đơn vị được các khối đề nghị; tối đa 2" in page and "Trong mức cho phép." in page

    closed_ballot(terms[4], award="co_cp", selected=members(terms[4])[:1])
    assert selectors.government_flag_count(YEAR) == (3, 2)
    page = client.get(f"/overview/?year={YEAR}").content.decode()
    assert "overview-flag-over" in page and "Vượt mức cho phép 1 đơn vị." in page


def test_government_flag_allowance_rounds_down_and_counts_a_runoff_once():
    assert [selectors.government_flag_allowed(n) for n in (0, 4, 5, 9, 10, 14, 15)] == [0, 0, 1, 1, 2, 2, 3]
    term = make_term(year=YEAR, members=5)
    m = members(term)
    # The original ballot selected one unit; its run-off selected another; the same unit twice counts once.
    first = closed_ballot(term, award="co_cp", selected=[m[0]])
    closed_ballot(term, award="co_cp", selected=[m[1], m[0]], kind="runoff", runoff_of=first)
    assert selectors.government_flag_count(YEAR) == (2, 0)


def test_government_flag_from_a_ballot_closed_by_the_service():
    term = make_term(year=YEAR, members=3)
    leader, deputy, member = members(term)
    ballot = make_ballot(term, kind="award", award="co_cp", state="open")
    for voter in (leader, deputy, member):
        cast(ballot, voter, deputy)
    from ballots import services as ballot_services

    ballot_services.ballot_close(ballot=ballot, by=None)
    assert selectors.government_flag_count(YEAR) == (1, 0)
    assert selectors.government_flag_proposals(YEAR) == {term.pk: {deputy.pk}}


# The XLSX export ------------------------------------------------------------------------------------


def test_a_control_character_stored_earlier_does_not_break_the_export(client, board, year_of_blocs):
    # Stored before the forms refused control characters, or brought in by an archive.
    term = Term.objects.filter(year=YEAR).order_by("bloc__name").first()
    Bloc.objects.filter(pk=term.bloc_id).update(name="Khối\x07 có ký tự lạ\x1b")
    response = client.get(f"/overview.xlsx?year={YEAR}")
    assert response.status_code == 200
    names = [c.value for c in load_workbook(BytesIO(response.content)).active["B"]]
    assert "Khối có ký tự lạ" in names


def test_export_has_one_row_per_bloc_with_the_page_figures(client, board, year_of_blocs, frozen_today):
    BoardDeadline.objects.create(year=YEAR, item="agreement_signed", due=TODAY - timedelta(days=1))
    response = client.get(f"/overview.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["STT", "Khối thi đua", "Số thành viên"] and all(c.font.bold for c in sheet[3])
    data = [dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=4)]
    rows = selectors.overview_rows(YEAR)
    assert len(data) == len(rows) == 4
    page = client.get(f"/overview/?year={YEAR}").content.decode()
    for line, row in zip(data, rows, strict=True):
        assert line["Khối thi đua"] == row.bloc.name
        assert isinstance(line["Số thành viên"], int) and line["Số thành viên"] == row.members
        assert isinstance(line["Phiếu tự chấm đã nộp"], int) and line["Phiếu tự chấm đã nộp"] == row.submitted
        assert line["Số việc đã xong (trên 4)"] == row.steps_done
        html = row_html(page, row.bloc)
        for column in ("Giao ước", "Chấm điểm", "Bình xét, suy tôn", "Tờ trình khen thưởng"):
            assert line[column] in html
        assert (f"{row.submitted}/{row.members} phiếu" in html) == bool(row.scoring)
        assert f"{row.steps_done}/4 việc" in html
        assert ("Ký giao ước thi đua" in (line["Quá hạn"] or "")) == bool(row.overdue)
    assert (
        "Cờ thi đua của Chính phủ: 1 đơn vị; tối đa 0" in sheet["A2"].value
        and "VƯỢT MỨC" in sheet["A2"].value
    )


# Deadlines ------------------------------------------------------------------------------------------


def deadline_post(**values) -> dict:
    return {item: values.get(item, "") for item in BoardDeadline.Item.values}


def test_board_sets_the_deadlines_of_a_year_with_audit(client, board):
    response = client.post(
        f"/overview/deadlines/?year={YEAR}",
        deadline_post(agreement_signed="31/03/2024", documents_submitted="15/01/2025"),
    )
    assert response.status_code == 302 and response["Location"] == f"/overview/?year={YEAR}"
    assert dict(BoardDeadline.objects.filter(year=YEAR).values_list("item", "due")) == {
        "agreement_signed": date(2024, 3, 31),
        "documents_submitted": date(2025, 1, 15),
    }
    events = AuditEvent.objects.filter(action="board_deadline.set").order_by("pk")
    assert [(e.old, e.new, e.actor_id) for e in events] == [
        (None, {"due": "2024-03-31"}, board.pk),
        (None, {"due": "2025-01-15"}, board.pk),
    ]
    page = client.get(f"/overview/deadlines/?year={YEAR}").content.decode()
    assert 'value="31/03/2024"' in page and 'value="15/01/2025"' in page

    # Move one, clear the other: one event each with old and new.
    response = client.post(f"/overview/deadlines/?year={YEAR}", deadline_post(agreement_signed="15/04/2024"))
    assert response.status_code == 302
    assert dict(BoardDeadline.objects.filter(year=YEAR).values_list("item", "due")) == {
        "agreement_signed": date(2024, 4, 15)
    }
    moved = AuditEvent.objects.filter(action="board_deadline.set").latest("pk")
    cleared = AuditEvent.objects.get(action="board_deadline.clear")
    assert (moved.old, moved.new) == ({"due": "2024-03-31"}, {"due": "2024-04-15"})
    assert (cleared.old, cleared.new) == ({"due": "2025-01-15"}, None)

    # The same dates again from the page rendered anew (a new CSRF token, so not a double click):
    # nothing changes, nothing is logged.
    count = AuditEvent.objects.count()
    again = deadline_post(agreement_signed="15/04/2024") | {"csrfmiddlewaretoken": "rendered-again"}
    response = client.post(f"/overview/deadlines/?year={YEAR}", again, follow=True)
    assert "Không có hạn nào thay đổi." in response.content.decode()
    assert AuditEvent.objects.count() == count


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2024", "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy"),
        ("2024-03-31", "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy"),
        ("hôm nay", "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy"),
        ("31/03/2030", "Hạn của năm 2024 phải trong năm 2024 hoặc 2025."),
    ],
)
def test_malformed_deadline_is_refused_with_a_message_and_nothing_changes(client, board, value, message):
    BoardDeadline.objects.create(year=YEAR, item="scoring_locked", due=date(2024, 12, 20))
    response = client.post(
        f"/overview/deadlines/?year={YEAR}",
        deadline_post(agreement_signed=value, vote_closed="30/12/2024"),  # scoring_locked left empty
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(BoardDeadline.objects.values_list("item", "due")) == [("scoring_locked", date(2024, 12, 20))]
    assert not AuditEvent.objects.exists()


def test_deadlines_service_refuses_an_unknown_item_and_writes_nothing(board):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service.deadlines_set(year=YEAR, dues={"agreement_signed": date(2024, 3, 1), "nap": None}, by=board)
    assert not BoardDeadline.objects.exists() and not AuditEvent.objects.exists()


# The province's decisions ---------------------------------------------------------------------------


@pytest.fixture
def proposed():
    return make_proposals()


def make_proposals():
    """A closed 2024 term that proposed its first member for the provincial flag and two for the
    provincial certificate of merit; the last member was not proposed."""
    term = make_term(year=YEAR, members=4)
    m = members(term)
    closed_ballot(term, award="co_tinh", selected=[m[0]], votes=4)
    closed_ballot(term, award="bk_tinh", selected=[m[1], m[2]], votes=3)
    make_ballot(term, kind="award", award="co_cp", state="open")  # not closed: proposes nothing
    return term, m


def decision_post(membership, award, **fields) -> dict:
    return {"membership": membership.pk, "award": award, "awarded": "1", "decision_number": "",
            "decision_date": "", "note": ""} | fields  # fmt: skip


def test_decisions_page_lists_the_proposals_per_award(client, board, proposed):
    term, m = proposed
    page = client.get(f"/terms/{term.pk}/decisions/").content.decode()
    flag, merit = page.index("Cờ thi đua của UBND tỉnh"), page.index("Bằng khen của Chủ tịch UBND tỉnh")
    assert flag < page.index(m[0].unit.name) < merit < page.index(m[1].unit.name)
    assert m[3].unit.name not in page and "Cờ thi đua của Chính phủ" not in page
    assert page.count("Chưa có quyết định của tỉnh.") == 3
    assert [(p.membership.pk, p.award, p.votes) for p in selectors.term_proposals(term)] == [
        (m[0].pk, "co_tinh", 4), (m[1].pk, "bk_tinh", 3), (m[2].pk, "bk_tinh", 3),
    ]  # fmt: skip


def test_board_records_a_decision_with_audit(client, board, proposed, frozen_today):
    term, m = proposed
    response = client.post(
        f"/terms/{term.pk}/decisions/",
        decision_post(
            m[0], "co_tinh", decision_number="125/QĐ-UBND", decision_date="20/01/2025", note="Đợt 1"
        ),
    )
    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    assert (decision.term, decision.membership, decision.award, decision.awarded) == (
        term,
        m[0],
        "co_tinh",
        True,
    )
    assert (decision.decision_number, decision.decision_date, decision.recorded_by) == (
        "125/QĐ-UBND", date(2025, 1, 20), board,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="award_decision.record")
    assert event.old is None and event.term == term
    assert event.new == {"awarded": True, "decision_number": "125/QĐ-UBND", "decision_date": "2025-01-20",
                         "note": "Đợt 1"}  # fmt: skip
    page = client.get(f"/terms/{term.pk}/decisions/").content.decode()
    assert "Quyết định số 125/QĐ-UBND ngày 20/01/2025" in page

    # Correcting it: the same row, a second event with old and new.
    assert 'name="lock_version" value="0"' in page
    client.post(
        f"/terms/{term.pk}/decisions/",
        decision_post(m[0], "co_tinh", awarded="0", note="Không đủ", lock_version="0"),
    )
    decision.refresh_from_db()
    assert AwardDecision.objects.count() == 1 and decision.awarded is False
    second = AuditEvent.objects.filter(action="award_decision.record").latest("pk")
    assert second.old["awarded"] is True and second.new["awarded"] is False


def test_two_board_staff_deciding_the_same_proposal_at_once_the_second_is_told_to_reload(
    client, board, proposed, frozen_today
):
    term, m = proposed
    url = f"/terms/{term.pk}/decisions/"
    stale = STALE
    colleague = Client()
    colleague.force_login(make_user(board=True))
    # Both opened the page before any decision: the colleague records first.
    assert colleague.post(url, decision_post(m[0], "co_tinh", awarded="0", note="Chưa đủ")).status_code == 302
    refused = client.post(
        url, decision_post(m[0], "co_tinh", decision_number="1/QĐ", decision_date="20/01/2025")
    )
    assert refused.status_code == 400 and stale in refused.content.decode()
    assert AwardDecision.objects.get().note == "Chưa đủ"
    # Both read version 0: the colleague corrects first; the second correction is refused.
    for who, note, expected in ((colleague, "Đủ", 302), (client, "Không", 400)):
        response = who.post(url, decision_post(m[0], "co_tinh", awarded="0", note=note, lock_version="0"))
        assert response.status_code == expected
    decision = AwardDecision.objects.get()
    assert (decision.note, decision.lock_version) == ("Đủ", 1)
    assert AuditEvent.objects.filter(action="award_decision.record").count() == 2
    # A garbled version is out of date too; the page then shows the current one.
    garbled = client.post(url, decision_post(m[0], "co_tinh", awarded="0", note="X", lock_version="x"))
    assert garbled.status_code == 400 and stale in garbled.content.decode()
    assert 'name="lock_version" value="1"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decision_date": "20/01/2025"}, "Được khen thưởng: ghi số quyết định."),
        ({"decision_number": "125/QĐ-UBND"}, "Được khen thưởng: ghi ngày quyết định."),
        ({"decision_number": "125/QĐ-UBND", "decision_date": "32/01/2025"}, "Ngày không hợp lệ"),
        ({"decision_number": "125/QĐ-UBND", "decision_date": "02/02/2025"}, "không được sau hôm nay"),
        ({"awarded": ""}, "Chọn kết quả: được hay không được khen thưởng."),
    ],
)
def test_a_bad_decision_is_refused_with_a_message_and_nothing_changes(
    client, board, proposed, frozen_today, fields, message
):
    term, m = proposed
    response = client.post(f"/terms/{term.pk}/decisions/", decision_post(m[1], "bk_tinh", **fields))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Chưa ghi được quyết định" in page
    assert not AwardDecision.objects.exists() and not AuditEvent.objects.exists()


def test_a_date_the_form_refused_keeps_its_own_message_only(client, board, proposed, frozen_today):
    term, m = proposed
    post = decision_post(m[1], "bk_tinh", decision_number="1/QĐ", decision_date="32/01/2025")
    page = client.post(f"/terms/{term.pk}/decisions/", post).content.decode()
    assert page.count("Ngày không hợp lệ") == 1 and "ghi ngày quyết định" not in page


def test_the_decisions_rules_are_the_models_for_the_form_and_the_service(board, proposed, frozen_today):
    from django.core.exceptions import ValidationError

    from board.forms import AwardDecisionForm

    term, m = proposed
    with pytest.raises(ValidationError) as caught:
        AwardDecision(term=term, membership=m[0], award="co_tinh", awarded=True).full_clean()
    expected = {
        "decision_number": ["Được khen thưởng: ghi số quyết định."],
        "decision_date": ["Được khen thưởng: ghi ngày quyết định."],
    }
    assert caught.value.message_dict == expected
    form = AwardDecisionForm(decision_post(m[0], "co_tinh"), instance=AwardDecision(term=term))
    assert not form.is_valid() and {k: form.errors[k] for k in expected} == expected
    with pytest.raises(ValidationError) as caught:
        service.award_decision_record(term=term, membership=m[0], award="co_tinh", awarded=True, by=board)
    assert caught.value.message_dict == expected
    future = date(2025, 2, 2)
    with pytest.raises(ValidationError, match="Ngày quyết định không được sau hôm nay."):
        service.award_decision_record(
            term=term, membership=m[0], award="co_tinh", awarded=True, decision_number="1",
            decision_date=future, by=board,
        )  # fmt: skip
    assert not AwardDecision.objects.exists()


def test_the_leading_unit_of_a_ballot_without_an_award_is_proposed_for_the_provincial_flag(client, board):
    """The printed proposal, the decisions page and the award history read the same proposals
    (issue 15, item 7): the leading unit is proposed for the provincial flag on all three."""
    from ballots import selectors as ballot_selectors

    term = make_term(year=YEAR, members=3)
    leader = members(term)[0]
    closed_ballot(term, award="", kind="leading", selected=[leader])
    assert [(p.membership_id, p.award) for p in ballot_selectors.term_proposals(term)] == [
        (leader.pk, "co_tinh")
    ]
    assert [(p.membership.pk, p.award) for p in selectors.term_proposals(term)] == [(leader.pk, "co_tinh")]
    assert [(p.membership.pk, p.award) for p in selectors.unit_award_history(leader.unit)] == [
        (leader.pk, "co_tinh")
    ]
    response = client.post(f"/terms/{term.pk}/decisions/", decision_post(leader, "co_tinh", awarded="0"))
    assert response.status_code == 302
    assert AwardDecision.objects.get().membership == leader


def test_a_unit_that_was_not_proposed_gets_no_decision(client, board, proposed):
    term, m = proposed
    for data in (decision_post(m[3], "co_tinh", awarded="0"), decision_post(m[0], "bk_tinh", awarded="0"),
                 decision_post(m[0], "co_cp", awarded="0")):  # fmt: skip
        response = client.post(f"/terms/{term.pk}/decisions/", data)
        assert response.status_code == 400
        assert "Không tìm thấy đề nghị này" in response.content.decode()
    other = make_term(year=YEAR, members=2)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service.award_decision_record(term=other, membership=m[0], award="co_tinh", awarded=False, by=board)
    assert not AwardDecision.objects.exists() and not AuditEvent.objects.exists()


# A unit's award history -----------------------------------------------------------------------------


def test_unit_award_history_across_years_with_the_names_of_the_year(client, proposed):
    term, m = proposed
    unit = m[0].unit
    UnitName.objects.create(unit=unit, name="Sở Tên Cũ", until_year=2023)
    earlier = make_term(year=2023)
    old_membership = Membership.objects.create(term=earlier, unit=unit, position=1, role=Role.MEMBER)
    closed_ballot(earlier, award="bk_tinh", selected=[old_membership], votes=7)
    AwardDecision.objects.create(term=term, membership=m[0], award="co_tinh", awarded=True,
                                 decision_number="9/QĐ-UBND", decision_date=date(2025, 1, 20))  # fmt: skip
    history = selectors.unit_award_history(unit)
    assert [(p.term.year, p.award, p.votes, p.decision is not None) for p in history] == [
        (2024, "co_tinh", 4, True), (2023, "bk_tinh", 7, False),
    ]  # fmt: skip

    client.force_login(make_user(unit=unit))
    page = client.get(f"/units/{unit.pk}/awards/").content.decode()
    assert page.index("2024") < page.index("Sở Tên Cũ")
    assert "Cờ thi đua của UBND tỉnh" in page and "Quyết định số 9/QĐ-UBND ngày 20/01/2025" in page
    assert "Bằng khen của Chủ tịch UBND tỉnh" in page and "Chưa có quyết định" in page
    assert earlier.bloc.name in page and term.bloc.name in page
    assert f"/terms/{term.pk}/decisions/" not in page  # the decisions page is the board's

    client.force_login(make_user(unit=m[1].unit))
    assert client.get(f"/units/{unit.pk}/awards/").status_code == 404


# Query counts: the same for 5 and for 30 blocs --------------------------------------------------------


def make_province(blocs: int, *, year: int, prefix: str) -> None:
    """`blocs` blocs with a term in `year`, each with everything the overview reads: 5 renamed units
    (leader, deputy, members), a signed agreement over a superseded one, open scoring with sheets,
    an open and two closed ballots (one for the Government flag) and every document."""
    now = timezone.now()
    for b in range(blocs):
        bloc = Bloc.objects.create(name=f"{prefix} khối {b:02d}")
        units = Unit.objects.bulk_create(Unit(name=f"{prefix} đơn vị {b}-{i}") for i in range(5))
        UnitName.objects.bulk_create(
            UnitName(unit=u, name=f"Tên cũ {u.name}", until_year=year) for u in units
        )
        term = Term.objects.create(bloc=bloc, year=year)
        ms = Membership.objects.bulk_create(
            Membership(term=term, unit=u, year=year, position=i + 1,
                       role=[Role.LEADER, Role.DEPUTY][i] if i < 2 else Role.MEMBER,
                       chosen_by="elected" if i < 2 else "")
            for i, u in enumerate(units)
        )  # fmt: skip
        for version in (1, 2):
            Agreement.objects.create(
                term=term, version=version, title="Giao ước", status=AgreementStatus.SIGNED, frozen={},
                finalized_at=now, verification_code=secrets.token_hex(8), final_sha256="d" * 64,
                signed_on=now.date(), signed_at=now, superseded_at=now if version == 1 else None,
            )  # fmt: skip
        criteria_set = CriteriaSet.objects.create(term=term, name="Bảng", state="open", deadline=now,
                                                  opened_at=now)  # fmt: skip
        self_sheets(criteria_set, ms, submitted=3)
        Ballot.objects.create(term=term, kind="award", title="Đang bầu", award="bk_tinh", state="open")
        closed_ballot(term, award="co_cp", selected=[ms[0]])
        closed_ballot(term, award="co_tinh", selected=[ms[0], ms[1]])
        for kind in selectors.DOCUMENT_KINDS:
            document(term, kind, DocumentStatus.SUBMITTED if kind != DocumentKind.PROPOSAL else "draft")
    for item in BoardDeadline.Item.values:
        BoardDeadline.objects.create(year=year, item=item, due=date(year, 12, 31))


def count_queries(client, url: str) -> int:
    client.get(url)  # the first request of a year also saves it in the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Session and user (2), the user's and the group's permissions (2, is_board), the deadlines (1), the
# Government-flag ballots (1), the year's terms with every count and status (1), their leader and
# deputy (1); the page adds the header's year selector (1).
PINNED = {"overview": 8, "overview_export": 7}


def test_overview_queries_do_not_grow_with_the_blocs(client, board):
    counts = {}
    for label, size, year in (("small", 5, 2021), ("large", 30, 2022)):
        make_province(size, year=year, prefix=label)
        assert len(selectors.overview_rows(year)) == size
        counts[label] = {
            "overview": count_queries(client, f"/overview/?year={year}"),
            "overview_export": count_queries(client, f"/overview.xlsx?year={year}"),
        }
    assert counts["small"] == counts["large"] == PINNED


def test_overview_rows_of_a_large_province_read_every_figure():
    make_province(3, year=2022, prefix="p")
    for row in selectors.overview_rows(2022):
        assert (row.members, row.agreement, row.submitted, row.ballots_open, row.ballots_closed) == (
            5, "signed", 3, 1, 2,
        )  # fmt: skip
        assert row.leader.display_name.startswith("Tên cũ") and row.government_flag == 1
        assert row.documents["proposal"] == "draft" and row.documents["report_yearend"] == "submitted"
    assert selectors.government_flag_count(2022) == (3, 0)


def test_overview_defaults_to_the_selected_year(client, board):
    make_term(year=2023, members=2)
    current = make_term(year=2024, members=2)
    page = client.get("/overview/").content.decode()
    assert "Tổng hợp các khối thi đua năm 2024" in page and current.bloc.name in page
    assert client.get("/overview/deadlines/").status_code == 200


def test_a_units_users_reach_its_award_history_from_the_menu(client):
    from blocs.models import Role
    from tests.factories import make_term, unit_user

    term = make_term(year=2024, members=3)
    user = unit_user(term, Role.MEMBER)
    client.force_login(user)
    page = client.get("/").content.decode()
    link = f'href="/units/{user.unit_id}/awards/"'
    assert link in page and "Khen thưởng của đơn vị" in page
    assert client.get(f"/units/{user.unit_id}/awards/").status_code == 200
