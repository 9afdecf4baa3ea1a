"""The upgrade check: a database migrated and filled with the demo province by the last release before
the apps were split by domain (commit e249053), then migrated by this code, keeps every product
table's rows and the audit log, every stored file and every constraint name, on the database the
suite runs on (SQLite or PostgreSQL).

A later change that alters rows or constraints on purpose updates EXPECTED_CHANGES below in the same
commit and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "e249053"
# Tables whose rows or constraints change on purpose in an upgrade from RELEASE: none so far.
EXPECTED_CHANGES: dict[str, str] = {}


def _release_tree(target: Path) -> Path:
    """The code of RELEASE, unpacked from the repository's history."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE],
            check=True,
            capture_output=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.fail(f"The upgrade check needs commit {RELEASE} in the repository's history: {exc}")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


class Database:
    """A database of its own for the check, of the kind the suite runs on."""

    def __init__(self, tmp_path: Path):
        default = settings.DATABASES["default"]
        self.vendor = "postgresql" if "postgresql" in default["ENGINE"] else "sqlite"
        if self.vendor == "sqlite":
            self.url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
            return
        self.server = {k: default[k] for k in ("HOST", "PORT", "USER", "PASSWORD")}
        self.name = f"khoithidua_upgrade_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        auth = self.server["USER"] + (f":{self.server['PASSWORD']}" if self.server["PASSWORD"] else "")
        self.url = f"postgres://{auth}@{self.server['HOST']}:{self.server['PORT'] or 5432}/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.server["HOST"],
            port=self.server["PORT"] or 5432,
            user=self.server["USER"],
            password=self.server["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def database(tmp_path):
    db = Database(tmp_path)
    yield db
    db.drop()


def _manage(cwd: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} in {cwd}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _probe(cwd: Path, env: dict, out: Path) -> dict:
    code = (ROOT / "tests" / "upgrade" / "probe.py").read_text()
    _manage(cwd, {**env, "UPGRADE_PROBE_OUT": str(out)}, "shell", "--no-imports", "-c", code)
    return json.loads(out.read_text())


def test_upgrade_from_the_release_before_the_split_keeps_rows_files_and_constraints(tmp_path, database):
    old = _release_tree(tmp_path / "release")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))} | {
        "SECRET_KEY": "upgrade-check-not-secret",
        # Static files through the finders (the demo prints PDFs); no collectstatic here.
        "DEBUG": "true",
        "DATABASE_URL": database.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": "",
    }
    _manage(old, env, "migrate", "--noinput", "-v0")
    _manage(old, env, "load_demo")
    before = _probe(ROOT, env, tmp_path / "before.json")

    _manage(ROOT, env, "migrate", "--noinput", "-v0")
    after = _probe(ROOT, env, tmp_path / "after.json")

    assert before["rows"]["blocs_auditevent"], "the demo wrote no audit log"
    assert before["rows"]["scoring_ballot"] and before["files"], "the demo left no ballot or no file"
    for table, rows in before["rows"].items():
        if table in EXPECTED_CHANGES:
            continue
        assert table in after["rows"], f"{table} is gone"
        assert after["rows"][table] == rows, f"{table}: rows changed"
        assert after["constraints"][table] == before["constraints"][table], f"{table}: constraints changed"
    assert after["files"] == before["files"]

    # The moved models read the same rows under their new apps, and their content types followed them.
    check = (
        "from django.contrib.contenttypes.models import ContentType as C\n"
        "from ballots.models import Ballot\nfrom conferences.models import Document\n"
        "from board.models import AwardDecision\n"
        "print(Ballot.objects.count(), Document.objects.count(), AwardDecision.objects.count(),"
        " C.objects.filter(app_label='scoring', model__in=['ballot', 'document', 'awarddecision']).count(),"
        " C.objects.filter(app_label='ballots', model='ballot').count())"
    )
    counts = _manage(ROOT, env, "shell", "--no-imports", "-c", check).split()
    assert counts == [
        str(len(after["rows"]["scoring_ballot"])),
        str(len(after["rows"]["scoring_document"])),
        str(len(after["rows"]["scoring_awarddecision"])),
        "0",
        "1",
    ]
    shutil.rmtree(old)
