"""Issue 15, items 13 and 14: one parser for every decimal field, thousands grouped in what is shown
and printed, never in what a form is filled with."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook

from agreements.models import Registration, Target
from blocs.models import Role
from blocs.numbers import Invalid, excel_format, grouped, parse_decimal, plain
from scoring.models import Criterion, CriterionKind
from tests.factories import make_agreement, make_criteria_set, make_term, unit_user


@pytest.mark.parametrize(
    ("typed", "whole", "value"),
    [
        ("7,5", False, Decimal("7.5")),
        ("7.5", False, Decimal("7.5")),
        ("1.005,5", False, Decimal("1005.5")),
        ("1.005,5", True, Decimal("1005.5")),
        ("1.200", True, Decimal("1200")),
        ("1.000.000", True, Decimal("1000000")),
        ("1000", False, Decimal("1000")),
        ("1.000,0", False, Decimal("1000")),
        ("", False, None),
    ],
)
def test_one_parser_reads_what_vietnamese_users_type(typed, whole, value):
    assert parse_decimal(typed, whole=whole) == value


def test_a_lone_thousands_dot_outside_a_whole_field_says_how_to_write_it():
    with pytest.raises(Invalid) as refused:
        parse_decimal("1.000")
    assert "viết 1000 hoặc 1.000,0" in str(refused.value)
    with pytest.raises(Invalid, match="Tối đa hai chữ số thập phân"):
        parse_decimal("7,555")


@pytest.mark.parametrize(
    ("value", "shown", "typed_back"),
    [
        (Decimal("1000"), "1.000", "1000"),
        (Decimal("1005.00"), "1.005", "1005"),
        (Decimal("1005.50"), "1.005,5", "1005,5"),
        (Decimal("-1000.5"), "−1.000,5", "-1000,5"),
        (Decimal("87.5"), "87,5", "87,5"),
        (Decimal("1234567"), "1.234.567", "1234567"),
    ],
)
def test_shown_grouped_and_typed_back_plain(value, shown, typed_back):
    assert grouped(value) == shown and plain(value) == typed_back
    assert parse_decimal(plain(abs(value))) == abs(value)  # what a form is filled with reads back


def test_spreadsheet_formats_group_thousands():
    assert excel_format(Decimal("1005")) == "#,##0" and excel_format(Decimal("1005.5")) == "#,##0.0#"


class _Form(HTMLParser):
    """The values a page's form would post as it came: inputs, checked boxes, selected options,
    text areas (the submit buttons and file inputs left out)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.data = action, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action", "") in ("", self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.data.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append(tuple(self._textarea))
            self._textarea = None


def posted_as_it_came(client, url: str) -> dict:
    form = _Form(url)
    form.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in form.data:
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.django_db
def test_forms_posted_back_with_their_own_initial_values_are_taken(client):
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term)
    criterion = criteria_set.criteria.filter(kind=CriterionKind.POINTS).first()
    Criterion.objects.filter(pk=criterion.pk).update(max_points=Decimal(1000), step=Decimal(1))
    agreement = make_agreement(term)
    leader = unit_user(term, Role.LEADER)
    registration = Registration.objects.get(agreement=agreement, membership__unit=leader.unit)
    Target.objects.create(registration=registration, position=1, indicator="Hồ sơ", value=Decimal("1200.5"))
    client.force_login(leader)
    for url in (f"/scoring/criteria/{criterion.pk}/edit/", f"/agreements/{agreement.pk}/registration/"):
        data = posted_as_it_came(client, url)
        assert any("1000" in v or "1200,5" in v for values in data.values() for v in values), data
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:3000])
    assert Criterion.objects.get(pk=criterion.pk).max_points == Decimal(1000)
    assert Target.objects.get(registration=registration).value == Decimal("1200.5")


@pytest.mark.django_db
def test_a_registered_target_takes_grouped_thousands(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, register=False)
    member = unit_user(term, Role.MEMBER)
    client.force_login(member)
    url = f"/agreements/{agreement.pk}/registration/"
    data = posted_as_it_came(client, url)
    data |= {"awards": ["tt_ldxs"], "signer_title": "Giám đốc", "signer_name": "Nguyễn Văn A"}
    data |= {
        "targets-0-indicator": "Hồ sơ giải quyết",
        "targets-0-value": "1.200",
        "targets-0-unit_of_measure": "hồ sơ",
    }
    data |= {
        "targets-1-indicator": "Kinh phí",
        "targets-1-value": "1.005,5",
        "targets-1-unit_of_measure": "triệu",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    values = Target.objects.filter(registration__membership__unit=member.unit).order_by("position")
    assert [t.value for t in values] == [Decimal(1200), Decimal("1005.5")]


@pytest.mark.django_db
def test_a_thousand_point_scale_is_shown_and_exported_grouped(client):
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term, state="open")
    Criterion.objects.filter(criteria_set=criteria_set, kind=CriterionKind.POINTS).update(
        max_points=Decimal(500), step=Decimal(1)
    )
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/scoring/{criteria_set.pk}/").content.decode()
    assert "<strong>1.500</strong>" in page  # three criteria of 500
    book = load_workbook(BytesIO(client.get(f"/scoring/{criteria_set.pk}/grid.xlsx").content))
    formats = {
        c.number_format for row in book.active.iter_rows() for c in row if isinstance(c.value, int | float)
    }
    assert formats <= {"#,##0", "#,##0.0#", "General"} and "#,##0" in formats
