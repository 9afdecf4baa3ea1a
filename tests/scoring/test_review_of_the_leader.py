"""Issue 15, item 1: the deputy reviews the leader's own sheet from the pages; nobody is offered a
review button that the server would refuse."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from blocs.models import Role
from scoring import services
from scoring.models import CriterionKind, FinalScore, Layer, Sheet, SheetStatus
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


def judged(criteria_set):
    return list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))


def submit_self(criteria_set, member, points):
    cells = {c.pk: Cell(points=Decimal(p)) for c, p in zip(judged(criteria_set), points, strict=True)}
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    return services.sheet_submit(sheet=sheet, lock_version=None, by=None)


@pytest.fixture
def year():
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, state="open")
    leader, deputy, m3, m4 = term.memberships.order_by("position")
    submit_self(criteria_set, leader, [10, 10, 10])
    submit_self(criteria_set, m3, [9, 9, 9])
    return term, criteria_set, leader, deputy, m3


def start_buttons(page: str, criteria_set) -> set[int]:
    """The members whose review the page offers to start (the form's action names the member)."""
    return {int(pk) for pk in re.findall(rf'action="/scoring/{criteria_set.pk}/members/(\d+)/review/"', page)}


def dashboard_todos(client) -> str:
    return client.get("/").content.decode()


def test_the_grid_offers_each_review_to_the_unit_that_writes_it(client, year):
    term, criteria_set, leader, deputy, m3 = year
    client.force_login(unit_user(term, Role.LEADER))
    assert start_buttons(client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode(), criteria_set) == {
        m3.pk
    }
    client.force_login(unit_user(term, Role.DEPUTY))
    assert start_buttons(client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode(), criteria_set) == {
        leader.pk
    }
    client.force_login(make_user(board=True))
    assert (
        start_buttons(client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode(), criteria_set) == set()
    )


def test_the_deputy_starts_saves_and_submits_the_review_of_the_leaders_sheet_from_the_pages(client, year):
    term, criteria_set, leader, deputy, m3 = year
    deputy_user = unit_user(term, Role.DEPUTY)
    client.force_login(deputy_user)
    todos = dashboard_todos(client)
    assert "Thẩm định phiếu tự chấm của trưởng khối" in todos
    assert f'href="/scoring/{criteria_set.pk}/grid/"' in todos

    response = client.post(f"/scoring/{criteria_set.pk}/members/{leader.pk}/review/")
    sheet = Sheet.objects.get(criteria_set=criteria_set, subject=leader, layer=Layer.LEADER)
    assert response.status_code == 302 and response["Location"] == f"/scoring/reviews/{sheet.pk}/"
    assert sheet.reviewer == deputy
    assert f"Thẩm định phiếu của {leader.unit.name}" in dashboard_todos(client)
    assert "Thẩm định phiếu tự chấm của trưởng khối" not in dashboard_todos(client)

    c1, c2, c3 = judged(criteria_set)
    form = {f"c{c1.pk}": "8", f"n{c1.pk}": "Thiếu minh chứng", f"c{c2.pk}": "10", f"c{c3.pk}": "10"}
    assert client.post(f"/scoring/reviews/{sheet.pk}/", form).status_code == 302
    assert client.post(f"/scoring/reviews/{sheet.pk}/", form | {"submit": "1"}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert FinalScore.objects.get(subject=leader, criterion=c1).points == Decimal(8)
    assert f"Thẩm định phiếu của {leader.unit.name}" not in dashboard_todos(client)

    # The leader now opens the submitted review of its own sheet from the grid.
    client.force_login(unit_user(term, Role.LEADER))
    grid = client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode()
    assert f'href="/scoring/reviews/{sheet.pk}/"' in grid
    assert client.get(f"/scoring/reviews/{sheet.pk}/").status_code == 200


def test_the_deputys_draft_is_shown_to_the_leader_without_a_link_it_could_not_follow(client, year):
    term, criteria_set, leader, deputy, m3 = year
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=leader, by=None)
    client.force_login(unit_user(term, Role.LEADER))
    grid = client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode()
    assert f"/scoring/reviews/{sheet.pk}/" not in grid and "Thẩm định (đang chấm)" in grid
    assert client.get(f"/scoring/reviews/{sheet.pk}/").status_code == 404


def test_the_leaders_count_of_sheets_to_review_leaves_out_its_own(client, year):
    term, criteria_set, leader, deputy, m3 = year
    client.force_login(unit_user(term, Role.LEADER))
    todos = dashboard_todos(client)
    assert "1 phiếu tự chấm chờ thẩm định" in todos  # m3's; its own is the deputy's
    services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    assert "phiếu tự chấm chờ thẩm định" not in dashboard_todos(client)
