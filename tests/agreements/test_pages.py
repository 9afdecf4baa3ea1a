"""The agreement's pages: verification, downloads with validators, registration input, escaping,
and query counts that do not grow with the bloc."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import Registration
from blocs.models import Role
from tests.factories import make_agreement, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture(autouse=True)
def _quick_print_and_clean_cache(monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)
    cache.clear()


def final_agreement(members=3):
    term = make_term(year=2024, members=members)
    return services.agreement_finalize(agreement=make_agreement(term), by=None)


# Verification -----------------------------------------------------------------------------------


def test_verification_shows_only_public_facts(client):
    agreement = final_agreement()
    response = client.get(f"/verify/{agreement.verification_code}/")
    page = response.content.decode()
    assert response.status_code == 200
    for fact in (agreement.term.bloc.name, "2024", agreement.final_sha256, "Đã hoàn thiện"):
        assert fact in page
    assert "Người ký 1" not in page and "Nội dung thi đua số 1" not in page


def test_superseded_version_is_verified_as_superseded(client):
    agreement = final_agreement()
    services.agreement_new_version(agreement=agreement, by=None)
    page = client.get(f"/verify/{agreement.verification_code}/").content.decode()
    assert "đã được thay thế" in page


def test_unknown_codes_get_not_found_then_429_without_sleeping(client, settings):
    settings.VERIFY_MAX_MISSES = 3
    agreement = final_agreement()
    statuses = [client.get(f"/verify/khong-co-ma-{i}/").status_code for i in range(3)]
    assert statuses == [404, 404, 404]
    response = client.get("/verify/khong-co-ma-4/")
    assert response.status_code == 429
    assert "thử lại sau" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Even a right code waits out the window from that address; another address is not affected.
    assert client.get(f"/verify/{agreement.verification_code}/").status_code == 429
    other = client.get(f"/verify/{agreement.verification_code}/", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200


def test_verify_form_redirects_to_the_code(client):
    response = client.get("/verify/", {"code": "abc"})
    assert response.status_code == 302 and response["Location"] == "/verify/abc/"


# Files ------------------------------------------------------------------------------------------


def test_final_pdf_comes_from_storage_with_a_validator(client):
    agreement = final_agreement()
    client.force_login(unit_user(agreement.term, Role.MEMBER))
    response = client.get(f"/agreements/{agreement.pk}/pdf/")
    body = b"".join(response.streaming_content)
    assert body == TINY_PDF and response["ETag"] == f'"{agreement.final_sha256}"'
    assert "Last-Modified" in response
    again = client.get(f"/agreements/{agreement.pk}/pdf/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_draft_pdf_is_rendered_fresh_and_not_cached(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.get(f"/agreements/{agreement.pk}/pdf/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "ETag" not in response


def test_outsider_cannot_fetch_files_even_with_the_etag(client):
    agreement = final_agreement()
    client.force_login(make_user(unit=make_term(year=2024, members=1).memberships.get().unit))
    response = client.get(
        f"/agreements/{agreement.pk}/pdf/", HTTP_IF_NONE_MATCH=f'"{agreement.final_sha256}"'
    )
    assert response.status_code == 404


# Registration through the page ------------------------------------------------------------------


def registration_post(**overrides):
    data = {
        "awards": ["co_tinh"],
        "slogan": "Đoàn kết",
        "signer_prefix": "KT. GIÁM ĐỐC",
        "signer_title": "Phó Giám đốc",
        "signer_name": "Nguyễn Văn Bình",
        "lock_version": "0",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "50",
        "targets-0-indicator": "Tỷ lệ giải quyết đơn",
        "targets-0-value": "7,5",
        "targets-0-unit_of_measure": "%",
        "targets-1-indicator": "",
        "targets-1-value": "",
        "targets-1-unit_of_measure": "",
    }
    return data | overrides


def test_member_registers_with_a_decimal_comma(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, register=False)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(f"/agreements/{agreement.pk}/registration/", registration_post())
    assert response.status_code == 302
    reg = Registration.objects.get(agreement=agreement)
    assert str(reg.targets.get().value) == "7.50"
    assert (reg.signer_prefix, reg.awards) == ("KT. GIÁM ĐỐC", ["co_tinh"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("targets-0-value", "-3", "là một số không âm"),
        ("targets-0-value", "abc", "là một số không âm"),
        ("targets-0-value", "NaN", "là một số không âm"),
        ("targets-0-value", "1e400", "là một số không âm"),
        ("targets-0-value", "1.200,555", "Tối đa hai chữ số thập phân"),
        ("targets-0-value", "1.000.000.000.000", "Tối đa 999.999.999.999,99"),
        ("awards", "khong-co", "không phải là một trong các lựa chọn"),
        ("signer_name", "Ten\x00co NUL", "ký tự"),
    ],
)
def test_bad_registration_input_is_explained_and_nothing_is_saved(client, field, value, message):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, register=False)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.post(f"/agreements/{agreement.pk}/registration/", registration_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode().lower() or message in response.content.decode()
    assert not Registration.objects.exists()


def test_hostile_commitment_is_shown_as_text(client):
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=0)
    services.commitment_add(agreement=agreement, text='<script>alert("x")</script><img src=x>', by=None)
    client.force_login(unit_user(term, Role.MEMBER))
    for url in (f"/agreements/{agreement.pk}/", f"/agreements/{agreement.pk}/preview/"):
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x&gt;" in page
        assert '<script>alert("x")' not in page


def test_finalize_page_lists_what_is_missing(client):
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term, register=False)
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "chưa đăng ký" in page
    response = client.post(f"/agreements/{agreement.pk}/finalize/", {"confirmed": "yes"}, follow=True)
    assert "Chưa hoàn thiện được giao ước" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.is_draft


def test_deputy_sees_no_finalize_button(client):
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term)
    client.force_login(unit_user(term, Role.DEPUTY))
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Hoàn thiện giao ước" not in page and "Sửa thông tin chung" in page


# Query counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("members", [4, 20])
def test_agreement_page_queries_do_not_grow_with_the_bloc(client, django_assert_num_queries, members):
    term = make_term(year=2024, members=members)
    agreement = make_agreement(term, commitments=members)
    user = unit_user(term, Role.LEADER)
    client.force_login(user)
    client.get(f"/agreements/{agreement.pk}/")  # warm the session
    with django_assert_num_queries(PINNED["detail"]):
        assert client.get(f"/agreements/{agreement.pk}/").status_code == 200
    with django_assert_num_queries(PINNED["preview"]):
        assert client.get(f"/agreements/{agreement.pk}/preview/").status_code == 200


PINNED = {"detail": 16, "preview": 9}


def test_admin_cannot_change_or_delete_agreements(admin_client):
    agreement = final_agreement()
    assert admin_client.get(f"/admin/agreements/agreement/{agreement.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/agreements/agreement/{agreement.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/agreements/agreement/{agreement.pk}/change/", {"title": "Sửa lén"})
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Giao ước thi đua năm 2024"
    assert admin_client.get("/admin/agreements/agreement/add/").status_code == 403


# Uploads through the pages ----------------------------------------------------------------------

BAD_PDFS = [
    pytest.param("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 200, "không phải PDF", id="png-renamed"),
    pytest.param("rong.pdf", b"", "rỗng", id="empty"),
    pytest.param("lon.pdf", b"%PDF-1.4\n" + b"0" * 2048, "quá lớn", id="oversized"),
]


def stored_files(settings) -> list[str]:
    return sorted(str(p) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


@pytest.mark.parametrize(("name", "content", "message"), BAD_PDFS)
def test_signing_page_refuses_a_bad_scan_with_a_message(client, settings, name, content, message):
    settings.MAX_UPLOAD_SIZE = 1024
    agreement = final_agreement()
    before = stored_files(settings)
    client.force_login(unit_user(agreement.term, Role.LEADER))
    response = client.post(
        f"/agreements/{agreement.pk}/sign/",
        {"signed_on": "05/02/2024", "scan": SimpleUploadedFile(name, content, "application/pdf")},
    )
    assert response.status_code == 200 and message in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "final" and not agreement.signed_scan and agreement.signed_on is None
    assert stored_files(settings) == before


def test_signing_page_refuses_a_malformed_date(client, settings):
    agreement = final_agreement()
    client.force_login(unit_user(agreement.term, Role.LEADER))
    response = client.post(
        f"/agreements/{agreement.pk}/sign/",
        {"signed_on": "31/02/2024", "scan": SimpleUploadedFile("ky.pdf", TINY_PDF, "application/pdf")},
    )
    assert response.status_code == 200 and "Ngày không hợp lệ" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "final" and not agreement.signed_scan


@pytest.mark.parametrize(("name", "content", "message"), BAD_PDFS)
def test_attaching_a_bad_file_to_the_draft_is_refused_with_a_message(
    client, settings, name, content, message
):
    settings.MAX_UPLOAD_SIZE = 1024
    agreement = make_agreement(make_term(year=2024, members=3))
    before = stored_files(settings)
    client.force_login(unit_user(agreement.term, Role.DEPUTY))
    response = client.post(
        f"/agreements/{agreement.pk}/attach/rules/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
        follow=True,
    )
    assert message in response.content.decode()
    agreement.refresh_from_db()
    assert not agreement.rules_pdf and stored_files(settings) == before


def test_a_code_typed_in_lower_case_with_spaces_is_found(client):
    agreement = final_agreement()
    code = agreement.verification_code
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    response = client.get(f"/verify/{typed}/")
    assert response.status_code == 200 and agreement.final_sha256 in response.content.decode()
