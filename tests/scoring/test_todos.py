"""Scoring's tasks on the dashboard, per role, through the life of the criteria set."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from blocs.models import Role
from scoring import services
from scoring.models import CriteriaSet, CriterionKind
from scoring.services import Cell
from tests.agreements.test_todos import tasks
from tests.factories import make_criteria_set, make_term, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return make_term(year=2024, members=3)


def test_without_criteria_the_leader_and_deputy_are_asked_to_build_them(client, term):
    for role in (Role.LEADER, Role.DEPUTY):
        assert (
            tasks(client, unit_user(term, role))["Xây dựng bảng tiêu chí chấm điểm"]
            == f"/terms/{term.pk}/scoring/"
        )
    assert "Xây dựng bảng tiêu chí chấm điểm" not in tasks(client, unit_user(term, Role.MEMBER))


def test_in_setup_the_leader_is_asked_to_open_scoring(client, term):
    criteria_set = make_criteria_set(term)
    assert tasks(client, unit_user(term, Role.LEADER))["Hoàn thiện bảng tiêu chí và mở chấm điểm"] == (
        f"/scoring/{criteria_set.pk}/"
    )
    assert "Hoàn thiện bảng tiêu chí và mở chấm điểm" not in tasks(client, unit_user(term, Role.DEPUTY))


def test_open_scoring_asks_each_member_to_submit_until_it_has(client, term):
    criteria_set = make_criteria_set(term, state="open")
    member = unit_user(term, Role.MEMBER)
    found = [text for text in tasks(client, member) if text.startswith("Tự chấm điểm và nộp phiếu trước")]
    assert len(found) == 1 and tasks(client, member)[found[0]] == f"/scoring/{criteria_set.pk}/sheet/"
    membership = term.memberships.get(unit=member.unit)
    cells = {c.pk: Cell(points=Decimal(5)) for c in criteria_set.criteria.filter(kind=CriterionKind.POINTS)}
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=membership, cells=cells, lock_version=None, by=None
    )
    services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    assert not any(text.startswith("Tự chấm") for text in tasks(client, member))


def test_the_leader_is_asked_to_lock_only_when_nothing_is_outstanding(client, term):
    criteria_set = make_criteria_set(term, state="open")
    leader = unit_user(term, Role.LEADER)
    assert not any("khóa chấm điểm" in text for text in tasks(client, leader))  # 0/3 submitted
    with time_machine.travel(criteria_set.deadline + timedelta(minutes=1)):
        late = tasks(client, leader)
    assert late["Đã hết hạn tự chấm: 3 đơn vị chưa nộp phiếu"] == f"/scoring/{criteria_set.pk}/"
    assert not any("khóa chấm điểm" in text for text in late)
    scored = list(criteria_set.criteria.filter(kind=CriterionKind.POINTS))
    for m in term.memberships.all():
        cells = {c.pk: Cell(points=Decimal(8)) for c in scored}
        sheet = services.sheet_save(
            criteria_set=criteria_set, membership=m, cells=cells, lock_version=None, by=None
        )
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    assert not any("khóa chấm điểm" in text for text in tasks(client, leader))  # none reviewed
    for m in term.memberships.all():
        review = services.leader_review_start(criteria_set=criteria_set, subject=m, by=None)
        cells = {c.pk: Cell(points=Decimal(8)) for c in scored}
        cells[scored[0].pk] = Cell(points=Decimal(6), note="Thiếu minh chứng")
        services.review_save(sheet=review, cells=cells, lock_version=None, by=None)
        services.review_submit(sheet=review, by=None)
    assert not any("khóa chấm điểm" in text for text in tasks(client, leader))  # lowered, explainable
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())
    leader_tasks = tasks(client, leader)
    assert (
        leader_tasks["Đủ 3/3 phiếu tự chấm đã thẩm định: khóa chấm điểm"]
        == f"/scoring/{criteria_set.pk}/lock/"
    )
    assert not any(text.startswith("Tự chấm") for text in leader_tasks)


def test_reviewers_explainers_and_the_leader_get_their_review_tasks(client, term):
    criteria_set = make_criteria_set(term, state="open")
    member = term.memberships.get(role=Role.MEMBER)
    deputy = term.memberships.get(role=Role.DEPUTY)
    judged = list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))
    cells = {c.pk: Cell(points=Decimal(8)) for c in judged}
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    leader_user = unit_user(term, Role.LEADER)
    assert tasks(client, leader_user)["1 phiếu tự chấm chờ thẩm định"] == f"/scoring/{criteria_set.pk}/grid/"
    cross = services.cross_assign(criteria_set=criteria_set, reviewer=deputy, subject=member, by=None)
    review = services.leader_review_start(criteria_set=criteria_set, subject=member, by=None)
    deputy_user = unit_user(term, Role.DEPUTY)
    assert "1 phiếu tự chấm chờ thẩm định" not in tasks(client, leader_user)  # its review is started
    name = member.unit.name
    assert tasks(client, leader_user)[f"Thẩm định phiếu của {name}"] == f"/scoring/reviews/{review.pk}/"
    assert tasks(client, deputy_user)[f"Chấm chéo phiếu của {name}"] == f"/scoring/reviews/{cross.pk}/"

    cells[judged[0].pk] = Cell(points=Decimal(6), note="Thiếu minh chứng")
    services.review_save(sheet=review, cells=cells, lock_version=None, by=None)
    services.review_submit(sheet=review, by=None)
    assert f"Thẩm định phiếu của {name}" not in tasks(client, leader_user)
    member_user = unit_user(term, Role.MEMBER)
    assert tasks(client, member_user)["Xem kết quả thẩm định; giải trình nếu bị hạ điểm"] == (
        f"/scoring/{criteria_set.pk}/sheet/"
    )
    services.explanation_file(
        criteria_set=criteria_set, subject=member, criterion=judged[0], text="Có", by=None
    )
    assert (
        tasks(client, leader_user)["1 giải trình chờ trưởng khối quyết định"]
        == f"/scoring/{criteria_set.pk}/grid/"
    )


def test_once_scoring_is_locked_the_leader_is_asked_to_send_the_year_end_documents(client, term):
    from conferences.models import Document

    criteria_set = make_criteria_set(term, state="locked")
    leader = unit_user(term, Role.LEADER)
    assert (
        tasks(client, leader)["Gửi Ban Thi đua – Khen thưởng báo cáo tổng kết, biên bản, tờ trình (còn 3/3)"]
        == f"/terms/{term.pk}/documents/"
    )
    Document.objects.create(
        term=term,
        kind="minutes",
        status="submitted",
        frozen={},
        sha256="0" * 64,
        submitted_at=criteria_set.locked_at,
    )
    assert "Gửi Ban Thi đua – Khen thưởng báo cáo tổng kết, biên bản, tờ trình (còn 2/3)" in tasks(
        client, leader
    )
    assert not any(text.startswith("Gửi Ban") for text in tasks(client, unit_user(term, Role.DEPUTY)))


def test_the_boards_deadlines_that_are_near_or_passed_are_on_the_leaders_dashboard(client, term):
    from datetime import timedelta

    from django.utils import timezone

    from board.models import BoardDeadline

    today = timezone.localdate()
    BoardDeadline.objects.create(year=2024, item="agreement_signed", due=today - timedelta(days=2))
    BoardDeadline.objects.create(year=2024, item="scoring_locked", due=today + timedelta(days=10))
    BoardDeadline.objects.create(year=2024, item="vote_closed", due=today + timedelta(days=90))
    leader_tasks = tasks(client, unit_user(term, Role.LEADER))
    assert leader_tasks[f"Ký giao ước thi đua (đã quá hạn {today - timedelta(days=2):%d/%m/%Y})"] == (
        f"/terms/{term.pk}/agreement/"
    )
    assert f"Khóa chấm điểm (hạn {today + timedelta(days=10):%d/%m/%Y})" in leader_tasks
    assert not any(text.startswith("Bình xét, suy tôn (") for text in leader_tasks)  # not near yet
    assert not any("hạn" in text and "(" in text for text in tasks(client, unit_user(term, Role.MEMBER)))


def test_a_deadline_is_near_from_thirty_days_ahead_and_far_ones_cost_no_reading_of_the_blocs(client, term):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from board.models import BoardDeadline

    today = timezone.localdate()
    leader = unit_user(term, Role.LEADER)
    client.force_login(leader)
    client.get("/?year=2024")  # the session keeps the year: later requests do not write it

    def read(due):
        BoardDeadline.objects.update_or_create(year=2024, item="agreement_signed", defaults={"due": due})
        with CaptureQueriesContext(connection) as queries:
            client.get("/?year=2024")
        return len(queries.captured_queries), tasks(client, leader)

    far, far_tasks = read(today + timedelta(days=31))
    assert not any(text.startswith("Ký giao ước thi đua (") for text in far_tasks)
    near, near_tasks = read(today + timedelta(days=30))
    assert f"Ký giao ước thi đua (hạn {today + timedelta(days=30):%d/%m/%Y})" in near_tasks
    assert near == far + 1  # the blocs' steps are read only when a deadline is near
