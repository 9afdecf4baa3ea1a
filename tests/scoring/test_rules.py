"""Where scoring's rules live: a single row's rules on the model (a service called without a form
tells the same Vietnamese message), the write plumbing of `blocs.audit`, the time windows and the
page booleans of `scoring.permissions`, the tie-break rules of `scoring.selectors`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from blocs.audit import STALE
from blocs.models import AuditEvent, Role
from scoring import forms, permissions, selectors, services
from scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    Explanation,
    Score,
    ScoringState,
    Sheet,
)
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db

# The models whose rows users write (directly or through a service); final scores are derived.
WRITTEN = (CriteriaSet, Criterion, Sheet, Score, Explanation)


def members(term):
    return list(term.memberships.order_by("position"))


def judged(criteria_set):
    return list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))


def submit(criteria_set, member, points=8):
    cells = {c.pk: Cell(points=Decimal(points)) for c in judged(criteria_set)}
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells=cells, lock_version=None, by=None
    )
    return services.sheet_submit(sheet=sheet, lock_version=None, by=None)


# A single row's rules, on the model ------------------------------------------------------------


@pytest.mark.parametrize("model", WRITTEN, ids=lambda m: m.__name__)
def test_every_constraint_of_a_written_row_has_a_vietnamese_message(model):
    for constraint in model._meta.constraints:
        message = constraint.get_violation_error_message()
        default = constraint.default_violation_error_message % {"name": constraint.name}
        assert message != default and constraint.name not in message, constraint.name


def test_full_clean_tells_a_broken_criterion_what_a_form_would():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    criterion = Criterion(
        criteria_set=criteria_set, position=9, text="Theo chỉ tiêu", kind=CriterionKind.TARGET
    )
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    assert caught.value.message_dict == {
        "max_points": ["Điểm tối đa phải lớn hơn 0."],
        "unit_points": ["Ghi số điểm cho mỗi lần hoặc mỗi 1 % chỉ tiêu."],
        "indicator": ["Ghi tên chỉ tiêu đăng ký dùng để tính điểm."],
    }


def test_a_criterion_drops_what_its_kind_does_not_use():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    criterion = Criterion(
        criteria_set=criteria_set, position=9, text="Đạt", kind=CriterionKind.PASS_FAIL,
        max_points=Decimal(5), step=Decimal("0.5"), unit_points=Decimal(1), indicator="Tỷ lệ",
    )  # fmt: skip
    criterion.full_clean()
    assert (criterion.step, criterion.unit_points, criterion.indicator) == (None, None, "")


def test_a_sheet_never_reviews_its_own_subject_by_its_constraint_message():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    m3 = members(term)[2]
    sheet = Sheet(criteria_set=criteria_set, subject=m3, reviewer=m3, layer="cross")
    with pytest.raises(ValidationError) as caught:
        sheet.full_clean()
    assert caught.value.messages == ["Một đơn vị không chấm chéo phiếu của chính mình."]


def test_the_cross_form_takes_its_refusal_from_the_model():
    term = make_term(year=2024, members=3)
    listed = members(term)
    form = forms.CrossForm({"reviewer": listed[2].pk, "subject": listed[2].pk}, members=listed)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Một đơn vị không chấm chéo phiếu của chính mình."]


def test_an_empty_explanation_is_refused_at_its_field_without_a_form():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    leader, _deputy, m3 = members(term)
    submit(criteria_set, m3)
    review = services.leader_review_start(criteria_set=criteria_set, subject=m3, by=None)
    cells = {c.pk: Cell(points=Decimal(6), note="Thiếu minh chứng") for c in judged(criteria_set)}
    services.review_save(sheet=review, cells=cells, lock_version=None, by=None)
    services.review_submit(sheet=review, by=None)
    lowered = judged(criteria_set)[0]
    with pytest.raises(ValidationError) as caught:
        services.explanation_file(
            criteria_set=criteria_set, subject=m3, criterion=lowered, text="  ", by=None
        )
    assert caught.value.message_dict == {"text": ["Ghi nội dung giải trình."]}
    services.explanation_file(criteria_set=criteria_set, subject=m3, criterion=lowered, text="Có", by=None)
    with pytest.raises(ValidationError) as caught:
        services.explanation_file(
            criteria_set=criteria_set, subject=m3, criterion=lowered, text="Lại", by=None
        )
    assert caught.value.messages == ["Đơn vị đã giải trình tiêu chí này (mỗi tiêu chí một lần)."]


# The write plumbing of blocs.audit --------------------------------------------------------------


def test_a_stale_sheet_is_told_the_projects_one_stale_message():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    c1, member = judged(criteria_set)[0], members(term)[2]
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=member, cells={c1.pk: Cell(points=Decimal(5))},
        lock_version=None, by=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.sheet_save(
            criteria_set=criteria_set, membership=member, cells={c1.pk: Cell(points=Decimal(6))},
            lock_version=sheet.lock_version - 1, by=None,
        )  # fmt: skip
    assert caught.value.messages == [STALE]


def test_settings_saved_unchanged_keep_their_version_and_write_no_event():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    data = {"name": criteria_set.name, "final_rule": criteria_set.final_rule, "tie_break": []}
    services.criteria_settings_update(criteria_set=criteria_set, data=data, lock_version=0, by=None)
    assert CriteriaSet.objects.get(pk=criteria_set.pk).lock_version == 0
    assert not AuditEvent.objects.filter(action="criteria.settings").exists()
    data["name"] = "Bảng tiêu chí (sửa)"
    services.criteria_settings_update(criteria_set=criteria_set, data=data, lock_version=0, by=None)
    event = AuditEvent.objects.get(action="criteria.settings")
    assert event.new == {"name": "Bảng tiêu chí (sửa)"}
    assert CriteriaSet.objects.get(pk=criteria_set.pk).lock_version == 1


def test_a_criterion_edit_audits_what_its_kind_cleared():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    criterion = judged(criteria_set)[0]
    services.criterion_update(criterion=criterion, data={"kind": CriterionKind.PASS_FAIL}, by=None)
    criterion.refresh_from_db()
    assert (criterion.kind, criterion.step) == (CriterionKind.PASS_FAIL, None)
    event = AuditEvent.objects.get(action="criterion.update")
    assert event.old == {"kind": "points", "step": "0.5"} and event.new == {  # one writing per number
        "kind": "pass_fail",
        "step": None,
    }


# Time windows and the pages' booleans -----------------------------------------------------------


def test_the_own_sheet_is_editable_within_the_window_until_submitted():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    assert permissions.can_edit_own_sheet(criteria_set, None)
    sheet = submit(criteria_set, members(term)[2])
    assert not permissions.can_edit_own_sheet(criteria_set, sheet)
    criteria_set.deadline = timezone.now() - timedelta(minutes=1)
    assert permissions.is_past_deadline(criteria_set)
    assert not permissions.can_edit_own_sheet(criteria_set, None)
    assert permissions.accepting_reviews(criteria_set)  # the deadline is the members' only


def test_the_criteria_page_offers_the_grid_and_ranking_once_scoring_opened():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term)
    leader = unit_user(term, Role.LEADER)
    listed = members(term)
    rights = permissions.criteria_page_rights(leader, criteria_set, listed)
    assert rights["can_edit"] and rights["can_edit_settings"] and rights["can_open"]
    assert not (rights["can_view_results"] or rights["can_view_ranking"] or rights["can_fill_sheet"])
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        state=ScoringState.OPEN, deadline=timezone.now() + timedelta(days=1), opened_at=timezone.now()
    )
    criteria_set.refresh_from_db()
    rights = permissions.criteria_page_rights(leader, criteria_set, listed)
    assert rights["can_view_results"] and rights["can_view_ranking"] and rights["can_fill_sheet"]
    assert rights["can_edit_settings"] and not rights["can_edit"]
    assert not permissions.criteria_page_rights(make_user(board=True), criteria_set, listed)["can_fill_sheet"]


def test_only_the_own_unit_removes_its_evidence():
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    member = term.memberships.get(position=3)
    evidence = services.evidence_add(
        criteria_set=criteria_set, membership=member, criterion=judged(criteria_set)[0],
        upload=_pdf(), by=None,
    )  # fmt: skip
    assert permissions.can_remove_evidence(make_user(unit=member.unit), evidence)
    assert not permissions.can_remove_evidence(unit_user(term, Role.LEADER), evidence)


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n")


# Tie-break rules --------------------------------------------------------------------------------


def test_the_settings_offer_the_tie_rules_the_ranking_states():
    criteria_set = make_criteria_set(make_term(year=2024, members=3))
    form = forms.SettingsForm(instance=criteria_set)
    offered = dict(form.fields["tie_0"].choices)
    assert offered == {
        "": "—",
        "fewer_deductions": "Ít điểm trừ hơn",
        **{
            f"group:{g.pk}": f"Điểm nhóm {g.code} cao hơn" for g in criteria_set.criteria.filter(kind="group")
        },
    }
    for rule in selectors.tie_rule_options(criteria_set.criteria.filter(kind="group")):
        assert offered[rule.key].lower() == rule.label.lower()
