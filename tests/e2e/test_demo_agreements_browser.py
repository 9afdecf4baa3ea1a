"""The demo's agreements in a real browser, from the dashboard's tasks: a member registers, the
leader follows who is missing, last year's leader opens the signed agreement and its print.
Also takes the README's agreement screenshots and pictures of the printed pages."""

import re
import subprocess

import pytest

from blocs.models import Term
from demo.blocs import DEMO_PASSWORD
from tests.e2e import conftest
from tests.e2e.conftest import print_pages, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER_TASK = "Đăng ký danh hiệu, chỉ tiêu và người ký giao ước"


def log_in(page, base: str, username: str) -> None:
    conftest.log_in(page, base, username, DEMO_PASSWORD)


def test_member_registers_from_the_dashboard_and_the_leader_sees_who_is_missing(page, demo):
    log_in(page, demo, "khoidang")
    page.get_by_role("link", name=REGISTER_TASK).click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Đăng ký thi đua năm 2024: Trường Chính trị tỉnh"
    )
    # The signatory defaults from the unit's head.
    assert page.get_by_label("Chức vụ người ký").input_value() != ""
    page.get_by_label("Tập thể lao động xuất sắc").check()
    page.get_by_label("Khẩu hiệu thi đua của đơn vị").fill("Dạy tốt, học tốt, nêu gương")
    page.get_by_label("Chỉ tiêu 1").fill("Học viên tốt nghiệp loại khá trở lên")
    page.get_by_label("Giá trị 1").fill("85,5")
    page.get_by_label("Đơn vị tính 1").fill("%")
    screenshot(page, "agreement-register")
    page.get_by_role("button", name="Lưu đăng ký").click()
    assert "Đã lưu đăng ký của đơn vị." in page.content()
    page.goto(f"{demo}/")
    assert REGISTER_TASK not in page.inner_text("main")

    page.get_by_role("button", name=re.compile("Đăng xuất")).click()
    log_in(page, demo, "truongkhoidang")
    page.get_by_role("link", name="Còn 3/9 thành viên chưa đăng ký giao ước").click()
    text = page.inner_text("main")
    assert "Chưa đăng ký: 3 / 9 đơn vị" in text
    assert "Trường Chính trị tỉnh chưa đăng ký." not in text
    screenshot(page, "agreement-draft")
    page.get_by_role("link", name="Xem bản in").click()
    assert "DỰ THẢO" in page.content()
    screenshot(page, "agreement-preview")


def test_last_years_leader_opens_the_signed_agreement_and_its_print(page, demo, tmp_path):
    log_in(page, demo, "truongkhoicu")
    term = Term.objects.get(bloc__short_name="Khối thi đua Nội chính", year=2023)
    page.goto(f"{demo}{term.get_absolute_url()}")
    page.get_by_role("link", name="Giao ước thi đua").click()
    text = page.inner_text("main")
    assert "Đã ký" in text and "Ký ngày 28/02/2023" in text
    screenshot(page, "agreement-signed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf = tmp_path / "giao-uoc-2023.pdf"
    download_info.value.save_as(pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages >= 2
    for picture in print_pages(pdf, "print-agreement", {"first": 1, "last": pages}):
        assert picture.stat().st_size > 5_000
