"""The audit log is append-only: refused by the model everywhere and by the database itself on
PostgreSQL (a trigger); board staff read it per term, filtered by object and by person."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from blocs import audit
from blocs.models import AuditEvent, Role
from tests.factories import make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


def an_event():
    term = make_term(year=2024, members=2)
    return audit.audit_record(actor=None, action="test.event", obj=term, term=term, new={"x": 1})


def test_the_model_refuses_to_change_or_delete_an_event():
    event = an_event()
    event.reason = "sửa lén"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="sửa lén")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    ["UPDATE blocs_auditevent SET reason = 'x' WHERE id = %s", "DELETE FROM blocs_auditevent WHERE id = %s"],
)
def test_the_database_refuses_to_change_or_delete_an_event(sql):
    event = an_event()
    with (
        pytest.raises(DatabaseError, match="Nhật ký chỉ được ghi thêm"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_board_staff_read_a_terms_log_filtered_by_object_and_person(client):
    term = make_term(year=2024, members=3)
    leader = unit_user(term, Role.LEADER)
    audit.audit_record(actor=leader, action="agreement.update", obj=term, term=term, new={"title": "A"})
    audit.audit_record(actor=None, action="term.edit", obj=term, term=term, new={"x": 1})
    other = make_term(year=2024, members=2)
    audit.audit_record(actor=None, action="term.edit", obj=other, term=other, new={"y": 2})
    client.force_login(make_user(board=True))
    page = client.get(f"/terms/{term.pk}/audit/").content.decode()
    edited = "Sửa thông tin chung của giao ước"  # agreement.update, as its readers call it
    assert edited in page and "term.edit" in page and "<strong>Y</strong>" not in page
    by_person = client.get(f"/terms/{term.pk}/audit/?actor={leader.pk}").content.decode()
    assert edited in by_person and "term.edit" not in by_person
    by_object = client.get(f"/terms/{term.pk}/audit/?object=blocs.term").content.decode()
    assert "term.edit" in by_object
    assert client.get(f"/terms/{term.pk}/audit/?actor=abc").status_code == 200  # a bad filter is ignored


def test_the_log_page_costs_the_same_queries_with_many_events(client):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    term = make_term(year=2024, members=3)
    client.force_login(make_user(board=True))
    counts = []
    for n in (5, 60):
        for i in range(n):
            audit.audit_record(actor=unit_user(term, Role.MEMBER), action=f"test.{i}", obj=term, term=term)
        with CaptureQueriesContext(db) as queries:
            assert client.get(f"/terms/{term.pk}/audit/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_events_written_under_a_models_old_label_read_as_one_kind_with_todays(client):
    """Events are never rewritten: those written when the vote lived in the scoring app keep the label
    `scoring.ballot`, and the audit page shows and filters them as `ballots.ballot`."""
    term = make_term(year=2024, members=2)
    common = {"actor": None, "term": term, "object_id": "7", "object_repr": "Phiếu bầu khối dẫn đầu"}
    AuditEvent.objects.create(action="ballot.open", object_type="scoring.ballot", **common)
    AuditEvent.objects.create(action="ballot.close", object_type="ballots.ballot", **common)
    AuditEvent.objects.create(action="term.edit", object_type="blocs.term", **common)
    client.force_login(make_user(board=True))
    page = client.get(f"/terms/{term.pk}/audit/").content.decode()
    assert '<option value="ballots.ballot"' in page and '<option value="scoring.ballot"' not in page
    assert page.count('<span class="text-body-secondary">Cuộc bỏ phiếu</span>') == 2
    ballots = client.get(f"/terms/{term.pk}/audit/?object=ballots.ballot").content.decode()
    assert "Mở bỏ phiếu" in ballots and "Kết thúc bỏ phiếu" in ballots and "term.edit" not in ballots
    assert AuditEvent.objects.filter(object_type="scoring.ballot").count() == 1


def test_every_old_label_maps_to_a_model_of_today():
    from django.apps import apps

    for old, new in audit.MOVED_LABELS.items():
        assert apps.get_model(new)._meta.label_lower == new
        assert old.split(".")[1] == new.split(".")[1] or (old, new) == ("scoring.assessment", "scoring.sheet")
        assert audit.labels_of(new) == [new, old]
