"""The load benchmark's reference probes (bench/urls.py), served by its gunicorn beside the app."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bench import urls as bench_urls
from blocs.models import Role
from tests.factories import make_term, unit_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture
def leader(client):
    term = make_term(year=2026, members=4)
    user = unit_user(term, Role.LEADER)
    client.force_login(user)
    bench_urls._kept.clear()
    return user


def test_the_signed_in_probe_reads_the_session_and_the_user_and_nothing_else(client, leader):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/bench/signed-in/")
    assert response.status_code == 200
    assert response.content == f"{leader.pk}\n".encode()
    assert len(ctx.captured_queries) == 2, [q["sql"][:60] for q in ctx.captured_queries]


def test_the_probes_are_behind_the_login_like_every_page(client):
    for url in ("/bench/signed-in/", "/bench/dashboard-kept/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_kept_dashboard_is_the_dashboard_computed_once_then_served_without_a_query_of_its_own(
    client, leader
):
    first = client.get("/bench/dashboard-kept/")
    assert first.status_code == 200
    assert '<h1 class="h3 mb-3">Tổng quan năm 2026</h1>' in first.content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/bench/dashboard-kept/")
    assert again.content == first.content
    assert len(ctx.captured_queries) == 2  # the session and the user


@override_settings(ROOT_URLCONF="config.urls")
def test_the_application_itself_has_no_probe(client, leader):
    assert client.get("/bench/signed-in/").status_code == 404
