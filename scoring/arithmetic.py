"""The arithmetic of a score: parsing what Vietnamese users type, checking a value against its
criterion, computing the points of counts and targets. Decimal only; never float.

Each check returns a Vietnamese message (or None), so that a sheet can collect one message per cell.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from blocs import numbers
from blocs.numbers import Invalid  # noqa: F401 -- raised by the parser, caught as arithmetic.Invalid
from scoring.models import Criterion, CriterionKind

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Cell:
    """What was typed in one cell: the points (or the amount deducted), or the count / value achieved."""

    points: Decimal | None = None
    quantity: Decimal | None = None
    note: str = ""


def round2(value: Decimal) -> Decimal:
    """Half-up to two decimals, as people round by hand (2,345 → 2,35)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(text: str | None, *, whole: bool = False) -> Decimal | None:
    """What the user typed in a cell or field (`blocs.numbers.parse_decimal`, the one parser)."""
    return numbers.parse_decimal(text, whole=whole)


def fmt(value: Decimal | None) -> str:
    """7.50 → "7,5"; 1005.00 → "1005" (how a score is typed back into a form; never grouped)."""
    return numbers.plain(value)


def figure(value) -> str:
    """A score as every page and document prints it: "87,5", "1.005,5", "−1,5" (a true minus sign),
    "—" for none."""
    if value is None or value == "":
        return "—"
    return numbers.grouped(value)


def whole_step(criterion: Criterion) -> bool:
    """Whether the criterion's cell takes whole numbers (a count, a target's value, whole points), so
    that a lone "1.200" is read as 1200."""
    if criterion.kind in (CriterionKind.OCCURRENCE, CriterionKind.TARGET):
        return True
    step = criterion.step
    return step is not None and step == step.to_integral_value()


def _on_step(value: Decimal, step: Decimal) -> bool:
    return (value / step) == (value / step).to_integral_value()


def check_points(criterion: Criterion, points: Decimal) -> str | None:
    """Why `points` cannot be the score of `criterion` (deductions are given as a positive amount
    to deduct, stored negative by `signed_points`), or None."""
    top = criterion.max_points
    kind = criterion.kind
    if kind == CriterionKind.GROUP:
        return "Nhóm tiêu chí không chấm điểm."
    if points < 0:
        return "Điểm không được âm." if kind != CriterionKind.DEDUCTION else "Ghi số điểm bị trừ (số dương)."
    if kind == CriterionKind.PASS_FAIL:
        if points not in (Decimal(0), top):
            return f"Tiêu chí đạt/không đạt chỉ nhận 0 hoặc {fmt(top)} điểm."
        return None
    if points > top:
        limit = {CriterionKind.BONUS: "mức thưởng tối đa", CriterionKind.DEDUCTION: "mức trừ tối đa"}.get(
            kind, "điểm tối đa"
        )
        return f"Vượt {limit} ({fmt(top)} điểm)."
    if criterion.step and not _on_step(points, criterion.step):
        return f"Điểm phải theo bước {fmt(criterion.step)} (ví dụ {fmt(criterion.step * 3)})."
    return None


def check_decision(criterion: Criterion, points: Decimal) -> str | None:
    """A leader's decided score: as a judged score, except that a computed criterion (count,
    target) takes any value from 0 to its maximum."""
    if criterion.kind in (CriterionKind.OCCURRENCE, CriterionKind.TARGET):
        if points < 0 or points > criterion.max_points:
            return f"Điểm phải từ 0 đến {fmt(criterion.max_points)}."
        return None
    return check_points(criterion, points)


def signed_points(criterion: Criterion, amount: Decimal) -> Decimal:
    """The stored value: deductions are negative, everything else as given."""
    return -amount if criterion.kind == CriterionKind.DEDUCTION else amount


def occurrence_points(criterion: Criterion, count: Decimal) -> Decimal:
    if count != count.to_integral_value():
        raise Invalid("Số lần phải là số nguyên.")
    return min(criterion.max_points, round2(count * criterion.unit_points))


def target_points(criterion: Criterion, achieved: Decimal, target: Decimal | None) -> Decimal:
    """`unit_points` per 1 % of the registered target achieved, capped at the maximum."""
    if target is None:
        raise Invalid(f"Đơn vị chưa đăng ký chỉ tiêu “{criterion.indicator}” trong giao ước.")
    if target <= 0:
        raise Invalid(f"Chỉ tiêu “{criterion.indicator}” đăng ký bằng 0; không tính được tỷ lệ.")
    percent = achieved * HUNDRED / target
    return min(criterion.max_points, round2(percent * criterion.unit_points))


def points_from_input(
    criterion: Criterion, *, points: Decimal | None, quantity: Decimal | None, target: Decimal | None
) -> Decimal | None:
    """The stored points of a cell from what was typed, or None for an empty cell. Raises Invalid."""
    if criterion.kind == CriterionKind.OCCURRENCE:
        return None if quantity is None else occurrence_points(criterion, quantity)
    if criterion.kind == CriterionKind.TARGET:
        return None if quantity is None else target_points(criterion, quantity, target)
    if points is None:
        return None
    problem = check_points(criterion, points)
    if problem:
        raise Invalid(problem)
    return signed_points(criterion, points)


def normalize_indicator(text: str) -> str:
    """Registered targets are matched to criteria by name, ignoring case and spacing."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())
