"""What the tests of the document pipeline record: when rows are locked, and whether a transaction
is open at that moment."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet


def record_locks(monkeypatch, steps: list) -> None:
    """Append ("lock", model name, whether a transaction is open) to `steps` at every
    select_for_update, on SQLite (where it issues no FOR UPDATE) as on PostgreSQL."""
    select_for_update = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        steps.append(("lock", queryset.model.__name__, connection.in_atomic_block))
        return select_for_update(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
