"""Run callables at the same moment, each in its own thread and database connection: the tool of the
tests that race real transactions on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(calls: dict[str, Callable[[], object]], *, timeout: float = 60) -> dict[str, object]:
    """Start every call in its own thread, release them together with a barrier, and return what
    each returned or raised (an exception is returned, not raised)."""
    start = threading.Barrier(len(calls))
    results: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            start.wait(timeout=10)
            results[name] = calls[name]()
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            results[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
