"""The arithmetic of a score: what users type, and what a criterion accepts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import arithmetic
from scoring.models import Criterion, CriterionKind


def criterion(kind=CriterionKind.POINTS, max_points="10", step="0.5", unit_points=None, indicator=""):
    return Criterion(
        kind=kind,
        max_points=Decimal(max_points),
        step=Decimal(step) if step else None,
        unit_points=Decimal(unit_points) if unit_points else None,
        indicator=indicator,
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("7,5", "7.5"),
        ("7.5", "7.5"),
        (" 8 ", "8"),
        ("1.234,5", "1234.5"),
        ("0,25", "0.25"),
        ("", None),
        ("\u00a09,5", "9.5"),
        ("１０", "10"),
    ],
)
def test_vietnamese_numbers_are_read(typed, value):
    assert arithmetic.parse_decimal(typed) == (Decimal(value) if value else None)


@pytest.mark.parametrize(
    "typed", ["-1", "abc", "NaN", "inf", "1e3", "7,555", "1.000", "7,5,5", "٣", "0x10", "7.5.1"]
)
def test_anything_else_is_refused_with_a_message(typed):
    with pytest.raises(arithmetic.Invalid) as caught:
        arithmetic.parse_decimal(typed)
    assert str(caught.value)


@pytest.mark.parametrize(
    ("points", "problem"),
    [
        ("10", None),
        ("0", None),
        ("7.5", None),
        ("10.5", "Vượt điểm tối đa"),
        ("7.25", "bước 0,5"),
        ("-1", "không được âm"),
    ],
)
def test_judged_points_lie_between_zero_and_the_maximum_on_the_step(points, problem):
    found = arithmetic.check_points(criterion(), Decimal(points))
    assert (found is None) if problem is None else (problem in found)


def test_pass_fail_takes_the_maximum_or_zero():
    pf = criterion(CriterionKind.PASS_FAIL, max_points="5", step=None)
    assert arithmetic.check_points(pf, Decimal(5)) is None and arithmetic.check_points(pf, Decimal(0)) is None
    assert "chỉ nhận 0 hoặc 5" in arithmetic.check_points(pf, Decimal("2.5"))


def test_deductions_are_typed_positive_and_stored_negative():
    ded = criterion(CriterionKind.DEDUCTION, max_points="5")
    assert arithmetic.points_from_input(ded, points=Decimal(2), quantity=None, target=None) == Decimal(-2)
    with pytest.raises(arithmetic.Invalid, match="mức trừ tối đa"):
        arithmetic.points_from_input(ded, points=Decimal(6), quantity=None, target=None)


def test_bonus_never_exceeds_its_cap():
    bonus = criterion(CriterionKind.BONUS, max_points="5")
    with pytest.raises(arithmetic.Invalid, match="mức thưởng tối đa"):
        arithmetic.points_from_input(bonus, points=Decimal("5.5"), quantity=None, target=None)


def test_occurrences_are_counted_and_capped():
    occ = criterion(CriterionKind.OCCURRENCE, max_points="6", step=None, unit_points="2")
    assert arithmetic.points_from_input(occ, points=None, quantity=Decimal(2), target=None) == Decimal(4)
    assert arithmetic.points_from_input(occ, points=None, quantity=Decimal(9), target=None) == Decimal(6)
    with pytest.raises(arithmetic.Invalid, match="số nguyên"):
        arithmetic.points_from_input(occ, points=None, quantity=Decimal("1.5"), target=None)


def test_target_points_are_proportional_rounded_half_up_and_capped():
    tgt = criterion(CriterionKind.TARGET, max_points="10", step=None, unit_points="0.1", indicator="Tỷ lệ")
    # 91 of 97.5 registered = 93.333…% → 9.3333… → 9.33
    assert arithmetic.points_from_input(
        tgt, points=None, quantity=Decimal(91), target=Decimal("97.5")
    ) == Decimal("9.33")
    assert arithmetic.points_from_input(
        tgt, points=None, quantity=Decimal(200), target=Decimal(100)
    ) == Decimal(10)
    with pytest.raises(arithmetic.Invalid, match="chưa đăng ký chỉ tiêu"):
        arithmetic.points_from_input(tgt, points=None, quantity=Decimal(1), target=None)
    with pytest.raises(arithmetic.Invalid, match="bằng 0"):
        arithmetic.points_from_input(tgt, points=None, quantity=Decimal(1), target=Decimal(0))


def test_half_up_rounding_is_not_bankers_rounding():
    assert arithmetic.round2(Decimal("2.345")) == Decimal("2.35") and arithmetic.round2(
        Decimal("2.335")
    ) == Decimal("2.34")


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False))
def test_what_is_shown_reads_back_the_same(value):
    assert arithmetic.parse_decimal(arithmetic.fmt(value)) == value


@given(
    st.decimals(min_value=Decimal("0.5"), max_value=100, places=1).map(lambda d: d - d % Decimal("0.5")),
    st.decimals(min_value=0, max_value=200, places=2),
)
def test_an_accepted_score_never_exceeds_the_maximum(maximum, points):
    c = criterion(max_points=str(maximum or Decimal("0.5")))
    if arithmetic.check_points(c, points) is None:
        assert Decimal(0) <= points <= c.max_points
