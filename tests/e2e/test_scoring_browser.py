"""Scoring in a real browser: two members self-assess (one types "8,5"), the leader reviews and
lowers a score, the member explains, the leader decides, locks and publishes the ranking; three
members vote online and the leader closes the vote and sees the result."""

import re

import pytest

from ballots.models import Ballot
from blocs.models import Role
from scoring.models import CriterionKind
from tests.e2e import conftest
from tests.e2e.conftest import screenshot
from tests.factories import PASSWORD, make_criteria_set, make_term, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base: str, user) -> None:
    conftest.log_in(page, base, user.username, PASSWORD)


def self_assess(browser, base, user, criteria_set, values):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, user)
    page.goto(f"{base}/scoring/{criteria_set.pk}/sheet/")
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Ghi chú: Tiêu chí 1").fill("Báo cáo tổng kết số 25/BC")
    page.get_by_role("button", name="Lưu và nộp phiếu").click()
    assert "Đã nộp phiếu tự chấm." in page.content()
    return context, page


def test_self_assess_review_explain_decide_lock_publish(browser, live_server):
    base = live_server.url
    term = make_term(year=2024, members=4)
    criteria_set = make_criteria_set(term, criteria=2, state="open")
    units = {
        role: term.memberships.filter(role=role).order_by("position").first().unit for role in Role.values
    }
    leader, deputy, member = (make_user(unit=units[r]) for r in (Role.LEADER, Role.DEPUTY, Role.MEMBER))

    context, page = self_assess(browser, base, member, criteria_set, {"Tiêu chí 1": "8,5", "Tiêu chí 2": "9"})
    context.close()
    other, _ = self_assess(browser, base, deputy, criteria_set, {"Tiêu chí 1": "10", "Tiêu chí 2": "9,5"})
    other.close()

    lead = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = lead.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base, leader)
    page.goto(f"{base}/scoring/{criteria_set.pk}/grid/")
    page.get_by_role("button", name=f"Thẩm định {member.unit.name}").click()
    assert page.get_by_label("Tiêu chí 1", exact=True).input_value() == "8,5"  # prefilled with the self score
    page.get_by_label("Tiêu chí 1", exact=True).fill("7")
    page.get_by_role("button", name="Lưu và nộp phiếu thẩm định").click()
    assert "Điểm thẩm định khác điểm tự chấm: ghi nhận xét, lý do." in page.content()
    page.get_by_label("Nhận xét: Tiêu chí 1").fill("Thiếu minh chứng cho một nội dung.")
    page.get_by_role("button", name="Lưu và nộp phiếu thẩm định").click()
    assert "Đã nộp phiếu thẩm định." in page.content()
    screenshot(page, "scoring-review")

    mine = browser.new_context(locale="vi-VN")
    member_page = mine.new_page()
    member_page.set_default_timeout(15_000)
    log_in(member_page, base, member)
    member_page.goto(f"{base}/scoring/{criteria_set.pk}/sheet/")
    member_page.get_by_role("link", name=re.compile("Giải trình")).click()
    member_page.get_by_label("Nội dung giải trình").fill(
        "Minh chứng đã gửi kèm công văn số 12/CV ngày 10/12."
    )
    member_page.get_by_role("button", name="Gửi giải trình").click()
    assert "Đã gửi giải trình." in member_page.content()
    mine.close()

    page.goto(f"{base}/scoring/{criteria_set.pk}/grid/")
    page.get_by_role("link", name="Quyết định điểm").click()
    page.get_by_label("Điểm quyết định").fill("8")
    page.get_by_role("button", name="Quyết định").click()
    assert "Đã quyết định điểm sau giải trình." in page.content()
    page.goto(f"{base}/scoring/{criteria_set.pk}/")
    page.get_by_role("link", name="Khóa chấm điểm…").click()
    screenshot(page, "scoring-lock-confirm")
    page.get_by_role("button", name="Khóa chấm điểm").click()
    assert "Đã khóa chấm điểm." in page.content()
    page.get_by_role("link", name="Xếp hạng").click()
    page.get_by_role("link", name="Công bố xếp hạng…").click()
    page.get_by_role("button", name="Công bố xếp hạng").click()
    text = page.inner_text("main")
    assert "Đã công bố" in text
    # The deputy (10 + 9,5) ranks first; the member (8 after the decision + 9 = 17) second.
    rows = page.locator("tbody tr")
    assert deputy.unit.name in rows.nth(0).inner_text() and "19,5" in rows.nth(0).inner_text()
    assert member.unit.name in rows.nth(1).inner_text() and "17" in rows.nth(1).inner_text()

    # The vote for the unit leading the bloc: online, candidates in rank order, everyone present.
    page.get_by_role("link", name="Bình xét, suy tôn").click()
    page.locator("summary", has_text="Tạo cuộc bỏ phiếu").click()
    page.get_by_role("button", name="Tạo cuộc bỏ phiếu").click()
    assert "Đã tạo cuộc bỏ phiếu" in page.content()
    ballot = Ballot.objects.get(term=term)
    page.goto(f"{base}/ballots/{ballot.pk}/")
    page.get_by_role("link", name="Mở bỏ phiếu…").click()
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    for voter in (leader, deputy, member):
        voting = browser.new_context(locale="vi-VN")
        vote_page = voting.new_page()
        vote_page.set_default_timeout(15_000)
        log_in(vote_page, base, voter)
        vote_page.goto(f"{base}/ballots/{ballot.pk}/vote/")
        vote_page.get_by_label(deputy.unit.name, exact=True).check()
        if voter == member:
            screenshot(vote_page, "ballot-vote")
        vote_page.get_by_role("button", name="Tiếp tục: xem lại phiếu").click()
        assert f"Bầu: {deputy.unit.name}." in vote_page.content()
        if voter == member:
            screenshot(vote_page, "ballot-vote-confirm")
        vote_page.get_by_role("button", name="Gửi phiếu bầu").click()
        assert "Đã ghi nhận phiếu bầu của đơn vị." in vote_page.content()
        voting.close()
    page.goto(f"{base}/ballots/{ballot.pk}/")
    assert "3 phiếu" not in page.inner_text("main")  # no count before closing
    page.get_by_role("link", name="Kết thúc bỏ phiếu và công bố kết quả…").click()
    page.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    result = page.locator("#result-heading").locator("xpath=..").inner_text()
    assert deputy.unit.name in result and "75" in result
    lead.close()
    ballot.refresh_from_db()
    assert ballot.state == "closed" and ballot.result["selected"]
    assert criteria_set.criteria.filter(kind=CriterionKind.POINTS).count() == 2
