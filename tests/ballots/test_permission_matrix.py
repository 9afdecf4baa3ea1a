"""Who may open and post to every URL of the vote, on ballots that exist in the state each URL needs.

Same personas and rules as the blocs matrix: 404 for what a user may not see, 403 for what they may
see but not do, and every refused POST leaves the database exactly as it was. Then: no page and no
response shows a count before the ballot closes, to anyone, the leader and board staff included.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from ballots import services as ballot_services
from ballots.models import Ballot, BallotCandidate, BallotChoice, BallotPresence
from blocs.services import term_close
from tests.ballots.factories import candidate, cast, make_ballot
from tests.blocs.test_permission_matrix import SIGNED_IN, VIEWERS, World, check_case, db_state, expect

BOARD = ["board"]
MEMBERS = ["member", "deputy", "leader", "previous_leader"]  # units that are members of the open term
NOT_LEADER = ["member", "deputy", "previous_leader", "supervisor", "board"]
POST_ONLY = {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302}


class BallotWorld(World):
    """The blocs matrix's world (2024: leader L, deputy D, members M, M2, P) with one ballot:
    `draft`, `online` (open; M2 has voted), `paper` (open) or `tie` (closed with a tie for its seat)."""

    def __init__(self, state: str):
        super().__init__()
        self.members = list(self.term.memberships.order_by("position", "pk"))
        self.leader_m, self.deputy_m, self.member_m, self.member2_m, self.prev_m = self.members
        if state == "draft":
            self.ballot = make_ballot(self.term)
        elif state == "online":
            self.ballot = make_ballot(self.term, state="open", quota=2)
            cast(self.ballot, self.member2_m, self.member_m)
        elif state == "paper":
            self.ballot = make_ballot(self.term, state="open", mode="paper")
        elif state == "tie":
            self.ballot = make_ballot(self.term, state="open", threshold_percent=30, threshold_strict=False)
            cast(self.ballot, self.leader_m, self.member_m)
            cast(self.ballot, self.deputy_m, self.member_m)
            cast(self.ballot, self.member_m, self.member2_m)
            cast(self.ballot, self.member2_m, self.member2_m)
            self.ballot = ballot_services.ballot_close(ballot=self.ballot, by=None)
            assert len(self.ballot.result["tie"]) == 2
        else:
            raise ValueError(state)


STATE = {
    "ballots:ballots": "draft",
    "ballots:ballot": "online",
    "ballots:ballot_edit": "draft",
    "ballots:ballot_open": "draft",
    "ballots:ballot_vote": "online",
    "ballots:ballot_counts": "paper",
    "ballots:ballot_close": "online",
    "ballots:ballot_runoff": "tie",
    "ballots:ballot_papers": "paper",
}


def url_for(name: str, w: BallotWorld) -> str:
    if name == "ballots:ballots":
        return f"/terms/{w.term.pk}/ballots/"
    tail = {
        "ballots:ballot": "",
        "ballots:ballot_edit": "edit/",
        "ballots:ballot_open": "open/",
        "ballots:ballot_vote": "vote/",
        "ballots:ballot_counts": "counts/",
        "ballots:ballot_close": "close/",
        "ballots:ballot_runoff": "runoff/",
        "ballots:ballot_papers": "papers.pdf",
    }[name]
    return f"/ballots/{w.ballot.pk}/{tail}"


def post_data(name: str, w: BallotWorld) -> dict:
    b = w.ballot
    if name == "ballots:ballots":
        return {
            "kind": "award", "award": "bk_tinh", "title": "", "mode": "online", "quota": "2",
            "threshold_percent": "50", "threshold_strict": "on", "threshold_base": "present",
        }  # fmt: skip
    if name == "ballots:ballot_edit":
        return {
            "title": "Bầu đơn vị dẫn đầu (sửa)", "award": "co_tinh", "mode": "paper", "quota": "1",
            "threshold_percent": "66,67", "threshold_base": "all", "lock_version": str(b.lock_version),
            **{f"e{c.pk}": "on" for c in b.candidates.all()},
            **{f"p{m.pk}": "on" for m in w.members}, f"rep{w.member_m.pk}": "Ông Nguyễn Văn Đại Diện",
        }  # fmt: skip
    if name == "ballots:ballot_vote":
        return {"candidate": [str(candidate(b, w.member2_m).pk)], "confirmed": "yes"}
    if name == "ballots:ballot_counts":
        return {
            "issued": "5", "returned": "5", "valid": "5", "invalid": "0", "lock_version": str(b.lock_version),
            **{f"v{c.pk}": "1" for c in b.candidates.all()},
        }  # fmt: skip
    return {"confirmed": "yes"}  # the confirmation pages' button (opening, closing)


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("ballots:ballots", "GET"): expect(VIEWERS + BOARD, 200),
    ("ballots:ballots", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("ballots:ballot", "GET"): expect(VIEWERS + BOARD, 200),
    ("ballots:ballot_edit", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("ballots:ballot_edit", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("ballots:ballot_open", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("ballots:ballot_open", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    # Casting is for the users of a present member unit; the supervisor and board staff have no vote.
    ("ballots:ballot_vote", "GET"): expect(MEMBERS, 200, seen_by=["supervisor", "board"]),
    ("ballots:ballot_vote", "POST"): expect(MEMBERS, 302, seen_by=["supervisor", "board"]),
    ("ballots:ballot_counts", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("ballots:ballot_counts", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("ballots:ballot_close", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("ballots:ballot_close", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("ballots:ballot_runoff", "GET"): POST_ONLY,
    ("ballots:ballot_runoff", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("ballots:ballot_papers", "GET"): expect(VIEWERS + BOARD, 200),
}

MUTATING = {key for key in MATRIX if key[1] == "POST"}
CASES = [
    (name, method, persona, status)
    for (name, method), table in MATRIX.items()
    for persona, status in table.items()
]


def _request(client, name: str, method: str, world: BallotWorld):
    url = url_for(name, world)
    return client.get(url) if method == "GET" else client.post(url, post_data(name, world))


@pytest.fixture(scope="module")
def worlds(module_db):
    """One world per state, built once for the module; every case runs in a rolled-back transaction."""
    return {state: BallotWorld(state) for state in sorted(set(STATE.values()))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, worlds, name, method, persona, status):
    world = worlds[STATE[name]]
    response = check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip
    if (name, method) in MUTATING and status == 302 and persona != "anonymous":
        # and it did what it says, without an error message on the way
        page = client.get(response["Location"]).content.decode()
        assert "alert-danger" not in page, page[:3000]


def test_every_url_has_a_succeeding_persona():
    for (name, _method), table in MATRIX.items():
        assert any(200 <= s < 400 for s in table.values()), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted({n for n, m in MUTATING}))
def test_the_leader_of_a_closed_term_can_change_nothing(client, name):
    world = BallotWorld(STATE[name])
    term_close(term=world.term, by=None)
    client.force_login(world.users["leader"])
    before = db_state()
    # Casting is no leader's right: the member unit is told the year is over (400), like any member.
    assert _request(client, name, "POST", world).status_code == (
        403 if name != "ballots:ballot_vote" else 400
    )
    assert db_state() == before


@pytest.mark.django_db
def test_an_absent_member_unit_may_not_vote(client):
    world = BallotWorld("online")
    BallotPresence.objects.filter(ballot=world.ballot, membership=world.member_m).delete()
    client.force_login(world.users["member"])
    before = db_state()
    assert client.get(url_for("ballots:ballot_vote", world)).status_code == 403
    assert _request(client, "ballots:ballot_vote", "POST", world).status_code == 403
    assert db_state() == before


# No count before closing ------------------------------------------------------------------------

RESULT = 'id="result-heading"'
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout


def _everything_seen(
    client, world: BallotWorld, names: list[str], *, refused_cast: bool = False
) -> dict[tuple[str, str], str]:
    """What every signed-in persona gets from every page of the ballot, and from a refused cast."""
    seen = {}
    for persona in SIGNED_IN:
        client.force_login(world.users[persona])
        for name in names:
            response = client.get(url_for(name, world))
            if name == "ballots:ballot_papers":
                body = _pdf_text(response.content) if response.status_code == 200 else ""
            else:
                body = CSRF.sub("", response.content.decode())
            seen[(persona, name)] = f"{response.status_code} {body}"
        if refused_cast and persona == "member":
            over = [str(c.pk) for c in world.ballot.candidates.all()]
            response = client.post(url_for("ballots:ballot_vote", world), {"candidate": over})
            seen[(persona, "refused cast")] = (
                f"{response.status_code} {CSRF.sub('', response.content.decode())}"
            )
        client.logout()
    return seen


@pytest.mark.django_db
def test_no_online_count_is_seen_by_anyone_before_closing(client):
    """Pages are the same whatever the marks on the ballots: rewriting every choice changes no byte."""
    world = BallotWorld("online")
    w = world
    cast(w.ballot, w.leader_m, w.member_m, w.deputy_m)
    cast(w.ballot, w.deputy_m, w.member_m)
    names = ["ballots:ballots", "ballots:ballot", "ballots:ballot_vote"]
    before = _everything_seen(client, world, names, refused_cast=True)
    assert not [key for key, page in before.items() if RESULT in page or "Số phiếu phát ra:" in page]

    BallotChoice.objects.filter(ballot=w.ballot).update(candidate=candidate(w.ballot, w.prev_m))
    assert _everything_seen(client, world, names, refused_cast=True) == before

    ballot_services.ballot_close(ballot=w.ballot, by=None)
    client.force_login(w.users["member"])
    page = client.get(url_for("ballots:ballot", world)).content.decode()
    assert RESULT in page and "Số phiếu phát ra: <strong>5</strong>" in page


@pytest.mark.django_db
def test_no_paper_count_is_seen_by_anyone_before_closing(client):
    """Once the count is entered, changing every figure of it changes no page, not even the leader's."""
    world = BallotWorld("paper")
    b = world.ballot
    ballot_services.ballot_counts_save(
        ballot=b, issued=5, returned=4, valid=3, invalid=1,
        votes={c.pk: 1 if c.position <= 3 else 0 for c in b.candidates.all()}, lock_version=None, by=None,
    )  # fmt: skip
    names = ["ballots:ballots", "ballots:ballot", "ballots:ballot_counts", "ballots:ballot_papers"]
    before = _everything_seen(client, world, names)
    assert not [key for key, page in before.items() if RESULT in page or "Số phiếu phát ra:" in page]

    Ballot.objects.filter(pk=b.pk).update(issued=4, returned=4, valid=4, invalid=0)
    BallotCandidate.objects.filter(ballot=b).update(votes=3)
    assert _everything_seen(client, world, names) == before

    ballot_services.ballot_close(ballot=b, by=None)
    client.force_login(world.users["board"])
    page = client.get(url_for("ballots:ballot", world)).content.decode()
    assert RESULT in page and "hợp lệ: <strong>4</strong>" in page
