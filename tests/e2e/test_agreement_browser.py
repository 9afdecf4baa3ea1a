"""An agreement's whole life in a real browser: draft, two registrations, finalize, PDF, signed scan,
and the public verification page."""

from pathlib import Path

import pytest

from agreements.models import Agreement
from blocs.models import Role
from tests.e2e import conftest
from tests.factories import PASSWORD, make_term, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, base: str, username: str) -> None:
    conftest.log_in(page, base, username, PASSWORD)


def register(page, base: str, agreement_pk: int) -> None:
    page.goto(f"{base}/agreements/{agreement_pk}/")
    page.get_by_role("link", name="Đăng ký của đơn vị bạn").click()
    page.get_by_label("Tập thể lao động xuất sắc").check()
    page.get_by_label("Khẩu hiệu thi đua của đơn vị").fill("Đoàn kết, kỷ cương, sáng tạo")
    page.get_by_label("Chỉ tiêu 1").fill("Tỷ lệ giải quyết đơn thư")
    page.get_by_label("Giá trị 1").fill("97,5")
    page.get_by_role("button", name="Lưu đăng ký").click()
    assert "Đã lưu đăng ký của đơn vị." in page.content()


def test_draft_registration_finalize_pdf_sign_verify(browser, live_server, tmp_path):
    base = live_server.url
    term = make_term(year=2024, members=3)
    leader = make_user(unit=term.memberships.get(role=Role.LEADER).unit)
    deputy = make_user(unit=term.memberships.get(role=Role.DEPUTY).unit)
    member_unit = term.memberships.get(role=Role.MEMBER).unit

    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, leader.username)
    page.goto(f"{base}/terms/{term.pk}/agreement/")
    page.get_by_role("button", name="Soạn dự thảo giao ước").click()
    page.get_by_role("textbox", name="Nội dung thi đua").fill(
        "Hoàn thành xuất sắc nhiệm vụ chính trị năm 2024."
    )
    page.get_by_role("button", name="Thêm nội dung").click()
    agreement = Agreement.objects.get(term=term)
    register(page, base, agreement.pk)
    # The leader sees who has not registered yet.
    page.goto(f"{base}/agreements/{agreement.pk}/")
    assert "Chưa đăng ký: 2 / 3 đơn vị" in page.inner_text("main")

    other = browser.new_context(locale="vi-VN")
    deputy_page = other.new_page()
    log_in(deputy_page, base, deputy.username)
    register(deputy_page, base, agreement.pk)
    other.close()

    # One member is still missing: finalizing is not offered, and the page says why.
    page.goto(f"{base}/agreements/{agreement.pk}/")
    assert f"{member_unit.name} chưa đăng ký." in page.inner_text("main")
    third = browser.new_context(locale="vi-VN")
    member_page = third.new_page()
    log_in(member_page, base, make_user(unit=member_unit).username)
    register(member_page, base, agreement.pk)
    third.close()

    page.goto(f"{base}/agreements/{agreement.pk}/")
    page.get_by_role("link", name="Hoàn thiện giao ước…").click()
    page.get_by_role("button", name="Hoàn thiện giao ước").click()
    assert "Đã hoàn thiện giao ước" in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    saved = tmp_path / "giao-uoc.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    scan = tmp_path / "ban-ky.pdf"
    scan.write_bytes(SCAN)
    page.get_by_role("link", name="Tải lên bản đã ký").click()
    page.get_by_label("Ngày ký").fill("05/02/2024")
    page.get_by_label("Bản chụp giao ước đã ký (PDF)").set_input_files(str(scan))
    page.get_by_role("button", name="Lưu").click()
    assert "giao ước đã được ký" in page.content()
    context.close()

    agreement.refresh_from_db()
    public_context = browser.new_context(locale="vi-VN")
    public = public_context.new_page()
    public.goto(f"{base}/verify/")
    public.get_by_label("Mã xác thực").fill(agreement.verification_code)
    public.get_by_role("button", name="Kiểm tra").click()
    text = public.inner_text("main")
    assert "Mã xác thực hợp lệ" in text and agreement.final_sha256 in text and "Đã ký" in text
    public_context.close()  # no keep-alive connection may outlive the live server
    assert Path(saved).stat().st_size > 1000
