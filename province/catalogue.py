"""The award catalogue as the pages and documents read it: names, order and the valid codes.

Read once per process and kept: every page that names an award would otherwise read the table again.
The catalogue changes only through `ensure_awards` today (at migrate, and at flush in tests), which
writes the same entries; a page that edits the catalogue must clear this (and, with several
workers, share a version in the cache) when it comes.
"""

from __future__ import annotations

from functools import cache

from province.models import Award, AwardCategory, AwardCode

# Today's entries (code, name, category), in the order lists show them.
DEFAULT_AWARDS = (
    (AwardCode.LABOR_ADVANCED, "Tập thể lao động tiên tiến", AwardCategory.TITLE),
    (AwardCode.LABOR_EXCELLENT, "Tập thể lao động xuất sắc", AwardCategory.TITLE),
    (AwardCode.FLAG_PROVINCE, "Cờ thi đua của UBND tỉnh", AwardCategory.TITLE),
    (AwardCode.FLAG_GOVERNMENT, "Cờ thi đua của Chính phủ", AwardCategory.TITLE),
    (AwardCode.MERIT_PROVINCE, "Bằng khen của Chủ tịch UBND tỉnh", AwardCategory.FORM),
    (AwardCode.MERIT_PRIME_MINISTER, "Bằng khen của Thủ tướng Chính phủ", AwardCategory.FORM),
    (AwardCode.LABOR_ORDER_3, "Huân chương Lao động hạng Ba", AwardCategory.FORM),
)


@cache
def _entries() -> tuple[tuple[str, str], ...]:
    return tuple(Award.objects.order_by("position", "pk").values_list("code", "label"))


def choices() -> list[tuple[str, str]]:
    """(code, name) in the catalogue's order, for a form's choices."""
    return list(_entries())


def codes() -> list[str]:
    return [code for code, _ in _entries()]


def labels() -> dict[str, str]:
    return dict(_entries())


def label(code: str) -> str:
    """An award's name; a code the catalogue does not know is shown as it is."""
    return labels().get(code, code)


def clear() -> None:
    _entries.cache_clear()


def ensure_awards(*, using: str = "default", **kwargs) -> None:
    """Add the entries of DEFAULT_AWARDS that the catalogue lacks (after migrate and flush); an entry
    the province has renamed or moved keeps its name and place."""
    existing = set(Award.objects.using(using).values_list("code", flat=True))
    missing = [
        Award(code=code, label=name, category=category, position=i)
        for i, (code, name, category) in enumerate(DEFAULT_AWARDS, 1)
        if code not in existing
    ]
    if missing:
        Award.objects.using(using).bulk_create(missing)
        clear()


def position(code: str) -> int:
    """An award's place in lists; one the catalogue does not know comes last."""
    found = codes()
    return found.index(code) if code in found else len(found)
