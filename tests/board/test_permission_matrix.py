"""Who may open and post to the board's pages (overview, its XLSX, deadlines, the province's
decisions) and a unit's award history, on objects that exist.

These pages are board staff's: for everyone else they do not exist (404), the term's own leader,
deputy and supervisor included; anonymous users are sent to the login page. A unit's award history
is also its own users'. Every refused POST leaves the database exactly as it was.
"""

from __future__ import annotations

import pytest

from ballots import services as ballot_services
from tests.ballots.factories import cast, make_ballot
from tests.blocs.test_permission_matrix import PERSONAS, World, check_case, expect

BOARD = ["board"]
YEAR = 2024


class OverviewWorld(World):
    """The blocs matrix's world (2024: leader L, deputy D, members M, M2, P) whose closed ballot
    proposes M2 for the provincial flag."""

    def __init__(self):
        super().__init__()
        members = list(self.term.memberships.order_by("position", "pk"))
        ballot = make_ballot(self.term, kind="award", award="co_tinh", state="open")
        for voter in members:
            cast(ballot, voter, self.member2)
        self.ballot = ballot_services.ballot_close(ballot=ballot, by=None)
        assert [s["membership"] for s in self.ballot.result["selected"]] == [self.member2.pk]


def url_for(name: str, w: OverviewWorld) -> str:
    return {
        "board:overview": f"/overview/?year={YEAR}",
        "board:overview_export": f"/overview.xlsx?year={YEAR}",
        "board:overview_deadlines": f"/overview/deadlines/?year={YEAR}",
        "board:decisions": f"/terms/{w.term.pk}/decisions/",
        "board:unit_awards": f"/units/{w.member_unit.pk}/awards/",
    }[name]


def post_data(name: str, w: OverviewWorld) -> dict:
    return {
        "board:overview_deadlines": {
            "agreement_signed": "31/03/2024",
            "scoring_locked": "20/12/2024",
            "vote_closed": "",
            "documents_submitted": "15/01/2025",
        },
        "board:decisions": {
            "membership": str(w.member2.pk),
            "award": "co_tinh",
            "awarded": "1",
            "decision_number": "125/QĐ-UBND",
            "decision_date": "20/01/2025",
            "note": "",
        },
    }[name]


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("board:overview", "GET"): expect(BOARD, 200),
    ("board:overview_export", "GET"): expect(BOARD, 200),
    ("board:overview_deadlines", "GET"): expect(BOARD, 200),
    ("board:overview_deadlines", "POST"): expect(BOARD, 302),
    ("board:decisions", "GET"): expect(BOARD, 200),
    ("board:decisions", "POST"): expect(BOARD, 302),
    # The history of M's unit: board staff and M's own users.
    ("board:unit_awards", "GET"): expect(["member", "board"], 200),
}

MUTATING = {key for key in MATRIX if key[1] == "POST"}
CASES = [
    (name, method, persona, status)
    for (name, method), table in MATRIX.items()
    for persona, status in table.items()
]


@pytest.fixture(scope="module")
def world(module_db):
    """Built once for the module; every case runs in a rolled-back transaction."""
    return OverviewWorld()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, world, name, method, persona, status):
    response = check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip
    if persona == "anonymous":
        assert response["Location"].startswith("/login/")


def test_every_persona_has_a_row_and_every_url_a_succeeding_persona():
    for (name, _method), table in MATRIX.items():
        assert set(table) == set(PERSONAS), name
        assert any(200 <= s < 400 for p, s in table.items() if p != "anonymous"), name


@pytest.mark.django_db
def test_the_board_menu_links_the_overview_for_board_staff_only(client, world):
    client.force_login(world.users["board"])
    assert 'href="/overview/"' in client.get("/").content.decode()
    client.force_login(world.users["leader"])
    assert 'href="/overview/"' not in client.get("/").content.decode()
