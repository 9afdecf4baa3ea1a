"""The database itself refuses what the services refuse: every named constraint, PROTECT, the append-only log.

Rows are written directly (create, bulk_create, queryset update), past the services and forms. Each test
also writes the valid neighbouring row, so that a test cannot pass because everything is refused.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from blocs.models import AuditEvent, Bloc, ChosenBy, Membership, Role, Term, TermStatus, Unit, UnitName, User
from tests.factories import make_bloc, make_membership, make_term, make_unit, make_user

pytestmark = pytest.mark.django_db


def assert_violates(exc: pytest.ExceptionInfo, name: str, columns: str | None = None) -> None:
    """The IntegrityError names the constraint, as precisely as the backend reports it.

    PostgreSQL names every constraint. SQLite names CHECK constraints but reports a UNIQUE one, plain or
    partial, by its columns only: there the one-leader and the one-deputy constraints read alike.
    """
    message = str(exc.value)
    if connection.vendor == "postgresql":
        assert f'constraint "{name}"' in message, message
    elif columns is None:
        assert message == f"CHECK constraint failed: {name}", message
    else:
        assert message == f"UNIQUE constraint failed: {columns}", message


def member(term: Term, unit: Unit, *, position: int, role: str = Role.MEMBER, **fields) -> Membership:
    """A membership row for bulk_create, which does not run Membership.save() (`year` may be forged)."""
    values = {"year": term.year, "chosen_by": "" if role == Role.MEMBER else ChosenBy.ELECTED, **fields}
    return Membership(term=term, unit=unit, position=position, role=role, **values)


# Terms ------------------------------------------------------------------------------------------


def test_bloc_has_one_term_per_year():
    term = make_term(year=2023)

    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.create(bloc=term.bloc, year=2023)
    assert_violates(exc, "term_one_per_bloc_year", "blocs_term.bloc_id, blocs_term.year")

    Term.objects.create(bloc=term.bloc, year=2024)
    Term.objects.create(bloc=make_bloc(), year=2023)
    assert Term.objects.filter(year=2023).count() == 2


@pytest.mark.parametrize("year", [1999, 2101])
def test_term_year_outside_2000_to_2100_is_refused(year):
    bloc = make_bloc()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.create(bloc=bloc, year=year)
    assert_violates(exc, "term_year_plausible")

    term = Term.objects.create(bloc=bloc, year=2023)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.filter(pk=term.pk).update(year=year)
    assert_violates(exc, "term_year_plausible")
    assert Term.objects.get(pk=term.pk).year == 2023


def test_term_years_2000_and_2100_are_accepted():
    bloc = make_bloc()
    Term.objects.bulk_create([Term(bloc=bloc, year=2000), Term(bloc=bloc, year=2100)])
    assert sorted(bloc.terms.values_list("year", flat=True)) == [2000, 2100]


def test_closed_term_has_its_closing_time():
    bloc = make_bloc()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.create(bloc=bloc, year=2022, status=TermStatus.CLOSED, closed_at=None)
    assert_violates(exc, "term_closed_at_matches_status")

    term = make_term(bloc=bloc, year=2023)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.filter(pk=term.pk).update(status=TermStatus.CLOSED)
    assert_violates(exc, "term_closed_at_matches_status")
    assert Term.objects.get(pk=term.pk).status == TermStatus.OPEN

    Term.objects.filter(pk=term.pk).update(status=TermStatus.CLOSED, closed_at=timezone.now())
    assert Term.objects.get(pk=term.pk).status == TermStatus.CLOSED


def test_open_term_has_no_closing_time():
    bloc = make_bloc()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.bulk_create([Term(bloc=bloc, year=2022, closed_at=timezone.now())])
    assert_violates(exc, "term_closed_at_matches_status")

    term = make_term(bloc=bloc, year=2023, status=TermStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Term.objects.filter(pk=term.pk).update(status=TermStatus.OPEN)
    assert_violates(exc, "term_closed_at_matches_status")

    Term.objects.filter(pk=term.pk).update(status=TermStatus.OPEN, closed_at=None)
    assert Term.objects.get(pk=term.pk).closed_at is None


# Memberships ------------------------------------------------------------------------------------


def test_unit_belongs_to_one_bloc_per_year():
    unit = make_unit()
    make_membership(term=make_term(year=2023), unit=unit)
    other_2023, other_2024 = make_term(year=2023), make_term(year=2024)

    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.create(term=other_2023, unit=unit, position=1)
    assert_violates(
        exc, "membership_one_bloc_per_unit_year", "blocs_membership.unit_id, blocs_membership.year"
    )

    Membership.objects.create(term=other_2024, unit=unit, position=1)
    assert sorted(unit.memberships.values_list("year", flat=True)) == [2023, 2024]


def test_unit_is_once_in_a_term():
    term = make_term(year=2023)
    unit = make_unit()
    make_membership(term=term, unit=unit)

    # The year is forged so that only this constraint, not the one-bloc-per-year one, is at stake.
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.bulk_create([member(term, unit, position=2, year=2024)])
    assert_violates(
        exc, "membership_unit_once_per_term", "blocs_membership.term_id, blocs_membership.unit_id"
    )

    Membership.objects.bulk_create([member(term, make_unit(), position=2)])
    assert term.memberships.count() == 2


def test_term_has_one_leader():
    term = make_term(members=3)
    third = term.memberships.get(position=3)

    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=third.pk).update(role=Role.LEADER, chosen_by=ChosenBy.ELECTED)
    assert_violates(exc, "membership_one_leader_per_term", "blocs_membership.term_id")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.create(
            term=term, unit=make_unit(), position=4, role=Role.LEADER, chosen_by="elected"
        )
    assert_violates(exc, "membership_one_leader_per_term", "blocs_membership.term_id")

    other = make_term(members=1)
    assert Membership.objects.filter(term__in=[term, other], role=Role.LEADER).count() == 2


def test_term_has_one_deputy():
    term = make_term(members=3)
    third = term.memberships.get(position=3)

    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=third.pk).update(role=Role.DEPUTY, chosen_by=ChosenBy.ELECTED)
    assert_violates(exc, "membership_one_deputy_per_term", "blocs_membership.term_id")
    assert term.memberships.get(pk=third.pk).role == Role.MEMBER

    # A leader and a deputy in one term, and deputies in two terms, are fine.
    assert sorted(term.memberships.exclude(role=Role.MEMBER).values_list("role", flat=True)) == [
        Role.DEPUTY,
        Role.LEADER,
    ]
    other = make_term(members=2)
    assert Membership.objects.filter(term__in=[term, other], role=Role.DEPUTY).count() == 2


def test_leader_and_deputy_are_different_units():
    """A membership holds one role, and a unit is once in a term: one unit cannot lead and deputise."""
    term = make_term(members=3)
    leader = term.memberships.get(role=Role.LEADER)
    deputy = term.memberships.get(role=Role.DEPUTY)

    # Making the leader's membership the deputy while a deputy exists is refused ...
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=leader.pk).update(role=Role.DEPUTY)
    assert_violates(exc, "membership_one_deputy_per_term", "blocs_membership.term_id")

    # ... and so is a second membership of the leader's unit as deputy, once the deputy stepped down.
    Membership.objects.filter(pk=deputy.pk).update(role=Role.MEMBER, chosen_by="")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.bulk_create([member(term, leader.unit, position=4, role=Role.DEPUTY, year=2024)])
    assert_violates(
        exc, "membership_unit_once_per_term", "blocs_membership.term_id, blocs_membership.unit_id"
    )

    # Another unit may deputise.
    Membership.objects.filter(pk=deputy.pk).update(role=Role.DEPUTY, chosen_by=ChosenBy.ELECTED)
    leadership = term.memberships.exclude(role=Role.MEMBER)
    assert leadership.count() == 2
    assert leadership.values("unit_id").distinct().count() == 2


def test_only_leader_and_deputy_have_a_way_of_choosing():
    term = make_term(members=2)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.create(term=term, unit=make_unit(), position=3, chosen_by=ChosenBy.ELECTED)
    assert_violates(exc, "membership_chosen_by_only_for_leadership")

    deputy = term.memberships.get(role=Role.DEPUTY)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=deputy.pk).update(chosen_by="")
    assert_violates(exc, "membership_chosen_by_only_for_leadership")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=deputy.pk).update(role=Role.MEMBER)
    assert_violates(exc, "membership_chosen_by_only_for_leadership")

    Membership.objects.filter(pk=deputy.pk).update(role=Role.MEMBER, chosen_by="")
    Membership.objects.create(
        term=term, unit=make_unit(), position=3, role=Role.DEPUTY, chosen_by="acclaimed"
    )
    assert term.memberships.get(role=Role.DEPUTY).position == 3


def test_position_starts_at_one():
    term = make_term()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.create(term=term, unit=make_unit(), position=0)
    assert_violates(exc, "membership_position_positive")

    first = Membership.objects.create(term=term, unit=make_unit(), position=1)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Membership.objects.filter(pk=first.pk).update(position=0)
    assert_violates(exc, "membership_position_positive")
    assert Membership.objects.get(pk=first.pk).position == 1


# Units ------------------------------------------------------------------------------------------


def test_unit_has_one_former_name_per_year():
    unit, other = make_unit(), make_unit()
    UnitName.objects.create(unit=unit, name="Tên cũ", until_year=2020)

    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        UnitName.objects.create(unit=unit, name="Tên cũ khác", until_year=2020)
    assert_violates(exc, "unitname_one_per_year", "blocs_unitname.unit_id, blocs_unitname.until_year")

    UnitName.objects.bulk_create(
        [
            UnitName(unit=unit, name="Tên cũ hơn", until_year=2018),
            UnitName(unit=other, name="Tên cũ", until_year=2020),
        ]
    )
    assert UnitName.objects.filter(until_year=2020).count() == 2


def test_unit_and_bloc_names_are_unique():
    unit, bloc = make_unit(), make_bloc()
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Unit.objects.create(name=unit.name)
    assert_violates(exc, "blocs_unit_name_key", "blocs_unit.name")
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Bloc.objects.create(name=bloc.name)
    assert_violates(exc, "blocs_bloc_name_key", "blocs_bloc.name")

    Unit.objects.create(name=unit.name + " (mới)")
    Bloc.objects.create(name=bloc.name + " (mới)")


# Deleting what history refers to ----------------------------------------------------------------


def test_term_with_members_cannot_be_deleted():
    term = make_term(members=2)
    with pytest.raises(ProtectedError) as exc:
        term.delete()
    assert exc.value.protected_objects == set(term.memberships.all())
    with pytest.raises(ProtectedError):
        Term.objects.filter(pk=term.pk).delete()
    assert Term.objects.filter(pk=term.pk).exists()

    empty = make_term()
    empty.delete()
    assert list(Term.objects.values_list("pk", flat=True)) == [term.pk]


def test_term_with_audit_events_cannot_be_deleted():
    term = make_term()
    event = AuditEvent.objects.create(
        action="term.create", object_type="blocs.term", object_id=str(term.pk), term=term
    )
    with pytest.raises(ProtectedError) as exc:
        term.delete()
    assert exc.value.protected_objects == {event}
    assert Term.objects.filter(pk=term.pk).exists()


def test_bloc_with_terms_cannot_be_deleted():
    term = make_term()
    with pytest.raises(ProtectedError) as exc:
        term.bloc.delete()
    assert exc.value.protected_objects == {term}

    empty = make_bloc()
    empty.delete()
    assert list(Bloc.objects.values_list("pk", flat=True)) == [term.bloc_id]


@pytest.mark.parametrize(
    "refer",
    [
        pytest.param(lambda unit: make_membership(term=make_term(), unit=unit), id="membership"),
        pytest.param(
            lambda unit: UnitName.objects.create(unit=unit, name="Tên cũ", until_year=2020), id="former-name"
        ),
        pytest.param(lambda unit: make_user(unit=unit), id="user"),
    ],
)
def test_unit_referred_to_cannot_be_deleted(refer):
    unit = make_unit()
    referrer = refer(unit)
    with pytest.raises(ProtectedError) as exc:
        unit.delete()
    assert exc.value.protected_objects == {referrer}
    with pytest.raises(ProtectedError):
        Unit.objects.filter(pk=unit.pk).delete()
    assert Unit.objects.filter(pk=unit.pk).exists()

    bare = make_unit()
    bare_pk = bare.pk
    bare.delete()
    assert not Unit.objects.filter(pk=bare_pk).exists()
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_user_named_in_history_cannot_be_deleted():
    supervisor, actor = make_user(), make_user()
    term = make_term(supervisor=supervisor)
    event = AuditEvent.objects.create(
        actor=actor, action="x", object_type="blocs.term", object_id=str(term.pk)
    )

    with pytest.raises(ProtectedError) as exc:
        supervisor.delete()
    assert exc.value.protected_objects == {term}
    with pytest.raises(ProtectedError) as exc:
        actor.delete()
    assert exc.value.protected_objects == {event}

    bystander = make_user()
    bystander.delete()
    assert set(User.objects.values_list("pk", flat=True)) == {supervisor.pk, actor.pk}


# The audit log is append-only -------------------------------------------------------------------


@pytest.fixture
def event():
    return AuditEvent.objects.create(
        action="term.close",
        object_type="blocs.term",
        object_id="1",
        object_repr="Khối – năm 2023",
        reason="Hết năm",
    )


def test_audit_event_can_be_appended(event):
    AuditEvent.objects.create(action="term.open_next", object_type="blocs.term", object_id="2")
    assert AuditEvent.objects.count() == 2


def test_audit_event_cannot_be_changed_through_the_model(event):
    event.reason = "Sửa lại"
    with pytest.raises(PermissionError, match="không được sửa"):
        event.save()
    with pytest.raises(PermissionError, match="không được sửa"):
        event.save(update_fields=["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "Hết năm"


def test_audit_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(PermissionError, match="không được xóa"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_through_a_queryset(event):
    with pytest.raises(PermissionError, match="không được sửa"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="Sửa lại")
    with pytest.raises(PermissionError, match="không được sửa"):
        AuditEvent.objects.update(reason="Sửa lại")
    event.reason = "Sửa lại"
    # Both run in an atomic block of their own, which the refusal marks for rollback.
    with pytest.raises(PermissionError, match="không được sửa"), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    with pytest.raises(PermissionError, match="không được sửa"), transaction.atomic():
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"reason": "Sửa lại"})
    assert AuditEvent.objects.get(pk=event.pk).reason == "Hết năm"


def test_audit_events_cannot_be_deleted_through_a_queryset(event):
    with pytest.raises(PermissionError, match="không được xóa"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError, match="không được xóa"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
