"""The double-click guard (blocs/submits.py), one request after the other. Every accepted POST of
every permission matrix is also sent twice (check_case), and the same race on PostgreSQL with two
threads is in tests/test_concurrent_edits.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import Commitment
from blocs.models import SubmitReceipt
from blocs.submits import fingerprint
from tests.factories import make_agreement, make_term, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=1, register=False)
    client.force_login(unit_user(term, "leader"))
    return agreement


def add(client, agreement, text: str, render: str = "render-1"):
    url = f"/agreements/{agreement.pk}/commitments/add/"
    return client.post(url, {"text": text, "csrfmiddlewaretoken": render})


def test_the_same_form_sent_twice_adds_one_commitment_and_says_so(client, draft):
    first = add(client, draft, "Hoàn thành 100% chỉ tiêu")
    second = add(client, draft, "Hoàn thành 100% chỉ tiêu")
    assert draft.commitments.filter(text="Hoàn thành 100% chỉ tiêu").count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "lần gửi sau được bỏ qua" in page


def test_the_form_rendered_again_and_sent_again_is_done_again(client, draft):
    add(client, draft, "Nội dung lặp lại có chủ ý", render="render-1")
    add(client, draft, "Nội dung lặp lại có chủ ý", render="render-2")
    assert draft.commitments.filter(text="Nội dung lặp lại có chủ ý").count() == 2


def test_a_refused_post_leaves_no_receipt_so_sending_it_again_is_checked_again(client, draft):
    draft_count = Commitment.objects.count()
    assert add(client, draft, "").status_code == 400
    assert add(client, draft, "").status_code == 400  # checked again, same message, not "already done"
    assert not SubmitReceipt.objects.exists() and Commitment.objects.count() == draft_count


def test_a_post_refused_with_a_redirect_and_an_error_is_checked_again(client, draft):
    url = f"/agreements/{draft.pk}/attach/rules/"

    def attach():
        upload = SimpleUploadedFile("quy-che.pdf", b"MZ not a pdf", content_type="application/pdf")
        return client.post(url, {"file": upload, "csrfmiddlewaretoken": "render-1"}, follow=True)

    first, second = attach(), attach()
    assert first.redirect_chain and second.redirect_chain
    for response in (first, second):
        page = response.content.decode()
        assert "PDF" in page and "lần gửi sau được bỏ qua" not in page
    assert not SubmitReceipt.objects.exists()


def test_after_the_window_the_same_post_is_done_again(client, draft, settings):
    add(client, draft, "Nội dung gửi lại sau một giờ")
    SubmitReceipt.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.DUPLICATE_SUBMIT_WINDOW + 1)
    )
    add(client, draft, "Nội dung gửi lại sau một giờ")
    assert draft.commitments.filter(text="Nội dung gửi lại sau một giờ").count() == 2
    assert SubmitReceipt.objects.count() == 1  # the expired receipt was cleared


def test_another_person_posting_the_same_is_not_a_double_click(client, draft):
    add(client, draft, "Cùng nội dung, hai người")
    client.force_login(unit_user(draft.term, "deputy"))
    add(client, draft, "Cùng nội dung, hai người")
    assert draft.commitments.filter(text="Cùng nội dung, hai người").count() == 2


def test_a_second_click_while_the_first_is_still_running_waits_then_says_so(client, draft, settings, rf):
    settings.DUPLICATE_SUBMIT_WAIT = 1
    request = rf.post(
        f"/agreements/{draft.pk}/commitments/add/", {"text": "Đang xử lý", "csrfmiddlewaretoken": "r"}
    )
    request.user = unit_user(draft.term, "leader")
    SubmitReceipt.objects.create(key=fingerprint(request), user_id=request.user.pk)  # the first, unfinished
    client.force_login(request.user)
    response = add(client, draft, "Đang xử lý", render="r")
    page = response.content.decode()
    assert response.status_code == 409 and "<h1" in page and "vẫn đang được xử lý" in page
    assert not draft.commitments.filter(text="Đang xử lý").exists()


def test_the_fingerprint_covers_fields_and_file_contents(rf, draft):
    leader = unit_user(draft.term, "leader")

    def key(data):
        request = rf.post("/x/", data)
        request.user = leader
        return fingerprint(request)

    assert key({"a": "1"}) == key({"a": "1"})
    assert key({"a": "1"}) != key({"a": "2"})
    assert key({"a": ["1", "2"]}) != key({"a": ["2", "1"]})
    one = key({"f": SimpleUploadedFile("a.pdf", b"%PDF-1 one")})
    assert one == key({"f": SimpleUploadedFile("a.pdf", b"%PDF-1 one")})
    assert one != key({"f": SimpleUploadedFile("a.pdf", b"%PDF-1 two")})
