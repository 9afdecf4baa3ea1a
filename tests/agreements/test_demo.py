"""The demo's agreements: seed 000's signed 2023 agreement and a 2024 draft half registered."""

from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agreement, AgreementStatus
from demo.agreements import COMMITMENTS_2023

pytestmark = pytest.mark.django_db


def test_noi_chinh_2023_agreement_is_signed_with_seed_000s_commitments(demo):
    agreement = Agreement.objects.get(term__bloc__short_name="Khối thi đua Nội chính", term__year=2023)
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.frozen["commitments"] == COMMITMENTS_2023
    assert len(COMMITMENTS_2023) == 8
    assert "Căn cứ Kế hoạch số 21/KH-UBND ngày 30/01/2023 của UBND tỉnh" in agreement.frozen["basis"]
    assert len(agreement.frozen["members"]) == 8
    assert all(m["signer_name"] for m in agreement.frozen["members"])
    with agreement.final_pdf.open("rb") as pdf, agreement.signed_scan.open("rb") as scan:
        assert pdf.read(5) == b"%PDF-" and scan.read(5) == b"%PDF-"


def test_party_bloc_2024_has_a_draft_with_members_yet_to_register(demo):
    agreement = Agreement.objects.get(term__bloc__short_name="Khối thi đua các Ban Đảng", term__year=2024)
    assert agreement.is_draft
    members = agreement.term.memberships.count()
    assert 0 < agreement.registrations.count() < members


def test_loading_again_adds_no_agreement(demo):
    before = list(Agreement.objects.values_list("pk", "status", "final_sha256"))
    call_command("load_demo", stdout=StringIO())
    assert list(Agreement.objects.values_list("pk", "status", "final_sha256")) == before
