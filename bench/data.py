"""A large province for the load benchmark (`manage.py load_bench`, bench/README.md).

By default 30 blocs × 15 members × 5 years with 60 criteria per table: every past year complete
(agreement finalized and signed with its stored PDF, every sheet submitted and reviewed, final
scores, scoring locked and the ranking published, both votes closed from paper counts, the term
closed), and the current year in its last days before the scoring deadline (the agreement a draft
that every member has registered for, two thirds of the sheets submitted and reviewed, the others
drafts being filled in).

Speed: the rows whose number grows with members × criteria (scores, sheets, registrations, the
audit trail of every score) are written with `bulk_create`, with the values the services would
have written (points through `scoring.arithmetic`, final scores through `final_scores_refresh`). What
costs a fixed number of queries per term goes through the services themselves (the votes), and
the frozen agreement is `agreements.printing`'s own snapshot and PDF.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement, Registration
from ballots.models import Ballot
from bench.builder import Builder
from bench.content import BENCH_PASSWORD, BOARD_USERNAME, DEFAULT_SIZE, Size
from blocs.models import (
    AuditEvent,
    Bloc,
    Membership,
    Role,
    Term,
    Unit,
    User,
)
from scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    FinalScore,
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)

__all__ = [
    "BENCH_PASSWORD",
    "BOARD_USERNAME",
    "SMALL",
    "Size",
    "Summary",
    "already_loaded",
    "load",
    "personas",
    "refresh_deadlines",
    "row_counts",
]

SMALL = Size(blocs=2, members=4, years=2, criteria=8)


@dataclass
class Summary:
    """What was built, and the handles the load generator needs (bench/locustfile.py)."""

    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    blocs: list[dict] = field(default_factory=list)
    board: list[str] = field(default_factory=list)


def already_loaded(size: Size) -> bool:
    return User.objects.filter(username=size.prefix + BOARD_USERNAME).exists()


def load(
    size: Size = DEFAULT_SIZE, *, reuse_pdf: bool = False, progress: Callable[[str], None] = print
) -> Summary:
    """Build the province in one transaction; `reuse_pdf` renders one agreement PDF per run instead
    of one per finalized agreement (each stored copy then prints the first one's verification code)."""
    started = time.monotonic()

    def say(message: str) -> None:
        progress(f"[{time.monotonic() - started:6.1f} s] {message}")

    with transaction.atomic():
        builder = Builder(size, reuse_pdf=reuse_pdf, say=say)
        builder.build()
    summary = personas(size)
    summary.seconds = time.monotonic() - started
    say(f"done: {summary.counts}")
    return summary


def refresh_deadlines(size: Size) -> int:
    """A loaded data set stays usable on later runs: the open year's scoring deadline moves to 30
    days ahead when it is less than a week away."""
    soon = timezone.now() + timedelta(days=7)
    return CriteriaSet.objects.filter(
        term__bloc__name__startswith=size.prefix + "Khối thi đua số",
        state=ScoringState.OPEN,
        deadline__lt=soon,
    ).update(deadline=timezone.now() + timedelta(days=30))


def personas(size: Size) -> Summary:
    """The accounts and the pages of each bloc, read back from the database (for the load generator)."""
    summary = Summary(counts=row_counts())
    blocs = Bloc.objects.filter(name__startswith=size.prefix + "Khối thi đua số").order_by("pk")
    terms = Term.objects.filter(bloc__in=blocs).select_related("criteria_set").order_by("bloc_id", "year")
    by_bloc: dict[int, list[Term]] = {}
    for term in terms:
        by_bloc.setdefault(term.bloc_id, []).append(term)
    users = {u.unit_id: u.username for u in User.objects.filter(username__startswith=size.prefix + "bench-")}
    agreements = {
        a.term_id: a for a in Agreement.objects.current().filter(term__bloc__in=blocs).only("pk", "term_id")
    }
    drafts = set(
        Sheet.objects.filter(
            criteria_set__term__bloc__in=blocs, layer=Layer.SELF, status=SheetStatus.DRAFT
        ).values_list("subject_id", flat=True)
    )
    judged: dict[int, list[int]] = {}
    for criterion in Criterion.objects.filter(
        criteria_set__term__bloc__in=blocs, criteria_set__state=ScoringState.OPEN, kind=CriterionKind.POINTS
    ).order_by("pk"):
        judged.setdefault(criterion.criteria_set_id, []).append(criterion.pk)
    memberships = Membership.objects.filter(term__bloc__in=blocs).order_by("position")
    members_of: dict[int, list[Membership]] = {}
    for m in memberships:
        members_of.setdefault(m.term_id, []).append(m)
    for bloc in blocs:
        history = by_bloc.get(bloc.pk, [])
        if len(history) < 2:
            continue
        current, previous = history[-1], history[-2]
        members = members_of[current.pk]
        summary.blocs.append(
            {
                "bloc": bloc.pk,
                "term": current.pk,
                "year": current.year,
                "criteria_set": current.criteria_set.pk,
                "previous_criteria_set": previous.criteria_set.pk,
                "final_agreement": agreements[previous.pk].pk,
                "draft_agreement": agreements[current.pk].pk,
                "leader": next(users[m.unit_id] for m in members if m.role == Role.LEADER),
                "members": [users[m.unit_id] for m in members if m.role == Role.MEMBER],
                "drafting": [users[m.unit_id] for m in members if m.pk in drafts],
                # Judged criteria of this year's table (maximum 20, step 0,5): what a member edits.
                "judged": judged.get(current.criteria_set.pk, []),
            }
        )
    summary.board = [
        u.username for u in User.objects.filter(username__startswith=size.prefix + BOARD_USERNAME)
    ]
    return summary


def row_counts() -> dict[str, int]:
    models = {
        "units": Unit,
        "users": User,
        "blocs": Bloc,
        "terms": Term,
        "memberships": Membership,
        "agreements": Agreement,
        "registrations": Registration,
        "criteria": Criterion,
        "sheets": Sheet,
        "scores": Score,
        "final_scores": FinalScore,
        "ballots": Ballot,
        "audit_events": AuditEvent,
    }
    return {name: model.objects.count() for name, model in models.items()}
