"""Every URL path of the release before the split of scoring (e249053, listed in
tests/fixtures/urls_e249053.tsv with its name and view) still resolves to the same view, whose app
may have changed: bookmarks, printed links and the benchmark's paths keep working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import resolve

LISTED = Path(__file__).parent / "fixtures" / "urls_e249053.tsv"
SAMPLE = {"int": "7", "str": "pdf", "uidb64": "MQ", "token": "abc-123"}


def _rows():
    for line in LISTED.read_text().splitlines():
        path, name, view = line.split("\t")
        yield pytest.param(path, name, view, id=path or "/")


def _concrete(pattern: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLE.get(m.group(1) or m.group(2), "x"), pattern)


@pytest.mark.parametrize(("pattern", "name", "view"), list(_rows()))
def test_every_path_of_the_release_resolves_to_the_same_view(pattern, name, view):
    match = resolve(_concrete(pattern))
    found = getattr(match.func, "view_class", match.func)
    assert match.url_name == name.split(":")[1]
    # The same function or class; a view of the split apps now lives in the app named by its namespace.
    assert found.__qualname__ == view.rsplit(".", 1)[-1]
    if found.__module__ != view.rsplit(".", 1)[0]:
        assert view.startswith("scoring.") and found.__module__.split(".")[0] == match.namespace


def test_the_list_is_the_release_whole():
    assert sum(1 for _ in _rows()) == 104
