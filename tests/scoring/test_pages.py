"""Scoring pages: the sheet as users type it (decimal comma, a message at each bad cell, nothing
saved), hostile text, and query counts that do not grow with the bloc or the criteria table."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blocs.models import Role
from scoring import services
from scoring.models import CriteriaSet, Criterion, CriterionKind, Score
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


def judged(criteria_set):
    return list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))


@pytest.fixture
def world():
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, state="open")
    return term, criteria_set


def test_member_saves_a_sheet_with_decimal_commas(client, world):
    term, criteria_set = world
    c1, c2, c3 = judged(criteria_set)
    deduction = criteria_set.criteria.get(kind=CriterionKind.DEDUCTION)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(
        f"/scoring/{criteria_set.pk}/sheet/",
        {f"c{c1.pk}": "8,5", f"n{c1.pk}": "Báo cáo số 12/BC", f"c{c2.pk}": "10", f"c{deduction.pk}": "1,5"},
    )
    assert response.status_code == 302
    page = client.get(f"/scoring/{criteria_set.pk}/sheet/").content.decode()
    assert 'value="8,5"' in page and "Báo cáo số 12/BC" in page
    assert "Tổng điểm tự chấm" in page and ">17</td>" in page  # 8,5 + 10 − 1,5
    assert Score.objects.get(criterion=deduction).points == Decimal("-1.5")


def test_bad_cells_get_messages_at_their_cells_and_nothing_is_saved(client, world):
    term, criteria_set = world
    c1, c2, c3 = judged(criteria_set)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(
        f"/scoring/{criteria_set.pk}/sheet/",
        {f"c{c1.pk}": "7,5", f"c{c2.pk}": "10,5", f"c{c3.pk}": "abc"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Vượt điểm tối đa (10 điểm)." in page and "Phải là một số không âm" in page
    assert f'id="e{c2.pk}"' in page and f'aria-describedby="e{c3.pk}"' in page
    assert 'value="10,5"' in page  # what was typed stays in the cell
    assert not Score.objects.exists()


def test_a_score_off_its_step_is_refused_by_the_service_with_the_message_at_the_cell(client, world):
    term, criteria_set = world
    c1 = judged(criteria_set)[0]
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(f"/scoring/{criteria_set.pk}/sheet/", {f"c{c1.pk}": "7,3"})
    assert response.status_code == 400 and "bước 0,5" in response.content.decode()
    assert not Score.objects.exists()


@pytest.mark.parametrize("garbled", ["x", "-1", "²", "9" * 12])
def test_a_garbled_sheet_version_is_out_of_date_like_every_forms(client, world, garbled):
    term, criteria_set = world
    c1 = judged(criteria_set)[0]
    client.force_login(unit_user(term, Role.MEMBER))
    url = f"/scoring/{criteria_set.pk}/sheet/"
    assert client.post(url, {f"c{c1.pk}": "5", "lock_version": ""}).status_code == 302  # absent: no check
    response = client.post(url, {f"c{c1.pk}": "6", "lock_version": garbled})
    assert response.status_code == 200 and "Người khác vừa sửa" in response.content.decode()
    assert Score.objects.get().points == Decimal(5)


def test_hostile_note_is_shown_as_text(client, world):
    term, criteria_set = world
    c1 = judged(criteria_set)[0]
    user = unit_user(term, Role.MEMBER)
    client.force_login(user)
    hostile = '<script>alert(1)</script><img src="http://127.0.0.1:9/x">'
    client.post(f"/scoring/{criteria_set.pk}/sheet/", {f"c{c1.pk}": "5", f"n{c1.pk}": hostile})
    page = client.get(f"/scoring/{criteria_set.pk}/sheet/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_submitting_from_the_page_and_then_reading_only(client, world):
    term, criteria_set = world
    cells = {f"c{c.pk}": "9" for c in judged(criteria_set)}
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(f"/scoring/{criteria_set.pk}/sheet/", {**cells, "submit": ""})
    assert response.status_code == 302
    page = client.get(f"/scoring/{criteria_set.pk}/sheet/").content.decode()
    assert "Đã nộp" in page and 'name="submit"' not in page
    assert not any(f'name="c{c.pk}"' in page for c in judged(criteria_set))
    # A double click: the same post again is not an error and changes nothing.
    again = client.post(f"/scoring/{criteria_set.pk}/sheet/", {**cells, "submit": ""})
    assert again.status_code == 302 and Score.objects.count() == 3


def test_criteria_page_shows_the_nominal_maximum_and_progress(client, world):
    term, criteria_set = world
    member = term.memberships.get(role=Role.MEMBER, position=3)
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member,
        cells={c.pk: Cell(points=Decimal(5)) for c in judged(criteria_set)}, lock_version=None, by=None,
    )  # fmt: skip
    services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/scoring/{criteria_set.pk}/").content.decode()
    assert "<strong>30</strong>" in page and "Đã nộp <strong>1</strong> / 4 đơn vị" in page


# Query counts -----------------------------------------------------------------------------------


def build(members: int, criteria: int):
    term = make_term(year=2024, members=members)
    criteria_set = make_criteria_set(term, criteria=criteria, all_kinds=True, state="open")
    for m in term.memberships.all():
        cells = {c.pk: Cell(points=Decimal(5), note="Minh chứng") for c in judged(criteria_set)}
        services.sheet_save(criteria_set=criteria_set, membership=m, cells=cells, lock_version=None, by=None)
    return term, criteria_set


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


PAGES = {
    "criteria": "/scoring/{pk}/",
    "own_sheet": "/scoring/{pk}/sheet/",
    "export": "/scoring/{pk}/export.xlsx",
}
PINNED = {"criteria": 15, "own_sheet": 13, "export": 7}


def test_scoring_pages_keep_their_query_counts_whatever_the_size(client):
    counts = {}
    for label, (members, criteria) in {"small": (8, 20), "large": (20, 60)}.items():
        term, criteria_set = build(members, criteria)
        assert Criterion.objects.filter(criteria_set=criteria_set).count() == criteria + 3 + 2 + 2
        client.force_login(unit_user(term, Role.LEADER))
        client.get("/")  # the first page stores the chosen year in the session
        counts[label] = {name: count(client, url.format(pk=criteria_set.pk)) for name, url in PAGES.items()}
        client.logout()
    assert counts["small"] == counts["large"]
    assert counts["large"] == PINNED


def test_admin_cannot_add_change_or_delete_scores(admin_client, world):
    term, criteria_set = world
    c1 = judged(criteria_set)[0]
    member = term.memberships.filter(role=Role.MEMBER).first()
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    score = sheet.scores.get()
    for model, pk in (("score", score.pk), ("sheet", sheet.pk), ("criteriaset", criteria_set.pk)):
        assert admin_client.get(f"/admin/scoring/{model}/{pk}/change/").status_code == 200
        assert admin_client.get(f"/admin/scoring/{model}/{pk}/delete/").status_code == 403
        assert admin_client.get(f"/admin/scoring/{model}/add/").status_code == 403
    admin_client.post(f"/admin/scoring/score/{score.pk}/change/", {"points": "10"})
    score.refresh_from_db()
    assert score.points == Decimal(5)


def build_reviewed(members: int, criteria: int):
    """Every member submitted and reviewed by the leader (criterion 1 lowered), one explanation."""
    term = make_term(year=2024, members=members)
    criteria_set = make_criteria_set(term, criteria=criteria, state="open")
    scored = judged(criteria_set)
    bonus = criteria_set.criteria.get(kind=CriterionKind.BONUS)
    leader = unit_user(term, Role.LEADER)
    for i, m in enumerate(term.memberships.order_by("position")):
        cells = {c.pk: Cell(points=Decimal(8), note="Báo cáo") for c in scored}
        cells[bonus.pk] = Cell(points=Decimal(i % 3))
        sheet = services.sheet_save(
            criteria_set=criteria_set, membership=m, cells=cells, lock_version=None, by=None
        )
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
        review = services.leader_review_start(criteria_set=criteria_set, subject=m, by=leader)
        cells[scored[0].pk] = Cell(points=Decimal(6), note="Thiếu minh chứng")
        services.review_save(sheet=review, cells=cells, lock_version=None, by=leader)
        services.review_submit(sheet=review, by=leader)
    member = term.memberships.filter(role=Role.MEMBER).order_by("position").first()
    services.explanation_file(
        criteria_set=criteria_set, subject=member, criterion=scored[0], text="Có", by=None
    )
    return term, criteria_set


REVIEW_PAGES = {
    "grid": "/scoring/{pk}/grid/",
    "grid_export": "/scoring/{pk}/grid.xlsx",
    "ranking": "/scoring/{pk}/ranking/",
    "ranking_export": "/scoring/{pk}/ranking.xlsx",
    "review": "/scoring/reviews/{review}/",
}
REVIEW_PINNED = {"grid": 14, "grid_export": 12, "ranking": 12, "ranking_export": 8, "review": 12}


def test_grid_ranking_and_review_keep_their_query_counts_whatever_the_size(client):
    counts = {}
    for label, (members, criteria) in {"small": (8, 20), "large": (20, 60)}.items():
        term, criteria_set = build_reviewed(members, criteria)
        review = criteria_set.sheets.filter(layer="leader").order_by("pk").last()
        client.force_login(unit_user(term, Role.LEADER))
        client.get("/")
        counts[label] = {
            name: count(client, url.format(pk=criteria_set.pk, review=review.pk))
            for name, url in REVIEW_PAGES.items()
        }
        page = client.get(f"/scoring/{criteria_set.pk}/grid/").content.decode()
        # Every cell is rendered: members × scored criteria with their three layers.
        assert page.count("<strong>C ") == members * (criteria + 1)  # the bonus too
        client.logout()
    assert counts["small"] == counts["large"]
    assert counts["large"] == REVIEW_PINNED


def test_ranking_states_its_rules_flags_ties_and_draws_the_chart(client):
    term, criteria_set = build_reviewed(4, 3)
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/scoring/{criteria_set.pk}/ranking/").content.decode()
    # Bonus i % 3 for positions 1..4: 0, 1, 2, 0 → positions 1 and 4 share the last rank.
    assert "Đồng hạng, cần bỏ phiếu" in page and "cần bỏ phiếu tại hội nghị" in page
    assert '<svg class="ranking-chart"' in page and page.count("<rect x=") >= 4
    # SVG coordinates are plain numbers, never localized with a decimal comma.
    coordinates = re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)"', page)
    assert coordinates and all(re.fullmatch(r"\d+(\.\d+)?", v) for c in coordinates for v in c)
    assert "Chưa công bố cho thành viên" in page


def test_members_see_the_ranking_only_once_published(client):
    term, criteria_set = build_reviewed(4, 3)
    member = unit_user(term, Role.MEMBER)
    client.force_login(member)
    assert client.get(f"/scoring/{criteria_set.pk}/ranking/").status_code == 403
    explanation = criteria_set.explanations.get()
    services.explanation_decide(explanation=explanation, points=Decimal(7), note="", by=None)
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())
    services.scoring_lock(criteria_set=criteria_set, by=None)
    services.ranking_publish(criteria_set=criteria_set, by=None)
    page = client.get(f"/scoring/{criteria_set.pk}/ranking/").content.decode()
    assert "Đã công bố" in page and "Công bố xếp hạng" not in page


def test_the_member_sees_what_was_lowered_and_explains_it_from_its_sheet(client):
    term, criteria_set = build_reviewed(4, 3)
    member = term.memberships.filter(role=Role.MEMBER).order_by("position").last()  # not yet explained
    client.force_login(make_user(unit=member.unit))
    page = client.get(f"/scoring/{criteria_set.pk}/sheet/").content.decode()
    assert "Kết quả thẩm định" in page and "Tiêu chí bị hạ điểm" in page
    first = judged(criteria_set)[0]
    response = client.post(f"/scoring/{criteria_set.pk}/explain/{first.pk}/", {"text": "Đã gửi báo cáo kèm"})
    assert response.status_code == 302
    again = client.post(f"/scoring/{criteria_set.pk}/explain/{first.pk}/", {"text": "Lần hai"})
    assert again.status_code == 400 and "mỗi tiêu chí một lần" in again.content.decode()
