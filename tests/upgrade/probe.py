"""Run by `manage.py shell` against the database being upgraded (tests/upgrade/test_upgrade.py):
prints, as JSON, every product table's rows, every constraint and index name, and every stored file's
SHA-256. Django's own bookkeeping tables (migrations, content types, permissions, sessions, admin log,
cache) are left out: an upgrade may rightly add to them."""

import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection

BOOKKEEPING = ("django_", "auth_permission", "sqlite_")


def rows(cursor, table: str) -> list[list[str]]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the catalogue
    return sorted([[None if v is None else str(v) for v in row] for row in cursor.fetchall()])


def main() -> dict:
    with connection.cursor() as cursor:
        tables = sorted(
            t.name
            for t in connection.introspection.get_table_list(cursor)
            if t.type == "t" and not t.name.startswith(BOOKKEEPING)
        )
        data = {
            "rows": {t: rows(cursor, t) for t in tables},
            "constraints": {t: sorted(connection.introspection.get_constraints(cursor, t)) for t in tables},
        }
    media = Path(settings.MEDIA_ROOT)
    data["files"] = {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }
    return data


Path(os.environ["UPGRADE_PROBE_OUT"]).write_text(json.dumps(main(), ensure_ascii=False))
