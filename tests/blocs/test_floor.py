"""The cost every signed-in page starts from: the session, the user with their unit, their
permissions (board staff are a group's members) and the menu's years, in four queries."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blocs import permissions as perms
from blocs.models import Term, TermStatus, User
from blocs.years import default_year, year_choices
from tests.factories import make_term, make_unit, make_user

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as a new request loads it (no permission read yet)."""
    return User.objects.get(pk=user.pk)


def test_board_staff_are_found_by_their_group_in_one_query(django_assert_num_queries):
    user = _fresh(make_user(board=True))
    with django_assert_num_queries(1):
        assert perms.is_board(user)
        assert perms.is_board(user)  # read once per request


def test_a_permission_given_to_the_user_counts_as_one_given_to_their_group():
    user = make_user(unit=make_unit())
    user.user_permissions.add(Permission.objects.get(codename="change_term", content_type__app_label="blocs"))
    assert perms.is_board(_fresh(user))


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({}, False),
        ({"is_superuser": True}, True),
        ({"is_superuser": True, "is_active": False}, False),
    ],
)
def test_who_else_is_or_is_not_board_staff(fields, expected):
    user = make_user(unit=make_unit(), **fields)
    assert perms.is_board(_fresh(user)) is expected


def test_an_inactive_member_of_the_board_group_has_no_permission():
    user = make_user(board=True)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not perms.is_board(_fresh(user))


def test_the_menu_years_and_the_default_year_are_read_together_once(client):
    make_term(year=2024)
    Term.objects.filter(pk=make_term(year=2025).pk).update(
        status=TermStatus.CLOSED, closed_at="2026-01-10T08:00:00+07:00"
    )
    make_term(year=2023)
    client.force_login(make_user(board=True))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/password-change/")
    assert response.status_code == 200
    tables = [q["sql"] for q in ctx.captured_queries if '"blocs_term"' in q["sql"]]
    assert len(tables) == 1, tables
    # session, user with unit, permissions, years
    assert len(ctx.captured_queries) == 4, [q["sql"][:80] for q in ctx.captured_queries]
    body = response.content.decode()
    assert body.index('value="2025"') < body.index('value="2024"') < body.index('value="2023"')
    assert '<option value="2024" selected>' in body  # the latest year with an open term


def test_year_helpers_without_a_request_read_the_database_each_time():
    make_term(year=2022)
    assert (default_year(), year_choices()) == (2022, [2022])
    make_term(year=2026)
    assert (default_year(), year_choices()) == (2026, [2026, 2022])
