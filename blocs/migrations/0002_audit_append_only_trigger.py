"""The audit log is append-only in the database itself on PostgreSQL: a trigger refuses any UPDATE
or DELETE of a row, whatever the client (the application, the admin, a psql session).

TRUNCATE is left alone: it is how test runs and `manage.py flush` empty a database, and it needs the
table owner's rights. SQLite has no such trigger here, because Django empties a SQLite test database
with DELETE; there the model refuses updates and deletes (AuditEvent.save/delete and its QuerySet).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION blocs_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Nhật ký chỉ được ghi thêm (%%, bảng blocs_auditevent).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER blocs_auditevent_append_only
    BEFORE UPDATE OR DELETE ON blocs_auditevent
    FOR EACH ROW EXECUTE FUNCTION blocs_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS blocs_auditevent_append_only ON blocs_auditevent;
DROP FUNCTION IF EXISTS blocs_auditevent_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("blocs", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
