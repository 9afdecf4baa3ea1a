"""What every scoring service shares: locking the set, the open checks, the stale-version check."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from scoring.models import (
    CriteriaSet,
    ScoringState,
)

STALE = "Người khác vừa sửa phiếu này. Hãy tải lại trang để xem bản mới nhất rồi nhập lại."


def _locked_set(criteria_set: CriteriaSet) -> CriteriaSet:
    return (
        CriteriaSet.objects.select_for_update(of=("self",))
        .select_related("term__bloc")
        .get(pk=criteria_set.pk)
    )


def _ensure_term_open(criteria_set: CriteriaSet) -> None:
    if criteria_set.term is not None and not criteria_set.term.is_open:
        raise ValidationError(f"Năm thi đua {criteria_set.term.year} đã kết thúc; dữ liệu chỉ còn để xem.")


def _ensure_setup(criteria_set: CriteriaSet) -> None:
    _ensure_term_open(criteria_set)
    if criteria_set.state != ScoringState.SETUP:
        raise ValidationError("Đã mở chấm điểm: bảng tiêu chí không sửa được nữa.")


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise ValidationError(STALE, code="stale")
