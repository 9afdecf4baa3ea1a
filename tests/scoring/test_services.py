"""Scoring services: building the criteria set, opening, the self-assessment sheet (all or nothing),
submitting, locking and reopening, each with its audit event."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Registration, Target
from blocs.models import AuditEvent, Role
from scoring import selectors, services
from scoring.models import CriteriaSet, CriterionKind, Score, ScoringState, Sheet
from scoring.services import Cell
from tests.factories import make_agreement, make_criteria_set, make_term, unit_user

pytestmark = pytest.mark.django_db


@contextmanager
def refused(fragment: str):
    with pytest.raises(ValidationError) as caught:
        yield
    assert any(fragment in m for m in caught.value.messages), caught.value.messages


def member_of(term, role=Role.MEMBER):
    return term.memberships.filter(role=role).order_by("position").first()


def scored(criteria_set, kind=CriterionKind.POINTS):
    return list(criteria_set.criteria.filter(kind=kind).order_by("parent__position", "position"))


# The criteria set -------------------------------------------------------------------------------


def test_a_term_set_copies_last_years_criteria():
    last = make_term(year=2023, members=3)
    source = make_criteria_set(last, all_kinds=True)
    term = make_term(year=2024, members=3, bloc=last.bloc)
    copy = services.criteria_set_create(term=term, source=selectors.previous_set(term), by=None)
    fields = ("code", "text", "kind", "max_points", "step", "unit_points", "indicator", "parent__code")

    def rows(s):
        return list(s.criteria.in_order().values_list(*fields))

    assert rows(copy) == rows(source) and copy.pk != source.pk
    assert AuditEvent.objects.filter(action="criteria.create", object_id=str(copy.pk)).exists()


def test_a_term_has_one_set_and_needs_a_leader():
    term = make_term(year=2024, members=3)
    services.criteria_set_create(term=term, by=None)
    with refused("đã có bảng tiêu chí"):
        services.criteria_set_create(term=term, by=None)
    leaderless = make_term(year=2024, members=0)
    with pytest.raises(ValidationError):
        services.criteria_set_create(term=leaderless, by=None)


def test_nominal_maximum_sums_scored_criteria_only():
    criteria_set = make_criteria_set(make_term(year=2024, members=3), criteria=3, all_kinds=True)
    nominal = CriteriaSet.objects.with_nominal_max().get(pk=criteria_set.pk).nominal_max
    assert nominal == Decimal(30 + 5 + 6 + 10)  # bonus 5 and deduction 5 not counted


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": CriterionKind.POINTS, "max_points": Decimal(0), "step": Decimal("0.5")}, "max_points"),
        ({"kind": CriterionKind.POINTS, "max_points": Decimal(10), "step": None}, "step"),
        ({"kind": CriterionKind.POINTS, "max_points": Decimal(10), "step": Decimal(3)}, "step"),
        ({"kind": CriterionKind.OCCURRENCE, "max_points": Decimal(10), "unit_points": None}, "unit_points"),
        (
            {
                "kind": CriterionKind.TARGET,
                "max_points": Decimal(10),
                "unit_points": Decimal(1),
                "indicator": " ",
            },
            "indicator",
        ),
    ],
)
def test_an_incomplete_criterion_is_refused_with_a_message_at_its_field(data, field):
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    before = criteria_set.criteria.count()
    with pytest.raises(ValidationError) as caught:
        services.criterion_add(criteria_set=criteria_set, data={"text": "Mới", **data}, by=None)
    assert field in caught.value.error_dict
    assert criteria_set.criteria.count() == before


def test_criteria_are_frozen_once_scoring_opens():
    criteria_set = make_criteria_set(make_term(year=2024, members=3), state="open")
    criterion = scored(criteria_set)[0]
    with refused("không sửa được"):
        services.criterion_update(criterion=criterion, data={"text": "Khác"}, by=None)
    with refused("không sửa được"):
        services.criterion_remove(criterion=criterion, by=None)
    with refused("không sửa được"):
        services.criterion_add(
            criteria_set=criteria_set,
            data={"text": "x", "kind": "points", "max_points": Decimal(1), "step": Decimal(1)},
            by=None,
        )


def test_moving_a_criterion_swaps_it_with_its_neighbour():
    criteria_set = make_criteria_set(make_term(year=2024, members=3), criteria=3)
    first, second, third = scored(criteria_set)
    services.criterion_move(criterion=third, direction=-1, by=None)
    assert [c.text for c in scored(criteria_set)] == [first.text, third.text, second.text]


def test_a_group_with_criteria_is_not_removed():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    group = criteria_set.criteria.get(code="I", kind="group")
    with refused("Nhóm còn tiêu chí"):
        services.criterion_remove(criterion=group, by=None)


# Opening, locking, reopening --------------------------------------------------------------------


def test_opening_needs_a_future_deadline_and_criteria():
    term = make_term(year=2024, members=3)
    empty = services.criteria_set_create(term=term, by=None)
    with refused("chưa có tiêu chí"):
        services.scoring_open(criteria_set=empty, deadline=timezone.now() + timedelta(days=1), by=None)
    other = make_criteria_set(make_term(year=2024, members=3))
    with refused("sau thời điểm hiện tại"):
        services.scoring_open(criteria_set=other, deadline=timezone.now() - timedelta(minutes=1), by=None)
    opened = services.scoring_open(criteria_set=other, deadline=timezone.now() + timedelta(days=3), by=None)
    assert opened.state == ScoringState.OPEN
    assert AuditEvent.objects.filter(action="scoring.open", object_id=str(other.pk)).exists()


def test_templates_never_open():
    template = make_criteria_set(None)
    with refused("mẫu"):
        services.scoring_open(criteria_set=template, deadline=timezone.now() + timedelta(days=1), by=None)


def test_reopening_needs_a_reason_and_a_lock_or_a_passed_deadline():
    criteria_set = make_criteria_set(make_term(year=2024, members=3), state="open")
    later = timezone.now() + timedelta(days=2)
    with refused("không cần mở lại"):
        services.scoring_reopen(criteria_set=criteria_set, deadline=later, reason="Sót phiếu", by=None)
    services.scoring_lock(criteria_set=criteria_set, by=None)
    with refused("Ghi lý do"):
        services.scoring_reopen(criteria_set=criteria_set, deadline=later, reason="  ", by=None)
    reopened = services.scoring_reopen(criteria_set=criteria_set, deadline=later, reason="Sót phiếu", by=None)
    assert reopened.state == ScoringState.OPEN and reopened.deadline == later
    event = AuditEvent.objects.get(action="scoring.reopen")
    assert event.reason == "Sót phiếu" and event.old["state"] == "locked"


# The self-assessment sheet ----------------------------------------------------------------------


def open_set(members=3, **kwargs):
    term = make_term(year=2024, members=members)
    return term, make_criteria_set(term, state="open", **kwargs)


def test_a_sheet_saves_decimal_scores_and_computes_totals_in_the_database():
    term, criteria_set = open_set()
    c1, c2, c3 = scored(criteria_set)
    bonus = scored(criteria_set, CriterionKind.BONUS)[0]
    deduction = scored(criteria_set, CriterionKind.DEDUCTION)[0]
    member = member_of(term)
    cells = {
        c1.pk: Cell(points=Decimal("8.5"), note="Báo cáo số 12"),
        c2.pk: Cell(points=Decimal(10)),
        c3.pk: Cell(points=Decimal(7)),
        bonus.pk: Cell(points=Decimal(2)),
        deduction.pk: Cell(points=Decimal("1.5")),
    }
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    totals = selectors.sheet_totals(sheet)
    assert totals == {
        "base": Decimal("25.5"),
        "bonus": Decimal(2),
        "deduction": Decimal("-1.5"),
        "total": Decimal(26),
    }
    assert Score.objects.get(sheet=sheet, criterion=deduction).points == Decimal("-1.5")
    assert AuditEvent.objects.filter(action="score.self").count() == 5


def test_one_bad_cell_saves_nothing_of_the_sheet():
    term, criteria_set = open_set()
    c1, c2, c3 = scored(criteria_set)
    member = member_of(term)
    services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    with pytest.raises(ValidationError) as caught:
        services.sheet_save(
            criteria_set=criteria_set,
            membership=member,
            cells={
                c1.pk: Cell(points=Decimal(9)),
                c2.pk: Cell(points=Decimal(11)),
                c3.pk: Cell(points=Decimal("7.3")),
            },
            lock_version=None,
            by=None,
        )
    assert set(caught.value.error_dict) == {f"c{c2.pk}", f"c{c3.pk}"}
    assert list(Score.objects.values_list("criterion_id", "points")) == [(c1.pk, Decimal(5))]


def test_a_target_criterion_scores_against_the_registered_target():
    term, criteria_set = open_set(all_kinds=True)
    member = member_of(term)
    agreement = make_agreement(term)
    registration = Registration.objects.get(agreement=agreement, membership=member)
    Target.objects.create(
        registration=registration, position=1, indicator="tỷ lệ  giải quyết đơn thư", value=Decimal("97.5")
    )
    target = scored(criteria_set, CriterionKind.TARGET)[0]
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={target.pk: Cell(quantity=Decimal(91))},
        lock_version=None,
        by=None,
    )
    score = sheet.scores.get()
    assert (score.points, score.target_value, score.quantity) == (
        Decimal("9.33"),
        Decimal("97.5"),
        Decimal(91),
    )
    other = member_of(term, Role.DEPUTY)
    Target.objects.filter(registration__membership=other).delete()
    with refused("chưa đăng ký chỉ tiêu"):
        services.sheet_save(
            criteria_set=criteria_set,
            membership=other,
            cells={target.pk: Cell(quantity=Decimal(91))},
            lock_version=None,
            by=None,
        )


def test_a_stale_sheet_is_refused_but_a_repeated_identical_post_is_not_an_error():
    term, criteria_set = open_set()
    c1 = scored(criteria_set)[0]
    member = member_of(term)
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    read_at = sheet.lock_version
    services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(6))},
        lock_version=read_at,
        by=None,
    )
    with refused("Người khác vừa sửa"):
        services.sheet_save(
            criteria_set=criteria_set,
            membership=member,
            cells={c1.pk: Cell(points=Decimal(7))},
            lock_version=read_at,
            by=None,
        )
    # The same post twice (a double click): the second finds nothing to change.
    services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(6))},
        lock_version=read_at,
        by=None,
    )
    assert Score.objects.get().points == Decimal(6) and Sheet.objects.count() == 1


def test_submitting_needs_every_scored_criterion_and_then_the_sheet_is_read_only():
    term, criteria_set = open_set()
    c1, c2, c3 = scored(criteria_set)
    member = member_of(term)
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    with refused("Còn 2 tiêu chí chưa chấm"):
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c2.pk: Cell(points=Decimal(5)), c3.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    submitted = services.sheet_submit(sheet=sheet, lock_version=None, by=None)
    assert submitted.is_submitted
    assert (
        services.sheet_submit(sheet=submitted, lock_version=None, by=None).submitted_at
        == submitted.submitted_at
    )
    with refused("đã nộp"):
        services.sheet_save(
            criteria_set=criteria_set,
            membership=member,
            cells={c1.pk: Cell(points=Decimal(9))},
            lock_version=None,
            by=None,
        )
    assert AuditEvent.objects.filter(action="sheet.submit").count() == 1


@pytest.mark.parametrize("when", ["locked", "past_deadline", "setup"])
def test_no_self_assessment_outside_the_window(when):
    term, criteria_set = open_set()
    if when == "locked":
        services.scoring_lock(criteria_set=criteria_set, by=None)
    elif when == "past_deadline":
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    else:
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(state="setup", deadline=None, opened_at=None)
    c1 = scored(criteria_set)[0]
    with refused("Ngoài thời gian tự chấm"):
        services.sheet_save(
            criteria_set=criteria_set,
            membership=member_of(term),
            cells={c1.pk: Cell(points=Decimal(5))},
            lock_version=None,
            by=None,
        )
    assert not Score.objects.exists()


def test_evidence_is_checked_by_content_and_recorded():
    term, criteria_set = open_set()
    c1 = scored(criteria_set)[0]
    member = member_of(term)
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None,
        by=None,
    )
    user = unit_user(term, Role.MEMBER)
    with refused("không"):
        services.evidence_add(
            criteria_set=criteria_set, membership=member, criterion=c1,
            upload=SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"), by=user,
        )  # fmt: skip
    evidence = services.evidence_add(
        criteria_set=criteria_set, membership=member, criterion=c1,
        upload=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n"), by=user,
    )  # fmt: skip
    assert (
        evidence.file_kind == "pdf" and len(evidence.sha256) == 64 and evidence.original_name == "bao-cao.pdf"
    )
    assert AuditEvent.objects.filter(action="evidence.add").count() == 1
    group = criteria_set.criteria.get(code="I", kind="group")
    with refused("không thuộc"):
        services.evidence_add(
            criteria_set=criteria_set, membership=member, criterion=group,
            upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4\n"), by=user,
        )  # fmt: skip
    assert evidence.sheet_id == sheet.pk
