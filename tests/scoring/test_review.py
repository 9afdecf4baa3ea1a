"""Review, explanation, decision, final scores and the ranking: the rules of DESIGN.md §3 and §5."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from blocs.models import AuditEvent
from scoring import selectors, services
from scoring.models import CriteriaSet, CriterionKind, FinalScore, Layer, Sheet
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term

pytestmark = pytest.mark.django_db


@contextmanager
def refused(fragment: str):
    with pytest.raises(ValidationError) as caught:
        yield
    assert any(fragment in m for m in caught.value.messages), caught.value.messages


def judged(criteria_set):
    return list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))


def by_kind(criteria_set, kind):
    return criteria_set.criteria.get(kind=kind)


def submit_self(criteria_set, member, points: list, bonus=None, deduction=None):
    cells = {c.pk: Cell(points=Decimal(str(p))) for c, p in zip(judged(criteria_set), points, strict=True)}
    if bonus is not None:
        cells[by_kind(criteria_set, CriterionKind.BONUS).pk] = Cell(points=Decimal(str(bonus)))
    if deduction is not None:
        cells[by_kind(criteria_set, CriterionKind.DEDUCTION).pk] = Cell(points=Decimal(str(deduction)))
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    return services.sheet_submit(sheet=sheet, lock_version=None, by=None)


def review(sheet, points: list, note="Thiếu minh chứng"):
    cells = {
        c.pk: Cell(points=Decimal(str(p)), note=note)
        for c, p in zip(judged(sheet.criteria_set), points, strict=True)
    }
    services.review_save(sheet=sheet, cells=cells, lock_version=None, by=None)
    return services.review_submit(sheet=sheet, by=None)


@pytest.fixture
def bloc():
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, criteria=3, state="open")
    members = list(term.memberships.order_by("position"))
    return term, criteria_set, members


def totals(criteria_set):
    return {m.pk: m.total for m in selectors.with_totals(criteria_set)}


# Review -----------------------------------------------------------------------------------------


def test_the_leaders_review_becomes_the_final_score_and_totals_come_from_the_database(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, m3, [10, 9, 8], bonus=2, deduction=1)
    assert totals(criteria_set)[m3.pk] == Decimal(28)  # self until reviewed
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    assert sheet.reviewer == leader and sheet.layer == Layer.LEADER
    review(sheet, [8, 9, 8])
    row = selectors.with_totals(criteria_set).get(pk=m3.pk)
    assert (row.self_total, row.reviewed_total, row.total) == (Decimal(28), Decimal(25), Decimal(26))
    assert (row.bonus_total, row.deduction_total) == (Decimal(2), Decimal(-1))


def test_the_deputy_reviews_the_leaders_own_sheet(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, leader, [10, 10, 10])
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=leader, by=None)
    assert sheet.reviewer == deputy


def test_a_review_needs_a_submitted_self_assessment_and_a_comment_where_it_differs(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    with refused("chưa nộp phiếu tự chấm"):
        services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    submit_self(criteria_set, m3, [10, 9, 8])
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    c1, c2, c3 = judged(criteria_set)
    with pytest.raises(ValidationError) as caught:
        services.review_save(
            sheet=sheet,
            cells={
                c1.pk: Cell(points=Decimal(7)),
                c2.pk: Cell(points=Decimal(9)),
                c3.pk: Cell(points=Decimal(11)),
            },
            lock_version=None,
            by=None,
        )
    assert set(caught.value.error_dict) == {f"c{c1.pk}", f"c{c3.pk}"}  # c2 agrees: no comment needed
    assert not sheet.scores.exists()
    with refused("Còn 3 tiêu chí chưa thẩm định"):
        services.review_submit(sheet=sheet, by=None)


def test_cross_checks_never_include_a_members_own_sheet(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    with refused("không chấm chéo phiếu của chính mình"):
        services.cross_assign(criteria_set=criteria_set, reviewer=m3, subject=m3, by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sheet.objects.create(criteria_set=criteria_set, subject=m3, reviewer=m3, layer=Layer.CROSS)
    services.cross_assign(criteria_set=criteria_set, reviewer=m4, subject=m3, by=None)
    with refused("Đã phân công"):
        services.cross_assign(criteria_set=criteria_set, reviewer=m4, subject=m3, by=None)


def test_under_the_cross_rule_the_final_score_is_the_mean_of_cross_sheets_rounded_half_up(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(final_rule="cross_mean")
    criteria_set.refresh_from_db()
    submit_self(criteria_set, m3, [10, 10, 10])
    for reviewer, points in ((m4, [9, 8, 10]), (deputy, [9.5, 8.5, 10]), (leader, [9.5, 8, 9.5])):
        review(
            services.cross_assign(criteria_set=criteria_set, reviewer=reviewer, subject=m3, by=None), points
        )
    finals = dict(FinalScore.objects.filter(subject=m3).values_list("criterion__position", "points"))
    # (9 + 9,5 + 9,5) / 3 = 9,333… → 9,33; (8 + 8,5 + 8) / 3 = 8,166… → 8,17;
    # (10 + 10 + 9,5) / 3 = 9,833… → 9,83
    assert finals == {1: Decimal("9.33"), 2: Decimal("8.17"), 3: Decimal("9.83")}


def test_changing_the_rule_recomputes_every_final_score(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, m3, [10, 10, 10])
    review(services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None), [5, 5, 5])
    assert totals(criteria_set)[m3.pk] == Decimal(15)
    services.criteria_settings_update(
        criteria_set=criteria_set, data={"final_rule": "cross_mean"}, lock_version=None, by=None
    )
    assert totals(criteria_set)[m3.pk] == Decimal(30)  # no cross sheet: the self-assessment stands


# Explanation ------------------------------------------------------------------------------------


def test_a_member_explains_a_lowered_criterion_once_and_the_leaders_decision_wins(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    c1, c2, c3 = judged(criteria_set)
    submit_self(criteria_set, m3, [10, 9, 8])
    review(services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None), [7, 9, 8])
    assert selectors.lowered(criteria_set, m3) == {c1.pk: (Decimal(10), Decimal(7))}
    with refused("Chỉ giải trình tiêu chí bị thẩm định hạ điểm"):
        services.explanation_file(criteria_set=criteria_set, subject=m3, criterion=c2, text="x", by=None)
    explanation = services.explanation_file(
        criteria_set=criteria_set, subject=m3, criterion=c1, text="Đã có báo cáo số 15 gửi kèm", by=None
    )
    with refused("mỗi tiêu chí một lần"):
        services.explanation_file(
            criteria_set=criteria_set, subject=m3, criterion=c1, text="Lần hai", by=None
        )
    with pytest.raises(ValidationError) as caught:
        services.explanation_decide(explanation=explanation, points=Decimal("9.3"), note="", by=None)
    assert "points" in caught.value.error_dict
    services.explanation_decide(
        explanation=explanation, points=Decimal("9.5"), note="Chấp nhận một phần", by=None
    )
    assert totals(criteria_set)[m3.pk] == Decimal("26.5")
    final = FinalScore.objects.get(subject=m3, criterion=c1)
    assert (final.source, final.self_points, final.reviewed_points) == ("decision", Decimal(10), Decimal(7))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"explanation.file", "explanation.decide", "score.leader", "review.submit"} <= actions


def test_no_explanation_after_its_deadline(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    c1 = judged(criteria_set)[0]
    submit_self(criteria_set, m3, [10, 9, 8])
    review(services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None), [7, 9, 8])
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        explanation_deadline=timezone.now() - timedelta(minutes=1)
    )
    criteria_set.refresh_from_db()
    with refused("hết thời gian giải trình"):
        services.explanation_file(criteria_set=criteria_set, subject=m3, criterion=c1, text="Muộn", by=None)


# Ranking ----------------------------------------------------------------------------------------


def test_ranking_by_total_with_the_missing_sheet_unranked(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, leader, [9, 9, 9])
    submit_self(criteria_set, deputy, [10, 10, 10])
    submit_self(criteria_set, m3, [8, 8, 8])
    rows = selectors.ranking(criteria_set)
    assert [(r.pk, r.rank) for r in rows] == [(deputy.pk, 1), (leader.pk, 2), (m3.pk, 3), (m4.pk, None)]
    assert not any(r.tied for r in rows)


def test_ties_are_broken_by_the_stated_rules_in_order_and_otherwise_shared_and_flagged(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, leader, [10, 10, 5], bonus=0, deduction=0)  # 25
    submit_self(criteria_set, deputy, [10, 10, 6], deduction=1)  # 25, one deducted
    submit_self(criteria_set, m3, [10, 5, 10])  # 25
    submit_self(criteria_set, m4, [10, 5, 10])  # 25
    group_two = criteria_set.criteria.get(code="II", kind="group")
    rows = selectors.ranking(criteria_set)
    assert {r.rank for r in rows} == {1} and all(r.tied for r in rows)
    services.criteria_settings_update(
        criteria_set=criteria_set,
        data={"tie_break": [{"rule": "group", "criterion": group_two.pk}, {"rule": "fewer_deductions"}]},
        lock_version=None,
        by=None,
    )
    criteria_set.refresh_from_db()
    assert [r.label for r in selectors.tie_rules(criteria_set)] == ["điểm nhóm II cao hơn", "ít điểm trừ hơn"]
    rows = selectors.ranking(criteria_set)
    # Group II (bonus and deductions): leader 0, m3 0, m4 0, deputy −1 → the deputy is last.
    assert rows[-1].pk == deputy.pk and rows[-1].rank == 4
    assert {r.pk for r in rows if r.rank == 1} == {leader.pk, m3.pk, m4.pk}
    assert all(r.tied for r in rows if r.rank == 1)


def test_publishing_needs_the_lock_and_reopening_unpublishes(bloc):
    term, criteria_set, members = bloc
    with refused("Khóa chấm điểm trước"):
        services.ranking_publish(criteria_set=criteria_set, by=None)
    services.scoring_lock(criteria_set=criteria_set, by=None)
    published = services.ranking_publish(criteria_set=criteria_set, by=None)
    assert published.published_at is not None
    reopened = services.scoring_reopen(
        criteria_set=published, deadline=timezone.now() + timedelta(days=1), reason="Sửa điểm", by=None
    )
    assert reopened.published_at is None


def test_ranked_memberships_follow_the_ranking_then_position(bloc):
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, m4, [10, 10, 10])
    submit_self(criteria_set, m3, [9, 9, 9])
    assert [m.pk for m in selectors.ranked_memberships(term)] == [m4.pk, m3.pk, leader.pk, deputy.pk]


def test_a_blank_self_assessed_bonus_or_deduction_equals_a_reviewed_zero(bloc):
    """Issue 15, item 16: no comment is demanded for a 0 where the member left the cell blank."""
    term, criteria_set, (leader, deputy, m3, m4) = bloc
    submit_self(criteria_set, m3, [10, 9, 8])  # bonus and deduction left blank
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    cells = {c.pk: Cell(points=Decimal(p)) for c, p in zip(judged(criteria_set), [10, 9, 8], strict=True)}
    cells[by_kind(criteria_set, CriterionKind.BONUS).pk] = Cell(points=Decimal(0))
    cells[by_kind(criteria_set, CriterionKind.DEDUCTION).pk] = Cell(points=Decimal(0))
    assert selectors.review_errors(sheet=sheet, cells=cells) == {}
    cells[by_kind(criteria_set, CriterionKind.BONUS).pk] = Cell(
        points=Decimal(1)
    )  # a change needs its reason
    assert list(selectors.review_errors(sheet=sheet, cells=cells)) == [
        f"c{by_kind(criteria_set, CriterionKind.BONUS).pk}"
    ]
