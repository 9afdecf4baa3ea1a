"""Vietnamese typed in decomposed form (NFD) is stored and printed like the precomposed form (NFC);
invisible characters pasted with a text are removed; characters that reverse its direction are
refused with a message."""

import unicodedata

import pytest

from agreements.models import Commitment
from blocs.forms import DIRECTION_MESSAGE
from blocs.models import Role, Unit
from scoring.models import Criterion, Score
from tests.factories import make_agreement, make_criteria_set, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db

TEXT = "Đẩy mạnh phong trào thi đua yêu nước, hoàn thành xuất sắc nhiệm vụ năm 2024"
NFD = unicodedata.normalize("NFD", TEXT)


def test_the_two_forms_really_differ():
    assert NFD != TEXT and unicodedata.normalize("NFC", NFD) == TEXT


def test_a_commitment_typed_in_nfd_is_stored_in_nfc(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=0)
    client.force_login(unit_user(term, Role.LEADER))
    response = client.post(f"/agreements/{agreement.pk}/commitments/add/", {"text": NFD})
    assert response.status_code == 302
    assert Commitment.objects.get(agreement=agreement).text == TEXT
    assert TEXT in client.get(f"/agreements/{agreement.pk}/preview/").content.decode()


def test_a_criterion_typed_in_nfd_is_stored_in_nfc(client):
    term = make_term(year=2024, members=3)
    criteria_set = make_criteria_set(term)
    client.force_login(unit_user(term, Role.DEPUTY))
    data = {"kind": "points", "text": NFD, "max_points": "5", "step": "0,5"}
    assert client.post(f"/scoring/{criteria_set.pk}/criteria/add/", data).status_code == 302
    assert Criterion.objects.filter(criteria_set=criteria_set, text=TEXT).exists()


def test_passwords_are_left_as_typed(client):
    from tests.factories import make_user

    user = make_user()
    user.set_password(NFD)  # a password typed in NFD elsewhere still works as typed
    user.save()
    response = client.post("/login/", {"username": user.username, "password": NFD})
    assert response.status_code == 302


# Invisible and direction characters --------------------------------------------------------------

ZERO_WIDTH = "Đẩy\u200b mạnh\u200c phong\u200d trào\u2060 thi\ufeff đua\u00ad yêu nước"


def test_invisible_characters_pasted_with_a_text_are_removed(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=0)
    client.force_login(unit_user(term, Role.LEADER))
    assert (
        client.post(f"/agreements/{agreement.pk}/commitments/add/", {"text": ZERO_WIDTH}).status_code == 302
    )
    assert Commitment.objects.get(agreement=agreement).text == "Đẩy mạnh phong trào thi đua yêu nước"


def test_a_unit_name_with_a_zero_width_space_is_the_same_name(client):
    Unit.objects.create(name="Sở Tài chính")
    client.force_login(make_user(board=True))
    response = client.post("/units/new/", {"name": "Sở Tài\u200b chính"})
    assert response.status_code == 200 and "đã tồn tại" in response.content.decode()
    assert Unit.objects.filter(name__startswith="Sở Tài").count() == 1


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u061c"])
def test_characters_that_reverse_the_text_are_refused_with_a_message(client, mark):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=0)
    criteria_set = make_criteria_set(term, state="open")
    criterion = criteria_set.criteria.filter(kind="points").first()
    client.force_login(unit_user(term, Role.LEADER))
    text = f"Sở Tài chính {mark}hnìhc iàT{mark} cam kết"
    response = client.post(f"/agreements/{agreement.pk}/commitments/add/", {"text": text})
    assert DIRECTION_MESSAGE in response.content.decode()
    assert not Commitment.objects.filter(agreement=agreement).exists()
    client.force_login(unit_user(term, Role.MEMBER))
    sheet = client.post(
        f"/scoring/{criteria_set.pk}/sheet/", {f"c{criterion.pk}": "5", f"n{criterion.pk}": text}
    )
    assert sheet.status_code == 400 and DIRECTION_MESSAGE in sheet.content.decode()
    assert not Score.objects.exists()


def test_a_document_section_with_a_direction_character_is_refused_by_the_service():
    from django.core.exceptions import ValidationError

    from conferences.services.documents import clean_data

    with pytest.raises(ValidationError) as refused:
        clean_data(kind="report_yearend", year=2024, data={"place": "Quảng Ngãi\u202e"})
    assert refused.value.message_dict == {"place": [DIRECTION_MESSAGE]}
