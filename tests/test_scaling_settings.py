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
    "s.STORAGES['default']['BACKEND'], sorted(s.STORAGES['default']['OPTIONS']))"
)


def shell(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Empty means the default, also over a developer's .env (which never overrides the environment).
    defaults = {"CACHE_URL": "", "MEDIA_STORAGE": "", "MEDIA_STORAGE_OPTIONS": "", "DATABASE_URL": ""}
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
    assert shown[-2:] == ["django.core.files.storage.FileSystemStorage", "[]"]


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
    ], result.stderr


def test_a_storage_setting_it_cannot_use_stops_the_app():
    bad_json = shell({"MEDIA_STORAGE_OPTIONS": "{bucket: thidua}"})
    assert bad_json.returncode != 0 and "MEDIA_STORAGE_OPTIONS is not JSON" in bad_json.stderr
    missing = shell({"MEDIA_STORAGE": "storages.backends.s3.S3Storage"})
    assert missing.returncode != 0 and "MEDIA_STORAGE='storages.backends.s3.S3Storage'" in missing.stderr
