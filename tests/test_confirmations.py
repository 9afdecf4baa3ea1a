"""Issue 15, item 11: what cannot be undone shows what will happen and what cannot be undone, and
needs a deliberate second action, without JavaScript. A first POST (the old one-click form, or a
forged one) only shows the confirmation page and changes nothing; the page's button does it."""

from __future__ import annotations

import pytest

from tests.agreements import test_permission_matrix as agreements
from tests.ballots import test_permission_matrix as ballots
from tests.blocs import test_permission_matrix as blocs
from tests.conferences import test_permission_matrix as conferences
from tests.scoring import test_permission_matrix as scoring

# (matrix module, url name, persona, how to build its world)
ACTIONS = {  # fmt: skip
    "lock scoring": (scoring, "scoring:lock", "leader", lambda: scoring.ScoringWorld("open")),
    "publish the ranking": (scoring, "scoring:publish", "leader", lambda: scoring.ScoringWorld("locked")),
    "open a ballot": (ballots, "ballots:ballot_open", "leader", lambda: ballots.BallotWorld("draft")),
    "close a ballot": (ballots, "ballots:ballot_close", "leader", lambda: ballots.BallotWorld("online")),
    "cast a vote": (ballots, "ballots:ballot_vote", "member", lambda: ballots.BallotWorld("online")),
    "finalize the agreement": (
        agreements,
        "agreements:finalize",
        "leader",
        lambda: agreements.AgreementWorld("draft"),
    ),
    "open a new version": (
        agreements,
        "agreements:new_version",
        "leader",
        lambda: agreements.AgreementWorld("final"),
    ),
    "record the election": (blocs, "blocs:elect", "leader", blocs.World),
    "send a document": (conferences, "conferences:document_submit", "leader", conferences.DocumentWorld),
}


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
def test_a_first_post_only_asks_and_the_confirmation_does_it(client, action, monkeypatch):
    module, name, persona, build = ACTIONS[action]
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: agreements.TINY_PDF)
    world = build()
    client.force_login(world.users[persona])
    url = module.url_for(name, world)
    data = module.post_data(name, world)
    assert data.pop("confirmed") == "yes"

    before = blocs.db_state()
    first = client.post(url, data)
    page = first.content.decode()
    assert first.status_code == 200, page[:2000]
    assert 'name="confirmed" value="yes"' in page and "Sẽ thực hiện" in page
    assert blocs.db_state() == before

    done = client.post(url, data | {"confirmed": "yes"})
    assert done.status_code == 302
    assert blocs.db_state() != before
