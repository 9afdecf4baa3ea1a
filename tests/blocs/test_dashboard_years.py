"""Issue 15, item 4: work of an earlier open year does not disappear when a later year opens. The
dashboard lists the to-dos of every open term of the user's unit, grouped by year, whatever year
is selected; the default year is the earliest with a to-do."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import timezone

from blocs.models import Role, Term
from blocs.services import leadership_elect
from tests.factories import make_criteria_set, make_membership, make_term, make_unit, make_user, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """Year 2024 with scoring open (every member has a sheet to fill), and 2025 opened by the
    election at the year-end conference."""
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, state="open")
    leader, deputy, third, fourth = (m.unit for m in term.memberships.order_by("position"))
    nxt = leadership_elect(
        term=term,
        leader=deputy,
        deputy=third,
        leader_chosen_by="elected",
        deputy_chosen_by="elected",
        by=None,
    )
    return term, nxt, criteria_set


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_the_default_year_is_the_earliest_with_a_to_do_and_the_sheet_of_2024_stays_listed(client, two_years):
    term, nxt, criteria_set = two_years
    client.force_login(unit_user(term, Role.MEMBER))
    page = page_text(client.get("/"))
    assert "Tổng quan năm 2024" in page
    assert "Năm 2024" in page and "Tự chấm điểm và nộp phiếu trước" in page
    assert f'href="/scoring/{criteria_set.pk}/sheet/"' in page

    # Choosing 2025 keeps 2024's to-do on the dashboard, under its year.
    page = page_text(client.get("/?year=2025"))
    assert "Tổng quan năm 2025" in page
    assert "năm 2024: Tự chấm điểm và nộp phiếu trước" in page.replace("</strong>", "")


def test_the_new_leader_sees_both_years_and_the_outgoing_leader_its_unsent_work(client, two_years):
    term, nxt, criteria_set = two_years
    outgoing = unit_user(term, Role.LEADER)
    client.force_login(outgoing)
    page = page_text(client.get("/")).replace("</strong>", "")
    assert "Tổng quan năm 2024" in page and "năm 2024:" in page  # its 2024 work, though 2025 is open

    incoming = make_user(unit=nxt.memberships.get(role=Role.LEADER).unit)
    client.force_login(incoming)
    page = page_text(client.get("/")).replace("</strong>", "")
    assert "năm 2024: Tự chấm điểm" in page  # its own 2024 sheet (it is the 2024 deputy)
    assert "năm 2025: Bầu trưởng, phó khối năm sau" in page  # the 2025 leader's task


def test_every_page_after_the_dashboard_shows_the_same_default_year(client, two_years):
    term, nxt, criteria_set = two_years
    client.force_login(unit_user(term, Role.MEMBER))
    client.get("/")
    assert "Các khối thi đua năm 2024" in page_text(client.get("/blocs/"))


def test_a_year_with_nothing_of_the_users_names_the_years_that_hold_its_blocs(client, two_years):
    term, nxt, criteria_set = two_years
    other = make_term(year=2022, members=2)
    assert other.year == 2022
    client.force_login(unit_user(term, Role.MEMBER))
    page = page_text(client.get("/?year=2022"))
    assert "Đơn vị của bạn không thuộc khối thi đua nào năm 2022." in page
    links = '<a href="?year=2024">năm 2024</a>, <a href="?year=2025">năm 2025</a>.'
    assert f"Các năm có khối của đơn vị bạn: {links}" in page


def test_a_unit_in_no_open_term_gets_the_latest_open_year(client, two_years):
    lonely = make_unit()
    make_membership(term=make_term(year=2023), unit=lonely)
    Term.objects.filter(year=2023).update(status="closed", closed_at=timezone.now())
    client.force_login(make_user(unit=lonely))
    page = page_text(client.get("/"))
    assert "Tổng quan năm 2025" in page and "Không có việc nào đang chờ." in page
