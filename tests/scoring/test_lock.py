"""Issue 15, item 2: locking scoring checks what is outstanding. Lowered scores that may still be
explained and explanations awaiting a decision refuse it; missing and unreviewed sheets are listed,
and the lock needs a confirmation that names the consequence."""

from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from blocs.models import AuditEvent, Role
from scoring import services
from scoring.models import CriteriaSet, CriterionKind, ScoringState
from scoring.outstanding import lock_outstanding
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term, unit_user

pytestmark = pytest.mark.django_db


def judged(criteria_set):
    return list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))


def submit(criteria_set, member):
    cells = {c.pk: Cell(points=Decimal(8)) for c in judged(criteria_set)}
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    services.sheet_submit(sheet=sheet, lock_version=None, by=None)


def review(criteria_set, member, *, lowered=False):
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=member, by=None)
    cells = {c.pk: Cell(points=Decimal(8)) for c in judged(criteria_set)}
    if lowered:
        cells[judged(criteria_set)[0].pk] = Cell(points=Decimal(6), note="Thiếu minh chứng")
    services.review_save(sheet=sheet, cells=cells, lock_version=None, by=None)
    services.review_submit(sheet=sheet, by=None)


@pytest.fixture
def year(client):
    """Five members: the leader and the deputy submitted and were reviewed; M3 was reviewed with a
    lowered score; M4 submitted and was not reviewed; M5 never submitted."""
    term = make_term(year=2024, members=5)
    criteria_set = make_criteria_set(term, state="open")
    leader, deputy, m3, m4, m5 = term.memberships.order_by("position")
    for m in (leader, deputy, m3, m4):
        submit(criteria_set, m)
    for m in (leader, deputy):
        review(criteria_set, m)
    review(criteria_set, m3, lowered=True)
    client.force_login(unit_user(term, Role.LEADER))
    return criteria_set, (leader, deputy, m3, m4, m5)


def lock_page(client, criteria_set) -> str:
    return html.unescape(client.get(f"/scoring/{criteria_set.pk}/lock/").content.decode())


def post_lock(client, criteria_set, acknowledged):
    return client.post(
        f"/scoring/{criteria_set.pk}/lock/",
        {"confirmed": "yes", "acknowledged": [str(pk) for pk in acknowledged]},
    )


def close_explanations(criteria_set):
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())


def test_a_lowered_score_that_may_still_be_explained_refuses_the_lock(client, year):
    criteria_set, (leader, deputy, m3, m4, m5) = year
    page = lock_page(client, criteria_set)
    assert "Chưa thực hiện được" in page
    assert f"{m3.unit.name}: 1 tiêu chí bị hạ điểm còn được giải trình (vì chưa đặt hạn giải trình)." in page
    assert 'name="confirmed"' not in page  # no button to press
    response = post_lock(client, criteria_set, lock_outstanding(criteria_set).acknowledged)
    assert response.status_code == 200 and "Chưa khóa được" in response.content.decode()
    criteria_set.refresh_from_db()
    assert criteria_set.state == ScoringState.OPEN

    # An explanation deadline ahead still refuses; once it has passed, the lowered score is final.
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        explanation_deadline=timezone.now() + timedelta(days=1)
    )
    assert "còn được giải trình (đến " in lock_page(client, criteria_set)
    close_explanations(criteria_set)
    assert "Chưa thực hiện được" not in lock_page(client, criteria_set)


def test_an_explanation_awaiting_the_leaders_decision_refuses_the_lock(client, year):
    criteria_set, (leader, deputy, m3, m4, m5) = year
    criterion = judged(criteria_set)[0]
    explanation = services.explanation_file(
        criteria_set=criteria_set, subject=m3, criterion=criterion, text="Có báo cáo", by=None
    )
    close_explanations(criteria_set)
    page = lock_page(client, criteria_set)
    assert (
        f"Giải trình của {m3.unit.name}, tiêu chí {criterion.code} {criterion.text}, "
        "chờ trưởng khối quyết định." in page
    )
    post_lock(client, criteria_set, lock_outstanding(criteria_set).acknowledged)
    assert CriteriaSet.objects.get(pk=criteria_set.pk).state == ScoringState.OPEN
    services.explanation_decide(explanation=explanation, points=Decimal(7), note="", by=None)
    assert "Chưa thực hiện được" not in lock_page(client, criteria_set)


def test_missing_and_unreviewed_sheets_are_named_with_their_consequence_and_confirmed(client, year):
    criteria_set, (leader, deputy, m3, m4, m5) = year
    close_explanations(criteria_set)
    page = lock_page(client, criteria_set)
    assert (
        f"Phiếu của {m4.unit.name} chưa được thẩm định: điểm cuối cùng của {m4.unit.name} lấy theo tự chấm."
        in page
    )
    assert f"{m5.unit.name} chưa nộp phiếu tự chấm: không có điểm, không được xếp hạng." in page
    assert m3.unit.name not in page and leader.unit.name not in page
    assert f'name="acknowledged" value="{m4.pk}"' in page and f'name="acknowledged" value="{m5.pk}"' in page

    response = post_lock(client, criteria_set, [m4.pk, m5.pk])
    assert response.status_code == 302
    criteria_set.refresh_from_db()
    assert criteria_set.state == ScoringState.LOCKED
    event = AuditEvent.objects.get(action="scoring.lock")
    assert event.new["missing"] == [m5.unit.name] and event.new["unreviewed"] == [m4.unit.name]


def test_a_list_that_changed_since_the_page_was_read_refuses_the_lock(client, year):
    criteria_set, (leader, deputy, m3, m4, m5) = year
    close_explanations(criteria_set)
    response = post_lock(client, criteria_set, [m4.pk])  # m5 left out: not what the leader saw
    assert response.status_code == 200 and "đã thay đổi; xem lại trước khi khóa" in response.content.decode()
    assert CriteriaSet.objects.get(pk=criteria_set.pk).state == ScoringState.OPEN


def test_a_first_click_only_shows_the_confirmation(client, year):
    criteria_set, (leader, deputy, m3, m4, m5) = year
    close_explanations(criteria_set)
    response = client.post(f"/scoring/{criteria_set.pk}/lock/", {"acknowledged": [str(m4.pk), str(m5.pk)]})
    page = response.content.decode()
    assert response.status_code == 200 and "Chỉ Ban Thi đua – Khen thưởng mở lại được chấm điểm" in page
    assert CriteriaSet.objects.get(pk=criteria_set.pk).state == ScoringState.OPEN
    criteria = client.get(f"/scoring/{criteria_set.pk}/").content.decode()
    assert f'href="/scoring/{criteria_set.pk}/lock/"' in criteria  # a link to the confirmation, not a form


def test_the_outstanding_list_is_read_in_a_fixed_number_of_queries(year, django_assert_max_num_queries):
    criteria_set, _members = year
    criteria_set = CriteriaSet.objects.select_related("term").get(pk=criteria_set.pk)  # as the view has it
    with django_assert_max_num_queries(5):  # members, submitted, reviewed, lowered, undecided
        lock_outstanding(criteria_set)
