"""Issue 15, item 16 (paper counts): blank votes for a candidate and blank invalid ballots read as 0;
a blank number of ballots issued or returned is refused with one message."""

from __future__ import annotations

import re

import pytest

from ballots.models import Ballot
from blocs.models import Role
from tests.ballots.factories import make_ballot
from tests.blocs.test_permission_matrix import db_state
from tests.factories import make_term, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(client):
    term = make_term(year=2024, members=5)
    client.force_login(unit_user(term, Role.LEADER))
    ballot = make_ballot(term, state="open", mode="paper", quota=2)
    ids = list(ballot.candidates.order_by("position").values_list("pk", flat=True))
    return ballot, ids


def test_blank_votes_and_blank_invalid_ballots_are_zero(client, paper):
    ballot, ids = paper
    data = {
        "issued": "5",
        "returned": "5",
        "valid": "5",
        "invalid": "",
        "lock_version": str(ballot.lock_version),
    }
    data |= {f"v{ids[0]}": "4", f"v{ids[1]}": "3"} | {f"v{cid}": "" for cid in ids[2:]}
    response = client.post(f"/ballots/{ballot.pk}/counts/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ballot = Ballot.objects.get(pk=ballot.pk)
    assert ballot.invalid == 0
    assert list(ballot.candidates.order_by("position").values_list("votes", flat=True)) == [4, 3, 0, 0, 0]


@pytest.mark.parametrize("field", ["issued", "returned"])
def test_a_blank_number_issued_or_returned_gets_one_message(client, paper, field):
    ballot, ids = paper
    data = {
        "issued": "5",
        "returned": "5",
        "valid": "5",
        "invalid": "0",
        "lock_version": str(ballot.lock_version),
    }
    data |= {f"v{cid}": "1" for cid in ids} | {field: ""}
    before = db_state()
    response = client.post(f"/ballots/{ballot.pk}/counts/", data)
    page = response.content.decode()
    assert response.status_code == 400
    messages = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*(?:<strong>)?([^<]+)', page)
    assert len(messages) == 1, messages
    assert db_state() == before
