"""The board's deadlines in the dashboard's "việc cần làm" (see `blocs.todos`): for the leader and
deputy of each open term, the steps due within 30 days or overdue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from blocs.models import Role, Term
from blocs.todos import Todo
from board.selectors import deadlines_for, overview_rows

DUE_SOON = timedelta(days=30)
STEP_PAGES = {
    "agreement_signed": "agreements:term_agreement",
    "scoring_locked": "scoring:term_scoring",
    "vote_closed": "ballots:ballots",
    "documents_submitted": "conferences:documents",
}


def deadline_todos(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    """The board's deadlines that are near (30 days) or passed, for the leader and deputy of each
    open term: one query when the board has set no such deadline for the year, two otherwise."""
    mine = [t for t in terms if t.is_open and t.user_role in (Role.LEADER, Role.DEPUTY)]
    if not mine:
        return []
    today = timezone.localdate()
    deadlines = deadlines_for(mine[0].year)
    if all(due - today > DUE_SOON for due in deadlines.values()):
        return []  # none near or passed: whatever is done, there is nothing to say
    by_pk = {t.pk: t for t in mine}
    tasks = []
    rows = overview_rows(
        mine[0].year, deadlines=deadlines, today=today, term_ids=list(by_pk), steps_only=True
    )
    for row in rows:
        for step in row.steps.values():
            if step.done or step.due is None or step.due - today > DUE_SOON:  # overdue: due < today
                continue
            when = f"đã quá hạn {step.due:%d/%m/%Y}" if step.overdue else f"hạn {step.due:%d/%m/%Y}"
            term = by_pk[row.term.pk]
            tasks.append(Todo(term, f"{step.label} ({when})", reverse(STEP_PAGES[step.item], args=[term.pk])))
    return tasks
