"""A ballot's own rules are declared once, on the model: the form and the service read the same
rules and show the same Vietnamese messages, and every constraint of the vote speaks Vietnamese."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ballots import forms
from ballots import services as ballot_services
from ballots.models import Ballot, BallotKind
from tests.ballots.factories import make_ballot
from tests.factories import make_term

pytestmark = pytest.mark.django_db

FORM = {"title": "Bầu đơn vị dẫn đầu", "award": "", "mode": "online", "quota": "1",
        "threshold_percent": "50", "threshold_base": "present", "lock_version": "0"}  # fmt: skip


@pytest.fixture
def term():
    return make_term(year=2024, members=3)


def model_errors(**fields) -> dict[str, list[str]]:
    ballot = Ballot(**({"kind": BallotKind.LEADING, "title": "Bầu"} | fields))
    with pytest.raises(ValidationError) as caught:
        ballot.full_clean(exclude=["term"])
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Ghi tên cuộc bỏ phiếu."),
        ({"quota": 0}, "quota", "Số đơn vị được chọn ít nhất là 1."),
        ({"quota": 101}, "quota", "Số đơn vị được chọn tối đa là 100."),
        ({"threshold_percent": Decimal(0)}, "threshold_percent", "Ngưỡng phải lớn hơn 0."),
        ({"threshold_percent": Decimal("100.5")}, "threshold_percent", "Ngưỡng không được quá 100 (%)."),
        (
            {"threshold_percent": Decimal("50.125")},
            "threshold_percent",
            "Ngưỡng có tối đa hai chữ số thập phân.",
        ),
        ({"award": "khong_co"}, "award", "Danh hiệu, hình thức khen thưởng không có trong danh sách."),
        ({"kind": BallotKind.AWARD}, "award", "Chọn danh hiệu, hình thức khen thưởng được đề nghị."),
        ({"mode": "email"}, "mode", "Chọn hình thức bỏ phiếu."),
        ({"threshold_base": "nobody"}, "threshold_base", "Chọn cách tính tỷ lệ."),
    ],
)
def test_the_model_refuses_bad_settings_with_a_vietnamese_message_on_the_field(fields, field, message):
    assert model_errors(**fields)[field] == [message]


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"quota": "0"}, "quota", "Số đơn vị được chọn ít nhất là 1."),
        ({"threshold_percent": "0"}, "threshold_percent", "Ngưỡng phải lớn hơn 0."),
        ({"title": ""}, "title", "Ghi tên cuộc bỏ phiếu."),
        ({"award": ""}, "award", "Chọn danh hiệu, hình thức khen thưởng được đề nghị."),
    ],
)
def test_the_form_and_the_service_say_the_same_as_the_model(term, posted, field, message):
    ballot = make_ballot(term, kind=BallotKind.AWARD, award="co_tinh")
    form = forms.EditForm(FORM | {"award": "co_tinh"} | posted, ballot=ballot)
    assert not form.is_valid() and form.errors[field] == [message]
    settings = {"quota": 0, "threshold_percent": Decimal(0), "title": "", "award": ""}
    with pytest.raises(ValidationError) as caught:
        ballot_services.ballot_update(
            ballot=ballot, settings={field: settings[field]}, lock_version=None, by=None
        )
    assert caught.value.message_dict[field] == [message]


def test_checking_the_edit_form_leaves_the_shown_ballot_as_it_is(term):
    ballot = make_ballot(term)
    form = forms.EditForm(FORM | {"title": "Tên khác", "quota": "2"}, ballot=ballot)
    assert form.is_valid()
    assert (ballot.title, ballot.quota) == ("Bầu đơn vị dẫn đầu Khối thi đua năm 2024", 1)


def test_the_form_tells_the_browser_the_models_bounds(term):
    html = str(forms.CreateForm()["quota"])
    assert 'min="1"' in html and 'max="100"' in html


def test_every_constraint_of_the_vote_has_a_vietnamese_message():
    default = "Constraint “%(name)s” is violated."
    for model in apps.get_app_config("ballots").get_models():
        for constraint in model._meta.constraints:
            assert constraint.violation_error_message not in (None, default), constraint.name


def test_a_count_against_the_constraints_reads_vietnamese(term):
    ballot = make_ballot(term)
    ballot.issued, ballot.returned, ballot.valid, ballot.invalid = 3, 4, 4, 0
    with pytest.raises(ValidationError) as caught:
        ballot.validate_constraints()
    assert "Số phiếu thu về không được vượt số phiếu phát ra." in caught.value.messages
