"""A draft's PDF renders once per content: the same draft asked again comes from the cache, any
change to what it prints renders anew."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from agreements import printing, services
from blocs.models import Role
from tests.factories import make_agreement, make_term, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    cache.clear()
    made = []

    def counting(data, *, draft, code=None):
        made.append(data)
        return b"%PDF-1.4\n% " + str(len(made)).encode() + b"\n%%EOF\n"

    monkeypatch.setattr("agreements.printing.render", counting)
    yield made
    cache.clear()


def test_the_same_draft_renders_once_and_a_change_renders_again(client, renders):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term)
    client.force_login(unit_user(term, Role.MEMBER))
    url = f"/agreements/{agreement.pk}/pdf/"
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and len(renders) == 1
    assert again["Cache-Control"] == "no-store"
    services.commitment_add(agreement=agreement, text="Nội dung thi đua mới", by=None)
    changed = client.get(url)
    assert len(renders) == 2 and changed.content != first.content
    assert "Nội dung thi đua mới" in renders[1]["commitments"]


def test_two_drafts_with_different_content_never_share_a_pdf(renders):
    one = make_agreement(make_term(year=2024, members=2))
    two = make_agreement(make_term(year=2024, members=2))
    assert printing.render_draft(printing.snapshot(one)) != printing.render_draft(printing.snapshot(two))
    assert len(renders) == 2
