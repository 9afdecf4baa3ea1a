"""The demo's scoring in a real browser: last year's leader reads the 2023 ranking, grid and votes;
this year's member opens its sheet from the dashboard. Also takes the README's pictures of them and
of a printed ballot paper."""

import re

import pytest

from ballots.models import Ballot
from demo.agreements import NOI_CHINH
from demo.blocs import DEMO_PASSWORD
from scoring.models import CriteriaSet
from tests.e2e import conftest
from tests.e2e.conftest import print_pages, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base: str, username: str) -> None:
    conftest.log_in(page, base, username, DEMO_PASSWORD)


def test_the_2023_ranking_grid_and_votes(page, demo, tmp_path):
    criteria_set = CriteriaSet.objects.get(term__bloc__name=NOI_CHINH, term__year=2023)
    log_in(page, demo, "truongkhoicu")
    page.goto(f"{demo}/scoring/{criteria_set.pk}/ranking/")
    assert "Đã công bố" in page.inner_text("main")
    assert page.locator("svg.ranking-chart rect").count() >= 8
    screenshot(page, "scoring-ranking")
    page.get_by_role("link", name="Bảng điểm chi tiết").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bảng điểm các thành viên"
    screenshot(page, "scoring-grid")

    award = Ballot.objects.get(term=criteria_set.term, kind="award")
    page.goto(f"{demo}/ballots/{award.pk}/")
    assert "Kết quả bỏ phiếu" in page.inner_text("main")
    screenshot(page, "ballot-result")
    href = page.get_by_role("link", name=re.compile("In phiếu bầu")).get_attribute("href")
    response = page.request.get(f"{demo}{href}")  # shown inline by the browser: fetch the bytes
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "phieu-bau.pdf"
    pdf.write_bytes(response.body())
    (picture,) = print_pages(pdf, "print-ballot", {"first": 1})
    assert picture.stat().st_size > 5_000


def test_a_member_opens_its_sheet_from_the_dashboard(page, demo):
    log_in(page, demo, "thanhvien")
    page.get_by_role("link", name=re.compile("Tự chấm điểm và nộp phiếu trước")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Phiếu tự chấm: Sở Tư pháp"
    page.get_by_label("Chất lượng tham mưu, tổ chức thực hiện nhiệm vụ chuyên môn", exact=True).fill("13,5")
    page.get_by_label("Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm đã đăng ký", exact=True).fill("97")
    page.get_by_role("button", name="Lưu bản nháp").click()
    assert "Đã lưu phiếu tự chấm (bản nháp)." in page.content()
    assert (
        page.get_by_label(
            "Chất lượng tham mưu, tổ chức thực hiện nhiệm vụ chuyên môn", exact=True
        ).input_value()
        == "13,5"
    )
    screenshot(page, "scoring-sheet")


def test_the_board_overview_and_the_printed_year_end_documents(page, demo, tmp_path):
    from conferences.models import Document

    log_in(page, demo, "bantdkt")
    page.get_by_role("link", name="Tổng hợp", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tổng hợp")
    assert page.locator("tbody tr").count() >= 5
    screenshot(page, "overview")
    page.goto(f"{demo}/overview/?year=2023")
    assert "Đã gửi" in page.inner_text("main")

    for kind, name in (
        ("report_yearend", "print-report"),
        ("minutes", "print-minutes"),
        ("proposal", "print-proposal"),
    ):
        document = Document.objects.get(term__bloc__name=NOI_CHINH, term__year=2023, kind=kind)
        response = page.request.get(f"{demo}/documents/{document.pk}/pdf/")
        assert response.ok and response.body().startswith(b"%PDF-")
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(response.body())
        (picture,) = print_pages(pdf, name, {"first": 1})
        assert picture.stat().st_size > 5_000
