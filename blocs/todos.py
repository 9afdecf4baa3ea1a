"""The dashboard's "việc cần làm": each app contributes what awaits a user in the year's terms.

`blocs` knows nothing of the apps built on it, so those apps register a provider in their
`AppConfig.ready()`. A provider takes the dashboard's terms (`member_count`, `leader`, `deputy`,
`next_elected` and the user's role already resolved, see `blocs.views.browse.dashboard`) and
returns `Todo`s; it must cost a fixed number of queries whatever the number of terms, because the
dashboard's query count is pinned by tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.urls import reverse

from blocs import permissions as perms
from blocs.models import Term


@dataclass(frozen=True)
class Todo:
    term: Term
    text: str
    url: str


Provider = Callable[..., list[Todo]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (idempotent, so that a second `ready()` does not list tasks twice)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def term_todos(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    """The foundation's own tasks: set the term up, and elect next year's leadership."""
    tasks = []
    for term in terms:
        if not term.is_open:
            continue
        if board and term.leader is None:
            tasks.append(Todo(term, "Chưa ghi nhận trưởng khối", reverse("blocs:leadership", args=[term.pk])))
        if board and not term.decision_number:
            tasks.append(
                Todo(term, "Chưa nhập quyết định thành lập khối", reverse("blocs:term_edit", args=[term.pk]))
            )
        if perms.is_leader(user, term) and not term.next_elected:
            tasks.append(
                Todo(
                    term,
                    "Bầu trưởng, phó khối năm sau tại hội nghị tổng kết",
                    reverse("blocs:elect", args=[term.pk]),
                )
            )
    return tasks


register(term_todos)


def todos_for(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    """Every provider's tasks, grouped by bloc in the order of `terms`."""
    found = [task for provider in _providers for task in provider(terms, user, board=board)]
    order = {term.pk: i for i, term in enumerate(terms)}
    return sorted(found, key=lambda task: order[task.term.pk])
