"""The foundation seen through a real browser, on the demo province. Also takes the README's screenshots."""

import pytest

from blocs.models import Membership, Role
from demo.blocs import DEMO_PASSWORD
from tests.e2e import conftest
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base: str, username: str) -> None:
    conftest.log_in(page, base, username, DEMO_PASSWORD)


def test_leader_sees_the_bloc_its_members_and_leadership(page, demo):
    leader = Membership.objects.select_related("unit", "term__bloc").get(
        term__bloc__short_name="Khối thi đua Nội chính", year=2024, role=Role.LEADER
    )
    bloc = leader.term.bloc
    log_in(page, demo, "truongkhoi")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan năm 2024"
    card = page.get_by_role("article").filter(has_text=bloc.name)
    assert "Trưởng khối" in card.inner_text()
    assert leader.unit.name in card.inner_text()
    screenshot(page, "dashboard-leader")

    page.get_by_role("link", name="Các khối").click()
    page.get_by_role("link", name=bloc.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == bloc.name
    history = page.get_by_role("table").first.inner_text()
    for year in range(2018, 2025):
        assert str(year) in history
    members_2024 = Membership.objects.filter(term=leader.term).with_unit_name()
    details = page.locator("details[open]").inner_text()
    for member in members_2024:
        assert member.unit_name in details
    screenshot(page, "bloc-detail")

    page.get_by_role("link", name="2024", exact=True).click()
    assert "Trưởng khối" in page.locator(".leadership").inner_text()
    assert leader.unit.name in page.locator(".leadership").inner_text()
    screenshot(page, "term-detail")

    page.get_by_role("link", name="Bầu trưởng, phó khối năm 2025").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Bầu trưởng, phó khối năm 2025"
    screenshot(page, "elect")


def test_outsider_does_not_see_the_bloc(page, demo):
    bloc = Membership.objects.get(
        term__bloc__short_name="Khối thi đua Nội chính", year=2024, role=Role.LEADER
    ).term.bloc
    log_in(page, demo, "ngoaikhoi")
    assert bloc.name not in page.content()
    page.goto(f"{demo}/blocs/")
    assert bloc.name not in page.content()
    page.goto(f"{demo}/blocs/{bloc.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Không tìm thấy trang"


def test_board_sees_every_bloc_of_the_year(page, demo):
    log_in(page, demo, "bantdkt")
    page.get_by_role("link", name="Các khối").click()
    rows = page.locator("tbody tr")
    assert rows.count() >= 4
    screenshot(page, "bloc-list-board")


def test_narrow_screen_and_keyboard(browser, demo):
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 800})
    page = context.new_page()
    log_in(page, demo, "thanhvien")
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    screenshot(page, "dashboard-narrow")
    context.close()
