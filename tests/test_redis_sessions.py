"""Sessions read from a shared Redis cache (SESSION_STORE=cached_db, docs/PERFORMANCE.md): one query
fewer on every page, and a session ended anywhere is ended everywhere. Needs the Redis server of the
project's machines (127.0.0.1:6379); skipped where there is none."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable() -> bool:
    host, port = REDIS.split("//", 1)[1].split("/", 1)[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not _reachable(), reason=f"no Redis server at {REDIS}"),
]


@pytest.fixture
def redis_sessions():
    # A prefix of its own: the SQLite and PostgreSQL runs of CI share the server.
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        yield
        cache.clear()


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_signed_in_page_reads_its_session_from_the_cache(client, redis_sessions):
    client.force_login(make_user(board=True))
    client.get("/password-change/")  # the first read puts the session in the cache
    queries = _queries(client, "/password-change/")
    assert not any("django_session" in sql for sql in queries)
    assert len(queries) == 3  # the user, the permissions, the years


def test_signing_out_ends_the_session_in_the_cache_and_in_the_database(redis_sessions):
    user = make_user(board=True)
    browser, stolen = Client(), Client()
    browser.force_login(user)
    assert browser.get("/password-change/").status_code == 200
    key = browser.cookies["sessionid"].value
    stolen.cookies["sessionid"] = key
    assert stolen.get("/password-change/").status_code == 200
    browser.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    response = stolen.get("/password-change/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
