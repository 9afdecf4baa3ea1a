"""Closing a demo bloc's year in a real browser: the leader records the year-end conference, prints
the report and the minutes, records the election of next year's leader, and that leader's login then
sees the new term as its leader."""

import re

import pytest

from blocs.models import Membership, Role, Term
from demo.agreements import NOI_CHINH
from demo.blocs import DEMO_PASSWORD
from tests.e2e import conftest

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base: str, username: str) -> None:
    conftest.log_in(page, base, username, DEMO_PASSWORD)


def test_the_leader_closes_the_year_and_hands_the_bloc_to_next_years_leader(browser, demo):
    term = Term.objects.get(bloc__name=NOI_CHINH, year=2024)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, demo, "truongkhoi")

    page.goto(f"{demo}{term.get_absolute_url()}")
    page.get_by_role("link", name="Hội nghị").click()
    page.get_by_role("link", name="Hội nghị tổng kết, bình xét, suy tôn").first.click()
    page.get_by_label("Ngày").fill("2024-12-27")
    page.get_by_label("Bắt đầu").fill("08:00")
    page.get_by_label("Kết thúc").fill("11:30")
    page.get_by_label("Địa điểm").fill("Hội trường Viện Kiểm sát nhân dân tỉnh")
    page.get_by_label("Chủ trì (họ tên)").fill("Trần Văn Hùng")
    page.get_by_label("Thư ký (họ tên)").fill("Lê Thị Hoa")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã lưu thông tin hội nghị." in page.content()

    page.goto(f"{demo}/terms/{term.pk}/documents/")
    page.get_by_role("button", name=re.compile(r"Soạn văn bản\W+Báo cáo tổng kết")).click()
    page.get_by_label("I. Tình hình chung").fill("Năm 2024, Khối gồm 08 cơ quan, đơn vị.")
    page.get_by_label("Số, ký hiệu").fill("30/BC-KTĐNC")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_role("link", name="Xem bản in").click()
    printed = page.inner_text("body")
    assert "BÁO CÁO" in printed and "Năm 2024, Khối gồm 08 cơ quan, đơn vị." in printed
    report = Term.objects.get(pk=term.pk).documents.get(kind="report_yearend")
    pdf = page.request.get(f"{demo}/documents/{report.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")

    page.goto(f"{demo}/terms/{term.pk}/documents/")
    page.get_by_role("button", name=re.compile(r"Soạn văn bản\W+Biên bản họp bình xét")).click()
    page.get_by_role("link", name="Xem bản in").click()
    printed = page.inner_text("body")
    assert "BIÊN BẢN" in printed and "Hội trường Viện Kiểm sát nhân dân tỉnh" in printed

    page.goto(f"{demo}{term.get_absolute_url()}")
    page.get_by_role("link", name="Bầu trưởng, phó khối năm 2025").click()
    page.get_by_role("combobox", name=re.compile(r"^Trưởng khối\*?$")).select_option(label="Công an tỉnh")
    page.get_by_role("combobox", name=re.compile(r"^Phó trưởng khối\*?$")).select_option(
        label="Tòa án nhân dân tỉnh"
    )
    page.get_by_role("button", name="Ghi nhận kết quả bầu").click()
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    context.close()

    following = Term.objects.get(bloc__name=NOI_CHINH, year=2025)
    leader = Membership.objects.get(term=following, role=Role.LEADER)
    assert leader.unit.name == "Công an tỉnh"

    other = browser.new_context(locale="vi-VN")
    page = other.new_page()
    page.set_default_timeout(15_000)
    log_in(page, demo, "phokhoi")  # Công an tỉnh's account: deputy in 2024, leader in 2025
    page.goto(f"{demo}/?year=2025")
    card = page.get_by_role("article").filter(has_text=following.bloc.name)
    assert "Đơn vị bạn: Trưởng khối" in card.inner_text()
    page.goto(f"{demo}/?year=2024")
    assert (
        "Đơn vị bạn: Phó trưởng khối"
        in page.get_by_role("article").filter(has_text=term.bloc.name).inner_text()
    )
    other.close()
