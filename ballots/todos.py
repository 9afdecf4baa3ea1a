"""The vote's part of the dashboard's "việc cần làm" (see `blocs.todos`): a present member unit that
has not voted yet in an open online ballot is asked to. One query for all terms."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef
from django.urls import reverse

from ballots.models import Ballot, BallotMode, BallotParticipation, BallotPresence, BallotState
from blocs.models import Term
from blocs.todos import Todo


def ballot_todos(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    open_terms = {t.pk: t for t in terms if t.is_open and t.user_role is not None}
    if not open_terms or user.unit_id is None:
        return []
    own = {"ballot": OuterRef("pk"), "membership__unit_id": user.unit_id}
    waiting = (
        Ballot.objects.filter(term_id__in=open_terms, state=BallotState.OPEN, mode=BallotMode.ONLINE)
        .filter(Exists(BallotPresence.objects.filter(**own)))
        .exclude(Exists(BallotParticipation.objects.filter(**own)))
        .only("pk", "term_id", "title")
        .order_by("created_at", "pk")
    )
    return [
        Todo(open_terms[b.term_id], f"Bỏ phiếu: {b.title}", reverse("ballots:ballot_vote", args=[b.pk]))
        for b in waiting
    ]
