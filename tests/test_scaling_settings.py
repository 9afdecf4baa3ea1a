"""Several app servers share what one server keeps to itself: the cache (login and verification
throttling) and the stored files, both chosen by the environment (docs/PERFORMANCE.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOW = (
    "from django.conf import settings as s; "
    "print(s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), "
    "s.STORAGES['default']['BACKEND'], sorted(s.STORAGES['default']['OPTIONS']), s.SESSION_ENGINE)"
)


def shell(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Empty means the default, also over a developer's .env (which never overrides the environment).
    defaults = {
        "CACHE_URL": "",
        "MEDIA_STORAGE": "",
        "MEDIA_STORAGE_OPTIONS": "",
        "DATABASE_URL": "",
        "SESSION_STORE": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT,
        env=os.environ | defaults | {"SECRET_KEY": "test-only-not-secret", "DEBUG": "false"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_one_server_keeps_its_cache_in_memory_and_its_files_in_a_folder():
    shown = shell({}).stdout.split()
    assert shown[0] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown[-3:] == [
        "django.core.files.storage.FileSystemStorage",
        "[]",
        "django.contrib.sessions.backends.db",
    ]


def test_several_servers_share_a_database_cache_and_a_storage_backend():
    result = shell(
        {
            "CACHE_URL": "dbcache://django_cache",
            "MEDIA_STORAGE": "django.core.files.storage.InMemoryStorage",
            "MEDIA_STORAGE_OPTIONS": '{"location": "thidua"}',
        }
    )
    assert result.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "django_cache",
        "django.core.files.storage.InMemoryStorage",
        "['location']",
        "django.contrib.sessions.backends.db",
    ], result.stderr


def test_sessions_are_read_from_a_shared_redis_cache_when_asked():
    result = shell({"CACHE_URL": "redis://127.0.0.1:6379/0", "SESSION_STORE": "cached_db"})
    shown = result.stdout.split()
    assert shown[:2] == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/0"], (
        result.stderr
    )
    assert shown[-1] == "django.contrib.sessions.backends.cached_db"


def test_sessions_are_never_read_from_a_cache_of_one_process():
    for env in ({"SESSION_STORE": "cached_db"}, {"SESSION_STORE": "cached_db", "CACHE_URL": "dummycache://"}):
        result = shell(env)
        assert result.returncode != 0 and "SESSION_STORE=cached_db needs a cache shared" in result.stderr
    unknown = shell({"SESSION_STORE": "cookies"})
    assert unknown.returncode != 0 and "SESSION_STORE='cookies': use db or cached_db" in unknown.stderr


def test_a_storage_setting_it_cannot_use_stops_the_app():
    bad_json = shell({"MEDIA_STORAGE_OPTIONS": "{bucket: thidua}"})
    assert bad_json.returncode != 0 and "MEDIA_STORAGE_OPTIONS is not JSON" in bad_json.stderr
    missing = shell({"MEDIA_STORAGE": "storages.backends.s3.S3Storage"})
    assert missing.returncode != 0 and "MEDIA_STORAGE='storages.backends.s3.S3Storage'" in missing.stderr
