"""Vietnamese typed in decomposed form (NFD) is stored and printed like the precomposed form (NFC)."""

import unicodedata

import pytest

from agreements.models import Commitment
from blocs.models import Role
from scoring.models import Criterion
from tests.factories import make_agreement, make_criteria_set, make_term, unit_user

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
