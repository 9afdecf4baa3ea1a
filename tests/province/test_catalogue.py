"""The award catalogue: a table seeded with today's entries (codes unchanged, so registrations,
ballots and decisions keep theirs), read by forms, pages and documents."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from agreements.forms import RegistrationForm
from ballots.forms import SettingsForm
from province import catalogue
from province.models import Award, AwardCategory, AwardCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_catalogue():
    catalogue.clear()
    yield
    catalogue.clear()


def test_the_catalogue_holds_todays_entries_with_their_codes():
    rows = list(Award.objects.values_list("code", "label", "category"))
    assert rows == [(code, label, category) for code, label, category in catalogue.DEFAULT_AWARDS]
    assert {code for code, *_ in rows} == {v for k, v in vars(AwardCode).items() if not k.startswith("_")}
    assert Award.objects.get(code=AwardCode.FLAG_PROVINCE).category == AwardCategory.TITLE


def test_seeding_again_keeps_what_the_province_renamed_and_adds_what_is_missing(fresh_catalogue):
    Award.objects.filter(code=AwardCode.MERIT_PROVINCE).update(label="Bằng khen của UBND tỉnh")
    Award.objects.filter(code=AwardCode.LABOR_ORDER_3).delete()
    catalogue.ensure_awards()
    assert Award.objects.get(code=AwardCode.MERIT_PROVINCE).label == "Bằng khen của UBND tỉnh"
    assert Award.objects.filter(code=AwardCode.LABOR_ORDER_3).exists()


def test_a_flush_leaves_the_catalogue_whole(fresh_catalogue):
    Award.objects.filter(code=AwardCode.FLAG_GOVERNMENT).delete()
    call_command("flush", interactive=False, verbosity=0)
    assert Award.objects.count() == len(catalogue.DEFAULT_AWARDS)


def test_names_and_order_are_read_from_the_table(fresh_catalogue):
    Award.objects.filter(code=AwardCode.FLAG_PROVINCE).update(
        label="Cờ thi đua của Ủy ban nhân dân tỉnh", position=0
    )
    assert catalogue.label(AwardCode.FLAG_PROVINCE) == "Cờ thi đua của Ủy ban nhân dân tỉnh"
    assert (
        catalogue.codes()[0] == AwardCode.FLAG_PROVINCE and catalogue.position(AwardCode.FLAG_PROVINCE) == 0
    )
    assert catalogue.label("khong_co") == "khong_co" and catalogue.position("khong_co") == len(
        catalogue.codes()
    )
    registration = dict(RegistrationForm().fields["awards"].choices)
    assert registration[AwardCode.FLAG_PROVINCE] == "Cờ thi đua của Ủy ban nhân dân tỉnh"
    ballot = SettingsForm().fields["award"].choices
    assert ballot[0][0] == "" and ballot[1] == (
        AwardCode.FLAG_PROVINCE,
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
    )


def test_the_catalogue_is_read_once_per_process(django_assert_num_queries, fresh_catalogue):
    with django_assert_num_queries(1):
        catalogue.labels()
        catalogue.choices()
    with django_assert_num_queries(0):
        catalogue.label(AwardCode.FLAG_GOVERNMENT)


def test_a_blank_code_or_label_is_refused_with_a_vietnamese_message_and_by_the_database():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    with pytest.raises(ValidationError, match="không được để trắng"):
        Award(code="x", label="", category=AwardCategory.TITLE, position=9).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(code="", label="Tên", category=AwardCategory.TITLE, position=9)
