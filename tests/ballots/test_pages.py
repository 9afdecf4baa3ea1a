"""The vote's pages as users meet them: creating with a decimal comma, preparing the lists, casting
(once, even on a double click), the paper count with a message per field, closing with a tie, the
printed ballot papers read back from the PDF, and query counts that do not grow with the bloc."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots import services as ballot_services
from ballots.models import Ballot, BallotChoice, BallotKind, BallotParticipation, BallotPresence, BallotState
from blocs.models import AuditEvent, Role, Unit
from tests.ballots.factories import candidate, cast, make_ballot, members
from tests.blocs.test_permission_matrix import db_state
from tests.factories import make_term, make_user, unit_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def term():
    return make_term(year=2024, members=5)


@pytest.fixture
def leader(client, term):
    user = unit_user(term, Role.LEADER)
    client.force_login(user)
    return user


def page_of(response) -> str:
    return response.content.decode()


# Creating and preparing -------------------------------------------------------------------------


def test_the_leader_creates_a_ballot_with_a_decimal_comma_threshold(client, term, leader):
    response = client.post(
        f"/terms/{term.pk}/ballots/",
        {"kind": "award", "award": "co_tinh", "title": "", "mode": "paper", "quota": "1",
         "threshold_percent": "66,67", "threshold_base": "all"},
    )  # fmt: skip
    ballot = Ballot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ballots/{ballot.pk}/edit/"
    assert ballot.title == "Đề nghị tặng Cờ thi đua của UBND tỉnh"
    assert (str(ballot.threshold_percent), ballot.threshold_strict, ballot.threshold_base) == (
        "66.67",
        False,
        "all",
    )
    page = page_of(client.get(f"/terms/{term.pk}/ballots/"))
    assert "Đề nghị tặng Cờ thi đua của UBND tỉnh" in page and "từ 66,67 % trở lên" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "award", "award": ""}, "Chọn danh hiệu, hình thức khen thưởng được đề nghị."),
        ({"threshold_percent": "50,5,5"}, "Phải là một số không âm"),
        ({"threshold_percent": "0"}, "Ngưỡng phải lớn hơn 0."),
        ({"threshold_percent": "120"}, "Tối đa 100."),
        ({"quota": "0"}, "Số đơn vị được chọn ít nhất là 1."),
        ({"quota": "hai"}, "Số đơn vị được chọn phải là số nguyên."),
        ({"kind": "runoff"}, "Lựa chọn không hợp lệ; hãy chọn lại."),
        ({"threshold_base": "nobody"}, "Lựa chọn không hợp lệ; hãy chọn lại."),
    ],
)
def test_a_bad_ballot_form_says_why_and_creates_nothing(client, term, leader, data, message):
    base = {
        "kind": "leading",
        "mode": "online",
        "quota": "1",
        "threshold_percent": "50",
        "threshold_base": "present",
    }
    response = client.post(f"/terms/{term.pk}/ballots/", base | data)
    assert response.status_code == 400
    assert message in page_of(response)
    assert not Ballot.objects.exists()


def test_an_ineligible_candidate_without_a_reason_is_refused_on_the_page(client, term, leader):
    ballot = make_ballot(term)
    first, second, *rest = members(term)
    c1 = candidate(ballot, first)
    data = {
        "title": ballot.title, "mode": "online", "quota": "1", "threshold_percent": "50",
        "threshold_base": "present", "lock_version": "0",
        **{f"e{c.pk}": "on" for c in ballot.candidates.exclude(pk=c1.pk)},
        **{f"p{m.pk}": "on" for m in members(term)},
    }  # fmt: skip
    before = db_state()
    response = client.post(f"/ballots/{ballot.pk}/edit/", data)
    assert response.status_code == 400
    assert "Ghi lý do không đưa đơn vị vào danh sách bầu." in page_of(response)
    assert f'id="r{c1.pk}"' in page_of(response) and 'aria-invalid="true"' in page_of(response)
    assert db_state() == before

    data |= {f"r{c1.pk}": "Bị xử lý kỷ luật", f"rep{second.pk}": "Bà Phạm Thị Hoa"}
    del data[f"p{rest[-1].pk}"]
    assert client.post(f"/ballots/{ballot.pk}/edit/", data).status_code == 302
    page = page_of(client.get(f"/ballots/{ballot.pk}/"))
    assert "Bị xử lý kỷ luật" in page and "Bà Phạm Thị Hoa" in page
    assert "Có mặt <strong>4/5</strong> thành viên" in page and "quá nửa số thành viên" in page
    assert not BallotPresence.objects.filter(ballot=ballot, membership=rest[-1]).exists()


def test_a_hostile_title_is_shown_as_text(client, term, leader):
    hostile = '<script>alert(1)</script><img src="http://127.0.0.1:9/x">'
    ballot = make_ballot(term, title=hostile)
    page = page_of(client.get(f"/ballots/{ballot.pk}/"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# Voting -----------------------------------------------------------------------------------------


def test_a_member_votes_once_even_when_the_form_is_posted_twice(client, term):
    ballot = make_ballot(term, state="open", quota=2)
    a, b, c, *_ = members(term)
    client.force_login(make_user(unit=c.unit))
    page = page_of(client.get(f"/ballots/{ballot.pk}/vote/"))
    assert page.count('type="checkbox" name="candidate"') == 5 and "Chọn không quá 2 đơn vị" in page
    data = {"candidate": [str(candidate(ballot, a).pk), str(candidate(ballot, b).pk)]}
    review = page_of(client.post(f"/ballots/{ballot.pk}/vote/", data))  # the marks shown once more
    assert f"Bầu: {a.unit.name}." in review and f"Bầu: {b.unit.name}." in review
    assert not BallotParticipation.objects.filter(ballot=ballot).exists()
    data["confirmed"] = "yes"
    first = client.post(f"/ballots/{ballot.pk}/vote/", data)
    second = client.post(f"/ballots/{ballot.pk}/vote/", data)
    assert first.status_code == second.status_code == 302
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    assert BallotChoice.objects.filter(ballot=ballot).count() == 2
    page = page_of(client.get(second["Location"]))
    assert "lần gửi sau được bỏ qua" in page and "Đơn vị bạn đã bỏ phiếu" in page
    assert f'href="/ballots/{ballot.pk}/vote/"' not in page


def test_a_quota_of_one_is_a_radio_and_more_marks_are_refused_with_nothing_stored(client, term):
    ballot = make_ballot(term, state="open", quota=1)
    a, b, c, *_ = members(term)
    client.force_login(make_user(unit=c.unit))
    assert page_of(client.get(f"/ballots/{ballot.pk}/vote/")).count('type="radio" name="candidate"') == 5
    before = db_state()
    response = client.post(
        f"/ballots/{ballot.pk}/vote/",
        {"candidate": [str(candidate(ballot, a).pk), str(candidate(ballot, b).pk)]},
    )
    assert response.status_code == 400
    assert "Chỉ được chọn tối đa 1 đơn vị; bạn đã chọn 2. Phiếu chưa được ghi nhận." in page_of(response)
    assert db_state() == before
    forged = client.post(f"/ballots/{ballot.pk}/vote/", {"candidate": ["1 OR 1=1"]})
    assert forged.status_code == 400 and "Phiếu không hợp lệ" in page_of(forged)
    assert db_state() == before


def test_a_blank_ballot_is_taken_from_the_page(client, term):
    ballot = make_ballot(term, state="open")
    client.force_login(make_user(unit=members(term)[2].unit))
    review = client.post(f"/ballots/{ballot.pk}/vote/", {})
    assert review.status_code == 200 and "Phiếu trắng: không chọn đơn vị nào" in page_of(review)
    assert client.post(f"/ballots/{ballot.pk}/vote/", {"confirmed": "yes"}).status_code == 302
    assert ballot.participations.count() == 1 and not ballot.choices.exists()


def test_the_list_offers_the_vote_to_a_present_unit_until_it_has_voted(client, term):
    ballot = make_ballot(term, state="open")
    a, b, *_, absent = members(term)
    BallotPresence.objects.filter(ballot=ballot, membership=absent).delete()
    link = f'href="/ballots/{ballot.pk}/vote/"'
    client.force_login(make_user(unit=b.unit))
    assert link in page_of(client.get(f"/terms/{term.pk}/ballots/"))
    cast(ballot, b, a)
    assert link not in page_of(client.get(f"/terms/{term.pk}/ballots/"))
    client.force_login(make_user(unit=absent.unit))
    assert link not in page_of(client.get(f"/terms/{term.pk}/ballots/"))


def test_the_dashboard_asks_a_present_unit_to_vote_until_it_has(client, term):
    ballot = make_ballot(term, state="open", title="Bầu đơn vị dẫn đầu Khối thi đua năm 2024")
    absent = members(term)[4]
    BallotPresence.objects.filter(ballot=ballot, membership=absent).delete()
    voter = make_user(unit=members(term)[2].unit)
    client.force_login(voter)
    link = f'href="/ballots/{ballot.pk}/vote/"'
    page = page_of(client.get("/?year=2024"))
    assert "Bỏ phiếu: Bầu đơn vị dẫn đầu Khối thi đua năm 2024" in page and link in page
    client.post(f"/ballots/{ballot.pk}/vote/", {"confirmed": "yes"})
    assert "Bỏ phiếu: " not in page_of(client.get("/?year=2024"))
    client.force_login(make_user(unit=absent.unit))
    assert "Bỏ phiếu: " not in page_of(client.get("/?year=2024"))
    Ballot.objects.filter(pk=ballot.pk).update(mode="paper")
    client.force_login(make_user(unit=members(term)[3].unit))
    assert "Bỏ phiếu: " not in page_of(client.get("/?year=2024"))


# Counting and closing ---------------------------------------------------------------------------


def counts_post(ballot: Ballot, figures: dict, votes: list[int], lock_version: int | None = None) -> dict:
    ids = list(ballot.candidates.order_by("position").values_list("pk", flat=True))
    data = {k: str(v) for k, v in figures.items()} | {
        f"v{cid}": str(v) for cid, v in zip(ids, votes, strict=True)
    }
    return data | {"lock_version": str(ballot.lock_version if lock_version is None else lock_version)}


def test_the_paper_count_page_puts_each_message_on_its_field_and_stores_nothing(client, term, leader):
    ballot = make_ballot(term, state="open", mode="paper")
    first = candidate(ballot, members(term)[0])
    before = db_state()
    response = client.post(
        f"/ballots/{ballot.pk}/counts/",
        counts_post(ballot, {"issued": 6, "returned": 5, "valid": 3, "invalid": 1}, [4, 0, 0, 0, 0]),
    )
    page = page_of(response)
    assert response.status_code == 400
    assert 'id="err-issued"' in page and "không được vượt số thành viên có mặt (5)" in page
    assert 'id="err-invalid"' in page and "phải bằng số phiếu thu về (5)" in page
    assert f'id="err-v{first.pk}"' in page and "Số phiếu bầu (4) không được vượt số phiếu hợp lệ (3)" in page
    assert 'value="6"' in page  # what was typed stays
    response = client.post(
        f"/ballots/{ballot.pk}/counts/",
        counts_post(ballot, {"issued": "", "returned": "-1", "valid": "ba", "invalid": "0"}, [0, 0, 0, 0, 0]),
    )
    page = page_of(response)
    assert "Nhập số phiếu." in page and page.count("Nhập một số nguyên từ 0 trở lên.") == 2
    response = client.post(
        f"/ballots/{ballot.pk}/counts/",
        counts_post(ballot, {"issued": 5, "returned": 5, "valid": 2, "invalid": 3}, [2, 1, 0, 0, 0]),
    )
    assert "Tổng số phiếu bầu cho các đơn vị (3) không được vượt" in page_of(response)
    assert db_state() == before


def test_two_leaders_saving_the_count_from_the_same_page_do_not_overwrite_each_other(client, term, leader):
    ballot = make_ballot(term, state="open", mode="paper")
    read_at = ballot.lock_version
    figures = {"issued": 5, "returned": 5, "valid": 5, "invalid": 0}
    assert (
        client.post(
            f"/ballots/{ballot.pk}/counts/", counts_post(ballot, figures, [3, 2, 0, 0, 0], read_at)
        ).status_code
        == 302
    )
    other = make_user(unit=leader.unit)
    client.force_login(other)
    response = client.post(
        f"/ballots/{ballot.pk}/counts/", counts_post(ballot, figures, [0, 0, 5, 0, 0], read_at)
    )
    assert response.status_code == 400 and "Người khác vừa sửa" in page_of(response)
    assert candidate(ballot, members(term)[0]).votes == 3
    page = page_of(client.get(f"/ballots/{ballot.pk}/counts/"))
    assert "Kết quả kiểm phiếu đã được nhập" in page and 'value="3"' not in page


def test_closing_shows_the_result_with_decimal_commas_and_flags_a_tie_for_a_runoff(client, term, leader):
    ballot = make_ballot(term, state="open", mode="paper", quota=2, threshold_percent=30)
    figures = {"issued": 5, "returned": 5, "valid": 5, "invalid": 0}
    client.post(f"/ballots/{ballot.pk}/counts/", counts_post(ballot, figures, [4, 2, 2, 1, 0]))
    response = client.post(f"/ballots/{ballot.pk}/close/", {"confirmed": "yes"})
    assert response.status_code == 302
    page = page_of(client.get(f"/ballots/{ballot.pk}/"))
    a, b, c, *_ = members(term)
    assert "Đồng phiếu ở vị trí cuối cùng:" in page and "cần bầu lại cho 1 vị trí còn lại" in page
    assert "80 %" in page and "40 %" in page and "Tạo cuộc bầu lại" in page
    assert re.search(r"Đơn vị được chọn:</strong>\s*" + re.escape(a.unit.name), page)
    again = client.post(f"/ballots/{ballot.pk}/close/", {"confirmed": "yes"})
    assert again.status_code == 302  # twice: nothing changes
    assert AuditEvent.objects.filter(action="ballot.close").count() == 1

    response = client.post(f"/ballots/{ballot.pk}/runoff/")
    runoff = Ballot.objects.get(kind=BallotKind.RUNOFF)
    assert response["Location"] == f"/ballots/{runoff.pk}/edit/"
    assert runoff.quota == 1 and runoff.candidates.count() == 2
    page = page_of(client.get(f"/ballots/{ballot.pk}/"))
    assert "Tạo cuộc bầu lại" not in page and runoff.title in page


def test_a_two_thirds_result_reads_66_67_percent(client, term, leader):
    ballot = make_ballot(
        term,
        state="open",
        mode="paper",
        present=members(term)[:3],
        threshold_percent="66.67",
        threshold_strict=False,
    )
    client.post(
        f"/ballots/{ballot.pk}/counts/",
        counts_post(ballot, {"issued": 3, "returned": 3, "valid": 3, "invalid": 0}, [2, 1, 0, 0, 0]),
    )
    client.post(f"/ballots/{ballot.pk}/close/", {"confirmed": "yes"})
    page = page_of(client.get(f"/ballots/{ballot.pk}/"))
    assert "66,67 %" in page and "33,33 %" in page and "Được chọn" in page


# The printed ballot papers ----------------------------------------------------------------------


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30).stdout


def test_the_ballot_papers_are_one_secret_paper_per_present_member(client, term, leader, tmp_path):
    a, b, c, d, e = members(term)
    ballot = make_ballot(
        term,
        state="open",
        mode="paper",
        quota=2,
        present=[a, b, c, d],
        title="Đề nghị tặng Bằng khen năm 2024",
    )
    ballot.candidates.filter(membership=e).update(eligible=False, ineligible_reason="Không đủ điều kiện")
    response = client.get(f"/ballots/{ballot.pk}/papers.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "private, no-store"
    path = Path(tmp_path) / "papers.pdf"
    path.write_bytes(response.content)

    pages = int(re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", str(path)), re.MULTILINE).group(1))
    assert pages == 4
    for number in range(1, pages + 1):
        text = " ".join(_run("pdftotext", "-f", str(number), "-l", str(number), str(path), "-").split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert "PHIẾU BẦU" in text and "Đề nghị tặng Bằng khen năm 2024" in text
        assert "Chọn không quá 2 đơn vị" in text
        for m in (a, b, c, d):
            assert m.unit.name in text
        assert e.unit.name not in text
        layout = _run("pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-")
        assert not re.search(r"(?m)^\s*\d+\s*$", layout), "a page number tells one paper from another"
    fonts = _run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split("+", 1)[1].startswith("Liberation-Serif") for line in fonts), fonts


def test_a_long_list_still_prints_one_page_per_paper(client, leader, tmp_path):
    big = make_term(year=2024, members=25)
    for m in members(big):
        Unit.objects.filter(pk=m.unit_id).update(
            name=f"Bộ Chỉ huy Bộ đội Biên phòng tỉnh Quảng Ngãi {m.position}"
        )
    ballot = make_ballot(big, state="open", mode="paper", quota=5, present=members(big)[:3])
    client.force_login(unit_user(big, Role.MEMBER))
    path = Path(tmp_path) / "long.pdf"
    path.write_bytes(client.get(f"/ballots/{ballot.pk}/papers.pdf").content)
    assert re.search(r"^Pages:\s+3$", _run("pdfinfo", str(path)), re.MULTILINE)
    last = " ".join(_run("pdftotext", "-f", "3", "-l", "3", str(path), "-").split())
    assert "PHIẾU BẦU" in last and "Quảng Ngãi 25" in last and "Chọn không quá 5 đơn vị" in last


def test_no_papers_for_an_online_ballot_or_a_draft(client, term, leader):
    assert client.get(f"/ballots/{make_ballot(term, state='open').pk}/papers.pdf").status_code == 404
    assert client.get(f"/ballots/{make_ballot(term, mode='paper').pk}/papers.pdf").status_code == 404


# Query counts -----------------------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _bloc_with_ballots(size: int, ballots: int):
    term = make_term(year=2024, members=size)
    ms = members(term)
    made = []
    for i in range(ballots):
        ballot = make_ballot(term, state="open", threshold_percent=20, title=f"Cuộc bỏ phiếu {i}")
        for n, voter in enumerate(ms[: size // 2]):
            cast(ballot, voter, ms[n % 2])  # a tie between the first two, so the closed page offers a run-off
        if i % 2:
            ballot = ballot_services.ballot_close(ballot=ballot, by=None)
        made.append(ballot)
    return term, made


# Pinned counts per page (leader / member). A change that adds a query per member or per ballot
# fails the equality of the sizes; a change that adds a fixed query fails the pin and must update it.
# A closed ballot with a tie reads its run-offs (one more query).
PINNED = {"leader": {"list": 8, "open": 10, "closed": 11}, "member": {"list": 8, "open": 10, "closed": 11}}


@pytest.mark.parametrize("persona", ["leader", "member"])
def test_ballot_pages_cost_the_same_queries_whatever_the_bloc_and_ballots(client, persona):
    counts = {}
    for label, size, ballots in (("small", 8, 1), ("large", 20, 3)):
        term, made = _bloc_with_ballots(size, ballots)
        role = Role.LEADER if persona == "leader" else Role.MEMBER
        user = unit_user(term, role)
        client.force_login(user)
        client.get("/?year=2024")  # the first page saves the chosen year in the session
        closed = ballot_services.ballot_close(ballot=made[0], by=None) if label == "small" else made[1]
        counts[label] = {
            "list": _count(client, f"/terms/{term.pk}/ballots/"),
            "open": _count(client, f"/ballots/{made[-1].pk}/") if label == "large" else None,
            "closed": _count(client, f"/ballots/{closed.pk}/"),
        }
        if label == "small":
            open_ballot = make_ballot(term, state="open")
            for voter in members(term)[:4]:
                cast(open_ballot, voter, members(term)[0])
            counts[label]["open"] = _count(client, f"/ballots/{open_ballot.pk}/")
        client.logout()
    assert counts["small"] == counts["large"]
    assert counts["large"] == PINNED[persona]
    assert Ballot.objects.filter(state=BallotState.CLOSED).count() == 2
    assert all(len(b.result["tie"]) == 2 for b in Ballot.objects.filter(state=BallotState.CLOSED))
