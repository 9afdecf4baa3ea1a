"""Properties of totals and ranks over generated criteria tables and sheets (hypothesis), run
through the same services and querysets as the pages."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import selectors, services
from scoring.models import CriteriaSet, Criterion, CriterionKind
from scoring.services import Cell
from tests.factories import make_term

pytestmark = pytest.mark.django_db
HALF = Decimal("0.5")

halves = st.integers(min_value=1, max_value=40).map(lambda n: n * HALF)


@st.composite
def tables(draw):
    """A criteria table (maxima on a 0,5 step) and, per member, a valid score for every cell."""
    maxima = draw(st.lists(halves, min_size=1, max_size=6))
    bonus_cap, deduction_max = draw(halves), draw(halves)
    members = draw(st.integers(min_value=2, max_value=7))

    def cell(top):
        return draw(st.integers(min_value=0, max_value=int(top / HALF)).map(lambda n: n * HALF))

    sheets = [
        {"points": [cell(m) for m in maxima], "bonus": cell(bonus_cap), "deduction": cell(deduction_max)}
        for _ in range(members)
    ]
    seed = draw(st.integers(min_value=0, max_value=10_000))
    return maxima, bonus_cap, deduction_max, sheets, seed


def build(maxima, bonus_cap, deduction_max, sheets, *, order: list[int], criteria_order: list[int]):
    term = make_term(year=2024, members=len(sheets))
    criteria_set = CriteriaSet.objects.create(term=term, name="Bảng thử")
    group = Criterion.objects.create(
        criteria_set=criteria_set, position=1, code="I", text="Nhóm", kind="group"
    )
    judged = {}
    for position, i in enumerate(criteria_order, 1):  # creation order varies; positions follow it
        judged[i] = Criterion.objects.create(
            criteria_set=criteria_set, parent=group, position=position, text=f"Tiêu chí {i}",
            kind=CriterionKind.POINTS, max_points=maxima[i], step=HALF,
        )  # fmt: skip
    bonus = Criterion.objects.create(
        criteria_set=criteria_set, position=2, text="Thưởng", kind="bonus", max_points=bonus_cap, step=HALF
    )
    deduction = Criterion.objects.create(
        criteria_set=criteria_set,
        position=3,
        text="Trừ",
        kind="deduction",
        max_points=deduction_max,
        step=HALF,
    )
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        state="open", deadline="2099-01-01T00:00Z", opened_at="2024-01-01T00:00Z"
    )
    criteria_set.refresh_from_db()
    members = list(term.memberships.order_by("position"))
    for index in order:
        data = sheets[index]
        cells = {judged[i].pk: Cell(points=p) for i, p in enumerate(data["points"])}
        cells[bonus.pk] = Cell(points=data["bonus"])
        cells[deduction.pk] = Cell(points=data["deduction"])
        sheet = services.sheet_save(
            criteria_set=criteria_set, membership=members[index], cells=cells, lock_version=None, by=None
        )
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    return criteria_set, members


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables())
def test_totals_respect_the_maximum_and_the_caps_and_ignore_the_order_of_entry(table):
    maxima, bonus_cap, deduction_max, sheets, seed = table
    shuffler = random.Random(seed)
    order = list(range(len(sheets)))
    criteria_order = list(range(len(maxima)))
    first, members = build(
        maxima, bonus_cap, deduction_max, sheets, order=order, criteria_order=criteria_order
    )
    shuffler.shuffle(order)
    shuffler.shuffle(criteria_order)
    second, members2 = build(
        maxima, bonus_cap, deduction_max, sheets, order=order, criteria_order=criteria_order
    )

    nominal = CriteriaSet.objects.with_nominal_max().get(pk=first.pk).nominal_max
    assert nominal == sum(maxima)
    rows = list(selectors.with_totals(first).order_by("position"))
    for row in rows:
        assert row.base_total <= nominal
        assert Decimal(0) <= row.bonus_total <= bonus_cap
        assert -deduction_max <= row.deduction_total <= 0
        assert row.total == row.base_total + row.bonus_total + row.deduction_total
        assert row.total <= nominal + bonus_cap  # only bonus points lift a total above the maximum

    def ranks(criteria_set):
        return [
            (r.position, r.rank, r.total)
            for r in sorted(selectors.ranking(criteria_set), key=lambda r: r.position)
        ]

    assert ranks(first) == ranks(second)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables(), st.booleans())
def test_the_ranking_is_a_total_preorder_consistent_with_the_tie_rules(table, fewer_deductions_first):
    maxima, bonus_cap, deduction_max, sheets, seed = table
    criteria_set, members = build(
        maxima,
        bonus_cap,
        deduction_max,
        sheets,
        order=list(range(len(sheets))),
        criteria_order=list(range(len(maxima))),
    )
    group = criteria_set.criteria.get(kind="group")
    rules = [{"rule": "group", "criterion": group.pk}, {"rule": "fewer_deductions"}]
    services.criteria_settings_update(
        criteria_set=criteria_set,
        data={"tie_break": rules[::-1] if fewer_deductions_first else rules},
        lock_version=None,
        by=None,
    )
    criteria_set.refresh_from_db()
    rows = selectors.ranking(criteria_set)
    keys = [(r.total, *r.tie_values) for r in rows]
    for i in range(len(rows) - 1):
        (a, key_a), (b, key_b) = (rows[i], keys[i]), (rows[i + 1], keys[i + 1])
        assert key_a >= key_b  # ordered by the stated keys
        assert (a.rank == b.rank) == (key_a == key_b)  # shared rank exactly when the rules cannot break it
        assert a.rank <= b.rank
    assert [r.rank for r in rows][0] == 1
    flagged = {r.pk for r in rows if r.tied}
    assert flagged == {r.pk for r in rows if sum(1 for o in rows if o.rank == r.rank) > 1}
