"""The number of SQL queries of each page does not grow with blocs, members or years.

Each page is rendered with every member on it (no pagination hides growth), at two data sizes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blocs.models import Bloc, Membership, Role, Term, Unit, UnitName
from tests.factories import make_user

SMALL = {"blocs": 4, "members": 8, "years": 1}
LARGE = {"blocs": 20, "members": 15, "years": 5}


def make_province(
    *, blocs: int, members: int, years: int, first_year: int = 2020, prefix: str = ""
) -> list[Bloc]:
    """Blocs with `members` units each over `years` years; every unit renamed once, to exercise the
    name-in-year lookup."""
    made = []
    for b in range(blocs):
        bloc = Bloc.objects.create(name=f"{prefix}Khối {b}", short_name=f"Khối {b}")
        units = Unit.objects.bulk_create(
            Unit(name=f"{prefix}Đơn vị {b}-{m}", short_name=f"ĐV{b}-{m}") for m in range(members)
        )
        UnitName.objects.bulk_create(
            UnitName(unit=u, name=f"Tên cũ {u.name}", until_year=first_year) for u in units
        )
        for y in range(years):
            term = Term.objects.create(bloc=bloc, year=first_year + y)
            Membership.objects.bulk_create(
                Membership(
                    term=term,
                    unit=u,
                    year=term.year,
                    position=i + 1,
                    role=Role.LEADER
                    if i == y % members
                    else Role.DEPUTY
                    if i == (y + 1) % members
                    else Role.MEMBER,
                    chosen_by="elected" if i in (y % members, (y + 1) % members) else "",
                )
                for i, u in enumerate(units)
            )
        made.append(bloc)
    return made


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _pages(size: dict, persona: str, prefix: str):
    # The large province's years start after the small one's, so each year holds one size only.
    first_year = 2010 if prefix == "small" else 2020
    blocs = make_province(**size, prefix=prefix, first_year=first_year)
    year = first_year + size["years"] - 1
    bloc = blocs[0]
    if persona == "board":
        user = make_user(board=True)
    else:
        leader = Membership.objects.get(term__bloc=bloc, year=year, role=Role.LEADER)
        user = make_user(unit=leader.unit)
    term = Term.objects.get(bloc=bloc, year=year)
    return user, {
        "dashboard": f"/?year={year}",
        "bloc_list": f"/blocs/?year={year}",
        "bloc_detail": f"/blocs/{bloc.pk}/?year={year}",
        "term_detail": f"/terms/{term.pk}/?year={year}",
        "elect": f"/terms/{term.pk}/elect/?year={year}",
    }


# Pinned counts per page (board staff / leader). A change that adds a query per row fails the
# equality of the two sizes; a change that adds a fixed query fails the pin and must update it.
# The first page also saves the chosen year in the session (3 queries on that request only).
# The leader's dashboard has six more than the board's: next year's terms (for the election task),
# the agreements' tasks, scoring's tasks, the review sheets the unit has to write, the ballots' tasks
# and the board's deadlines (one query each; one more when a deadline is within 30 days or passed);
# and three more to read the to-dos of every open year of theirs apart from the year shown (issue 15,
# item 4). The election page reads what was recorded for next year (two more once it exists).
PINNED = {
    "board": {"dashboard": 9, "bloc_list": 7, "bloc_detail": 7, "term_detail": 7, "elect": 9},
    "leader": {"dashboard": 18, "bloc_list": 6, "bloc_detail": 8, "term_detail": 8, "elect": 12},
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["board", "leader"])
def test_page_queries_do_not_grow(client, persona):
    counts = {}
    for label, size in (("small", SMALL), ("large", LARGE)):
        user, pages = _pages(size, persona, label)
        client.force_login(user)
        counts[label] = {name: count_queries(client, url) for name, url in pages.items()}
        client.logout()
    assert counts["small"] == counts["large"]
    assert counts["large"] == PINNED[persona]
