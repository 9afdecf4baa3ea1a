"""Issue 15, item 3: once next year's leadership is recorded, the outgoing leader can no longer
rewrite it; the election page shows what was recorded, and board staff change it with a reason,
audited and shown on the term's pages."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError

from blocs.models import AuditEvent, Role, Term
from blocs.services import leadership_elect
from tests.factories import make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(client):
    term = make_term(year=2024, members=4)
    leader_user = unit_user(term, Role.LEADER)
    members = list(term.memberships.select_related("unit").order_by("position"))
    return term, leader_user, [m.unit for m in members]


def elect(client, term, leader, deputy, **extra):
    data = {
        "leader": leader.pk,
        "leader_chosen_by": "elected",
        "deputy": deputy.pk,
        "deputy_chosen_by": "elected",
    }
    return client.post(f"/terms/{term.pk}/elect/", data | {"confirmed": "yes"} | extra)


def next_roles(term) -> tuple[int, int]:
    nxt = Term.objects.get(bloc=term.bloc, year=term.year + 1)
    return (nxt.memberships.get(role=Role.LEADER).unit_id, nxt.memberships.get(role=Role.DEPUTY).unit_id)


def test_the_outgoing_leader_records_once_and_then_only_reads_what_was_recorded(client, year):
    term, leader_user, (own, second, third, fourth) = year
    client.force_login(leader_user)
    assert elect(client, term, second, third).status_code == 302
    assert next_roles(term) == (second.pk, third.pk)

    page = html.unescape(client.get(f"/terms/{term.pk}/elect/").content.decode())
    assert "Đã ghi nhận" in page and second.name in page and third.name in page
    assert 'name="leader"' not in page  # no form to fill in again
    # Naming its own unit, or anyone, is refused and changes nothing.
    assert elect(client, term, own, fourth).status_code == 403
    assert next_roles(term) == (second.pk, third.pk)
    with pytest.raises(ValidationError, match="chỉ Ban Thi đua – Khen thưởng thay đổi được"):
        leadership_elect(
            term=term, leader=own, deputy=fourth, leader_chosen_by="elected", deputy_chosen_by="elected",
            by=leader_user,
        )  # fmt: skip
    # The term's page offers the page under its new name and shows what was recorded.
    term_page = html.unescape(client.get(f"/terms/{term.pk}/").content.decode())
    assert f"Trưởng khối năm {term.year + 1}" in term_page and second.name in term_page


def test_board_staff_change_it_with_a_reason_audited_and_shown(client, year):
    term, leader_user, (own, second, third, fourth) = year
    client.force_login(leader_user)
    elect(client, term, second, third)
    board = make_user(board=True, full_name="Nguyễn Văn Ban")
    client.force_login(board)
    page = client.get(f"/terms/{term.pk}/elect/").content.decode()
    assert 'name="reason"' in page and f'value="{second.pk}" selected' in page

    response = elect(client, term, fourth, third)
    assert response.status_code == 400 and "Ghi lý do thay đổi" in response.content.decode()
    assert next_roles(term) == (second.pk, third.pk)

    assert elect(client, term, fourth, third, reason="Sở B sáp nhập vào Sở C từ 01/7/2025").status_code == 302
    assert next_roles(term) == (fourth.pk, third.pk)
    event = AuditEvent.objects.filter(action="term.leadership").latest("pk")
    assert event.actor == board and event.reason == "Sở B sáp nhập vào Sở C từ 01/7/2025"

    client.force_login(leader_user)
    term_page = html.unescape(client.get(f"/terms/{term.pk}/").content.decode())
    assert "Thay đổi sau khi ghi nhận" in term_page
    assert f"Nguyễn Văn Ban: Trưởng khối: {second.name} → {fourth.name}. Lý do: Sở B sáp nhập" in term_page
