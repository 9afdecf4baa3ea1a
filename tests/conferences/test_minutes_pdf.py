"""The minutes of the year-end vote, the counting committee's record and the award proposal, read
back from the PDFs themselves (pdftotext, pdffonts): every member, every score of the ranking, every
count of every ballot, the units proposed, next year's leadership; hostile text printed as text;
builders that read in a fixed number of queries whatever the size of the bloc.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import subprocess
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ballots import services as ballot_services
from ballots.models import Ballot, BallotKind, BallotMode
from blocs.models import Membership, Role, Unit
from conferences import printing
from conferences.models import Conference, Document
from conferences.printing import minutes as minutes_builders
from conferences.printing import proposal as proposal_builder
from config.pdf import render_pdf
from province.models import AwardCode
from scoring import selectors, services
from scoring.arithmetic import fmt
from scoring.models import CriteriaSet, CriterionKind
from scoring.services import Cell
from tests.factories import make_criteria_set, make_term, make_unit, unit_user

pytestmark = pytest.mark.django_db

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HOSTILE = "<script>alert(1)</script>"


# Reading a PDF back ------------------------------------------------------------------------------


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30).stdout


class Pdf:
    def __init__(self, data: bytes, folder: Path):
        assert data.startswith(b"%PDF-"), data[:20]
        self.path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.pdf"
        self.path.write_bytes(data)

    def text(self) -> str:
        """The whole text, whitespace collapsed (pdftotext wraps lines where the layout did)."""
        return " ".join(_run("pdftotext", str(self.path), "-").split())

    def rows(self) -> str:
        """The text as laid out, one printed line per line, whitespace collapsed: a table row stays
        on one line whatever its number of rows (the plain mode reads small tables by column)."""
        text = _run("pdftotext", "-layout", str(self.path), "-")
        return "\n".join(" ".join(line.split()) for line in text.splitlines())

    def pages(self) -> list[str]:
        """Each page as laid out, lines kept."""
        text = _run("pdftotext", "-layout", str(self.path), "-")
        return [page for page in text.split("\f") if page.strip()]

    def fonts(self) -> list[str]:
        lines = _run("pdffonts", str(self.path)).splitlines()[2:]
        return [line.split()[0] for line in lines if line.strip()]


@pytest.fixture
def read_pdf(tmp_path):
    return lambda data: Pdf(data, tmp_path)


@pytest.fixture
def listener():
    """A TCP socket on 127.0.0.1 that nobody should ever connect to."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    server.settimeout(0.2)
    count = 0
    while True:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            return count
        conn.close()
        count += 1


def printed(document: Document, *, draft: bool = False) -> tuple[dict, bytes]:
    data = printing.build(document)
    json.dumps(data)  # frozen on submission: it must be plain JSON
    return data, printing.render(data, kind=document.kind, draft=draft)


def figure(value: Decimal | None) -> str:
    """How a figure prints (the ranking page's way: decimal comma, a true minus sign)."""
    return "—" if value is None else fmt(value).replace("-", "−")


# A scored and voted year ---------------------------------------------------------------------------


def build_year(members: int = 8, *, hostile: str = "", absent: bool = True, extra_ballots: int = 0):
    """A term of 2023 with `members` members: every member but the last submitted and reviewed (the
    last has no sheet), scoring locked; the last member absent from every vote (when `absent`);
    three closed ballots: the leading unit online, the Bằng khen by paper (quota 2, counted on the
    ballots issued, "từ 50 % trở lên"), the Government flag online ending in a tie settled by a closed
    run-off (and `extra_ballots` more, closed without votes); next year's term with its leader and
    deputy; the year-end conference recorded."""
    term = make_term(year=2023, members=members)
    if hostile:
        unit = term.memberships.get(position=3).unit
        Unit.objects.filter(pk=unit.pk).update(name=f"Sở {hostile} Ba")
    ordered = list(term.memberships.order_by("position"))
    leader = unit_user(term, Role.LEADER)

    criteria_set = make_criteria_set(term, criteria=2, state="open")
    scored = list(criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position"))
    bonus = criteria_set.criteria.get(kind=CriterionKind.BONUS)
    deduction = criteria_set.criteria.get(kind=CriterionKind.DEDUCTION)
    # Totals 19, 18, 17, 14,5 (a deduction), 15, 15 (a bonus: a shared rank), 13, 12…
    for i, m in enumerate(ordered[:-1]):
        cells = {c.pk: Cell(points=Decimal(10) - Decimal(i) / 2) for c in scored}
        cells[bonus.pk] = Cell(points=Decimal(1) if i == 5 else Decimal(0))
        cells[deduction.pk] = Cell(points=Decimal("1.5") if i == 3 else Decimal(0))
        sheet = services.sheet_save(
            criteria_set=criteria_set, membership=m, cells=cells, lock_version=None, by=None
        )
        services.sheet_submit(sheet=sheet, lock_version=None, by=None)
        review = services.leader_review_start(criteria_set=criteria_set, subject=m, by=leader)
        cells[scored[0].pk] = Cell(
            points=max(Decimal(9) - Decimal(i) / 2, Decimal(0)), note="Thiếu minh chứng"
        )
        services.review_save(sheet=review, cells=cells, lock_version=None, by=leader)
        services.review_submit(sheet=review, by=leader)
    # The explanation window closes before the lock (the lowered scores were accepted).
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())
    criteria_set.refresh_from_db()
    services.scoring_lock(criteria_set=criteria_set, by=leader)

    present = ordered[:-1] if absent else ordered
    representatives = {m.pk: f"Đại diện số {m.position}" for m in present}
    if hostile:
        representatives[ordered[1].pk] = f"Bà {hostile} Hai"

    def prepare(ballot: Ballot, excluded: Membership | None = None) -> Ballot:
        candidates = {
            c.pk: (c.membership_id != getattr(excluded, "pk", None), "Đã được suy tôn dẫn đầu khối.")
            for c in ballot.candidates.all()
        }
        candidates = {k: (ok, "" if ok else why) for k, (ok, why) in candidates.items()}
        ballot_services.ballot_update(
            ballot=ballot,
            settings={},
            candidates=candidates,
            present=representatives,
            lock_version=None,
            by=leader,
        )
        return ballot_services.ballot_open(ballot=ballot, by=leader)

    def ids(ballot: Ballot, *chosen: Membership) -> list[int]:
        return list(ballot.candidates.filter(membership__in=chosen).values_list("pk", flat=True))

    # The leading unit, online: everyone present votes for the first member but one, for the second.
    leading = prepare(ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=leader))
    for i, m in enumerate(present):
        choice = ordered[1] if i == 2 else ordered[0]
        ballot_services.ballot_cast(ballot=leading, membership=m, candidate_ids=ids(leading, choice), by=None)
    leading = ballot_services.ballot_close(ballot=leading, by=leader)
    winner = ordered[0]

    # Bằng khen, on paper: quota 2, the winner left off the list.
    merit = prepare(
        ballot_services.ballot_create(
            term=term,
            kind=BallotKind.AWARD,
            award=AwardCode.MERIT_PROVINCE,
            mode=BallotMode.PAPER,
            quota=2,
            threshold_strict=False,
            threshold_base="issued",
            by=leader,
        ),
        excluded=winner,
    )
    issued = len(present)
    eligible = list(merit.candidates.filter(eligible=True).order_by("position"))
    shares = [issued - 1, max(issued - 3, 0), 1]
    votes = {c.pk: shares[i] if i < len(shares) else 0 for i, c in enumerate(eligible)}
    ballot_services.ballot_counts_save(
        ballot=merit, issued=issued, returned=issued, valid=issued - 1, invalid=1,
        votes=votes, lock_version=None, by=leader,
    )  # fmt: skip
    merit = ballot_services.ballot_close(ballot=merit, by=leader)

    # The Government flag, online: a tie between the second and the third, then a run-off.
    flag = prepare(
        ballot_services.ballot_create(
            term=term,
            kind=BallotKind.AWARD,
            award=AwardCode.FLAG_GOVERNMENT,
            threshold_percent=Decimal(10),
            by=leader,
        )
    )
    for i, m in enumerate(present):
        if i < 4:
            chosen = ordered[1] if i % 2 == 0 else ordered[2]
            ballot_services.ballot_cast(ballot=flag, membership=m, candidate_ids=ids(flag, chosen), by=None)
    flag = ballot_services.ballot_close(ballot=flag, by=leader)
    runoff = ballot_services.ballot_open(
        ballot=ballot_services.ballot_runoff(ballot=flag, by=leader), by=leader
    )
    for i, m in enumerate(present):
        chosen = ordered[2] if i < 3 else ordered[1]
        ballot_services.ballot_cast(ballot=runoff, membership=m, candidate_ids=ids(runoff, chosen), by=None)
    runoff = ballot_services.ballot_close(ballot=runoff, by=leader)
    for _ in range(extra_ballots):  # closed with no vote cast: nobody selected
        extra = ballot_services.ballot_create(
            term=term, kind=BallotKind.AWARD, award=AwardCode.LABOR_EXCELLENT, by=leader
        )
        ballot_services.ballot_close(ballot=ballot_services.ballot_open(ballot=extra, by=leader), by=leader)

    # Next year: this year's deputy leads (acclaimed), the fourth member deputises (elected).
    following = make_term(bloc=term.bloc, year=2024)
    Membership.objects.create(
        term=following, unit=ordered[1].unit, role=Role.LEADER, chosen_by="acclaimed", position=1
    )
    Membership.objects.create(
        term=following, unit=ordered[3].unit, role=Role.DEPUTY, chosen_by="elected", position=2
    )
    Membership.objects.create(term=following, unit=make_unit(), position=3)

    Conference.objects.create(
        term=term,
        kind="yearend",
        date=date(2024, 1, 5),
        start_time=time(8, 0),
        end_time=time(11, 30),
        place=f"Hội trường Thanh tra tỉnh{hostile}",
        chair_name="Hoàng Tiến Khang",
        chair_title="Chánh Thanh tra tỉnh, Trưởng khối",
        secretary_name="Lê Thị Thu",
        secretary_title="Chánh Văn phòng Thanh tra tỉnh",
        agenda="\n".join(
            [
                "Báo cáo tổng kết công tác thi đua năm 2023",
                "Công bố kết quả chấm điểm",
                "Bỏ phiếu bình xét, suy tôn",
            ]
        ),
        approved_count=len(present),
    )
    notes = f"Các thành viên thống nhất kết quả.{hostile}"
    documents = {
        "minutes": Document.objects.create(
            term=term, kind="minutes", number="01/BB-KTĐ", place="Quảng Ngãi", date=date(2024, 1, 5),
            sections={"notes": notes},
        ),
        "proposal": Document.objects.create(
            term=term, kind="proposal", number="05/TTr-TTr", place="Quảng Ngãi", date=date(2024, 1, 8),
            sections={"notes": notes},
        ),
    }  # fmt: skip
    for ballot in (leading, merit, flag, runoff):
        documents[f"count-{ballot.pk}"] = Document.objects.create(
            term=term, kind="count_minutes", ballot=ballot, place="Quảng Ngãi", date=date(2024, 1, 5)
        )
    ballots = {"leading": leading, "merit": merit, "flag": flag, "runoff": runoff}
    return term, criteria_set, ballots, documents


@pytest.fixture
def year():
    return build_year(8)


# The minutes of the vote ---------------------------------------------------------------------------


def test_minutes_show_header_title_bloc_conference_and_every_member(read_pdf, year):
    term, _, _, documents = year
    data, pdf = printed(documents["minutes"])
    text = read_pdf(pdf).text()
    leader_unit = term.memberships.get(role=Role.LEADER).unit.name
    for line in (NATION, MOTTO, term.bloc.short_name.upper(), leader_unit.upper(), "Số: 01/BB-KTĐ"):
        assert line in text
    assert "Quảng Ngãi, ngày 05 tháng 01 năm 2024" in text
    assert "BIÊN BẢN" in text and f"Họp bình xét, suy tôn thi đua năm 2023 của {term.bloc.name}" in text
    assert "Vào lúc 08 giờ 00 phút, ngày 05 tháng 01 năm 2024, tại Hội trường Thanh tra tỉnh" in text
    assert "Chủ trì: Hoàng Tiến Khang – Chánh Thanh tra tỉnh, Trưởng khối" in text
    assert "Thư ký: Lê Thị Thu – Chánh Văn phòng Thanh tra tỉnh" in text
    assert "Thành viên có mặt: 7/8 cơ quan, đơn vị" in text and "quá nửa tổng số thành viên" in text
    members = list(term.memberships.select_related("unit").order_by("position"))
    for m in members[:-1]:
        assert m.unit.name in text and f"Đại diện số {m.position}" in text
    assert f"Vắng mặt: {members[-1].unit.name}." in text
    assert "Công bố kết quả chấm điểm" in text  # the agenda
    assert "Các thành viên thống nhất kết quả." in text  # the leader's notes
    assert "Hội nghị kết thúc vào lúc 11 giờ 30 phút cùng ngày" in text
    assert "được 7/7 thành viên có mặt nhất trí thông qua" in text
    # Secretary and chair sign side by side, on the same line of the last page.
    last = read_pdf(pdf).pages()[-1]
    assert re.search(r"THƯ KÝ\s+CHỦ TRÌ", last) and re.search(r"Lê Thị Thu\s+Hoàng Tiến Khang", last)
    assert data["attendance"]["present_count"] == 7 and data["attendance"]["quorum"] is True


def test_minutes_scoring_table_is_rankings_figures(read_pdf, year):
    _, criteria_set, _, documents = year
    _, pdf = printed(documents["minutes"])
    lines = read_pdf(pdf).rows()
    ranked = selectors.ranking(criteria_set)
    assert [r.rank is None for r in ranked].count(True) == 1
    assert any(r.tied for r in ranked) and any(r.deduction_total < 0 for r in ranked if r.rank)
    for i, r in enumerate(ranked, 1):
        if r.rank is None:
            assert re.search(rf"^{i} {re.escape(r.unit_name)} chưa nộp$", lines, re.M)
            continue
        cells = [
            figure(v) for v in (r.self_total, r.reviewed_total, r.bonus_total, r.deduction_total, r.total)
        ]
        star = r"\*" if r.tied else ""
        expected = rf"^{i} {re.escape(r.unit_name)} {' '.join(map(re.escape, cells))} {r.rank}{star}$"
        assert re.search(expected, lines, re.M), (expected, lines)
    assert "(*) Đồng hạng sau khi đã xét thứ tự ưu tiên khi bằng điểm." in read_pdf(pdf).text()
    # Read the printed table back as numbers: it is ranking()'s, row for row, in its order.
    printed_rows = [
        (unit, [Decimal(v.replace("−", "-").replace(",", ".")) for v in figures.split()], int(rank))
        for unit, figures, rank in re.findall(r"^\d+ (.+?) ((?:−?[\d,]+ ){5})(\d+)\*?$", lines, re.M)
    ]
    assert printed_rows == [
        (r.unit_name, [r.self_total, r.reviewed_total, r.bonus_total, r.deduction_total, r.total], r.rank)
        for r in ranked
        if r.rank is not None
    ]


def test_minutes_show_every_count_and_percentage_the_rule_and_the_tie(read_pdf, year):
    _, _, ballots, documents = year
    data, pdf = printed(documents["minutes"])
    text, lines = read_pdf(pdf).text(), read_pdf(pdf).rows()
    for ballot in ballots.values():
        counts = ballot.result["counts"]
        assert (
            f"Số phiếu phát ra: {counts['issued']}; số phiếu thu về: {counts['returned']}; "
            f"số phiếu hợp lệ: {counts['valid']}; số phiếu không hợp lệ: {counts['invalid']}."
        ) in text
        for i, c in enumerate(ballot.result["candidates"], 1):
            pct = re.escape(fmt(Decimal(c["pct"])))
            assert re.search(rf"^{i} {re.escape(c['unit'])} {c['votes']} {pct} ", lines, re.M), c
    assert "Đơn vị được chọn phải đạt trên 50 % số phiếu đồng ý, tính trên số thành viên có mặt (7)" in text
    assert (
        "phải đạt từ 50 % trở lên số phiếu đồng ý, tính trên số phiếu phát ra (7); chọn không quá 2" in text
    )
    flag = ballots["flag"]
    tied = [t["unit"] for t in flag.result["tie"]]
    assert len(tied) == 2
    assert f"Đồng phiếu ở vị trí cuối cùng: {'; '.join(tied)}." in text
    assert f"bầu lại cho 1 vị trí còn lại (“{ballots['runoff'].title}”)" in text
    assert [b["title"] for b in data["ballots"]] == [b.title for b in ballots.values()]


def test_minutes_conclude_with_leading_unit_awards_and_next_years_leadership(read_pdf, year):
    term, _, ballots, documents = year
    _, pdf = printed(documents["minutes"])
    text = read_pdf(pdf).text()
    members = list(term.memberships.select_related("unit").order_by("position"))
    leading = ballots["leading"].result["selected"][0]
    assert leading["unit"] == members[0].unit.name
    assert f"1. Đơn vị dẫn đầu {term.bloc.short_name} năm 2023: {leading['unit']} (6 phiếu, 85,71 %)." in text
    merit = [s["unit"] for s in ballots["merit"].result["selected"]]
    assert merit == [members[1].unit.name, members[2].unit.name]
    award = "Bằng khen của Chủ tịch UBND tỉnh"
    assert re.search(rf"- {award}: {re.escape(merit[0])} \(6 phiếu, 85,71 %\); {re.escape(merit[1])}", text)
    runoff = ballots["runoff"].result["selected"][0]["unit"]
    assert f"- Cờ thi đua của Chính phủ: {runoff} (4 phiếu, 57,14 %)." in text
    assert (
        f"3. Trưởng khối năm 2024: {members[1].unit.name} (hình thức: suy tôn); "
        f"Phó trưởng khối năm 2024: {members[3].unit.name} (hình thức: bầu)."
    ) in text
    # The Government flag is listed before the Bằng khen (the higher form first).
    assert text.index("Cờ thi đua của Chính phủ:") < text.index("Bằng khen của Chủ tịch UBND tỉnh:")


def test_minutes_without_conference_ballots_or_next_year_print_blanks(read_pdf):
    term = make_term(year=2023, members=3)
    document = Document.objects.create(term=term, kind="minutes")
    data, pdf = printed(document, draft=True)
    text = read_pdf(pdf).text()
    assert "Vào lúc … giờ … phút, ngày … tháng … năm …, tại …" in text
    assert "Chủ trì: …" in text and "Thư ký: …" in text
    assert "Thành viên có mặt: …/3" in text
    assert "Chưa có cuộc bỏ phiếu bình xét, suy tôn nào." in text
    assert "Khối chưa có kết quả chấm điểm năm 2023" in text
    assert "Trưởng khối năm 2024: …; Phó trưởng khối năm 2024: …." in text
    assert "Bản dự thảo" in text
    assert data["outcomes"] == {"leading": [], "awards": [], "pending": []}


# The count of one ballot ----------------------------------------------------------------------------


def test_count_minutes_record_one_ballot(read_pdf, year):
    term, _, ballots, documents = year
    merit = ballots["merit"]
    data, pdf = printed(documents[f"count-{merit.pk}"])
    text = read_pdf(pdf).text()
    assert "BIÊN BẢN" in text and f"Kiểm phiếu: {merit.title}" in text
    assert "Ngày 05 tháng 01 năm 2024, tại Hội trường Thanh tra tỉnh" in text and term.bloc.name in text
    assert "Tổng số thành viên của Khối: 8; số thành viên có mặt: 7." in text
    assert "Số phiếu phát ra: 7; số phiếu thu về: 7; số phiếu hợp lệ: 6; số phiếu không hợp lệ: 1." in text
    lines = read_pdf(pdf).rows()
    for i, c in enumerate(merit.result["candidates"], 1):
        pct = re.escape(fmt(Decimal(c["pct"])))
        assert re.search(rf"^{i} {re.escape(c['unit'])} {c['votes']} {pct} ", lines, re.M), c
    winner = term.memberships.get(position=1).unit.name
    assert f"Không đưa vào danh sách bầu: {winner} (Đã được suy tôn dẫn đầu khối)." in text
    assert "từ 50 % trở lên số phiếu đồng ý, tính trên số phiếu phát ra (7)" in text
    assert "Đơn vị được chọn: " + "; ".join(s["unit"] for s in merit.result["selected"]) + "." in text
    last = read_pdf(pdf).pages()[-1]
    assert re.search(r"TỔ KIỂM PHIẾU\s+CHỦ TRÌ", last) and "1. ……" in last and "Hoàng Tiến Khang" in last
    assert data["ballot"]["counts"] == merit.result["counts"]


def test_count_minutes_of_a_run_off_name_the_tied_ballot(read_pdf, year):
    _, _, ballots, documents = year
    text = read_pdf(printed(documents[f"count-{ballots['runoff'].pk}"])[1]).text()
    assert f"Đây là cuộc bầu lại khi đồng phiếu của cuộc bỏ phiếu “{ballots['flag'].title}”." in text
    assert "bỏ phiếu kín trực tuyến" in text and "không ghi nhận đơn vị đó chọn ai" in text


def test_count_minutes_of_an_open_ballot_print_no_figures(read_pdf):
    term = make_term(year=2023, members=3)
    ballot = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, mode=BallotMode.PAPER, by=None)
    ballot = ballot_services.ballot_open(ballot=ballot, by=None)
    votes = {c.pk: 1 for c in ballot.candidates.all()}
    ballot_services.ballot_counts_save(
        ballot=ballot, issued=3, returned=3, valid=3, invalid=0, votes=votes, lock_version=None, by=None
    )
    document = Document.objects.create(term=term, kind="count_minutes", ballot=ballot)
    text = read_pdf(printed(document, draft=True)[1]).text()
    # Counts typed while the vote is open stay hidden until it closes.
    assert "Số phiếu phát ra: …; số phiếu thu về: …" in text
    assert "chưa có kết quả kiểm phiếu" in text


# The proposal --------------------------------------------------------------------------------------


def test_proposal_lists_units_per_award_with_totals_ranks_and_votes(read_pdf, year):
    term, criteria_set, ballots, documents = year
    data, pdf = printed(documents["proposal"])
    text, lines = read_pdf(pdf).text(), read_pdf(pdf).rows()
    leader = term.memberships.select_related("unit").get(role=Role.LEADER).unit
    for line in (term.bloc.short_name.upper(), leader.name.upper(), "Số: 05/TTr-TTr", NATION, MOTTO):
        assert line in text
    assert "Quảng Ngãi, ngày 08 tháng 01 năm 2024" in text
    assert (
        f"TỜ TRÌNH Về việc đề nghị khen thưởng cho các tập thể thuộc {term.bloc.short_name} năm 2023" in text
    )
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh (qua Ban Thi đua - Khen thưởng tỉnh)" in text
    assert (
        f"tại Hội nghị tổng kết công tác thi đua, khen thưởng của {term.bloc.name} ngày 05 tháng 01 năm 2024"
        in text
    )
    assert "khen thưởng cho 03 tập thể" in text
    ranked = {r.unit_name: r for r in selectors.ranking(criteria_set)}

    def row(unit: str, votes: int, pct: str) -> str:
        r = ranked[unit]
        lead = r"(?: \(đơn vị dẫn đầu Khối\))?"
        return rf"^1 {re.escape(unit)}{lead} {re.escape(figure(r.total))} {r.rank} {votes} {pct}$"

    assert "1. Cờ thi đua của Chính phủ: 01 tập thể" in text
    runoff = ballots["runoff"].result["selected"][0]
    assert re.search(row(runoff["unit"], runoff["votes"], fmt(Decimal(runoff["pct"]))), lines, re.M)
    assert "2. Cờ thi đua của UBND tỉnh: 01 tập thể" in text  # the leading unit (its ballot names no award)
    lead = ballots["leading"].result["selected"][0]
    assert re.search(row(lead["unit"], 6, "85,71"), lines, re.M) and "(đơn vị dẫn đầu Khối)" in text
    assert "3. Bằng khen của Chủ tịch UBND tỉnh: 02 tập thể" in text
    for i, s in enumerate(ballots["merit"].result["selected"], 1):
        found = re.search(
            row(s["unit"], s["votes"], fmt(Decimal(s["pct"]))).replace("^1 ", f"^{i} "), lines, re.M
        )
        assert found, (s, lines)
    assert "Kính trình Hội đồng Thi đua - Khen thưởng tỉnh xem xét, quyết định./." in text
    assert f"TM. {term.bloc.short_name.upper()} TRƯỞNG KHỐI" in text and leader.head_name in text
    assert "Nơi nhận:" in text and "- Như trên;" in text
    assert [a["award"] for a in data["awards"]] == ["co_cp", "co_tinh", "bk_tinh"]


# Hostile text, fonts, query counts -------------------------------------------------------------------


def test_hostile_text_prints_as_text_and_fetches_nothing(read_pdf, listener):
    port = listener.getsockname()[1]
    hostile = f'{HOSTILE}<img src="http://127.0.0.1:{port}/x">'
    _, _, ballots, documents = build_year(5, hostile=hostile)
    for key in ("minutes", "proposal", f"count-{ballots['merit'].pk}"):
        document = documents[key]
        data = printing.build(document)
        html = printing.render_html(data, kind=document.kind, draft=False)
        assert "<script>" not in html and "&lt;script&gt;" in html
        text = read_pdf(printing.render(data, kind=document.kind, draft=False)).text()
        assert f"Sở {HOSTILE}" in text, key  # a unit's name
    minutes = read_pdf(
        printing.render(printing.build(documents["minutes"]), kind="minutes", draft=False)
    ).text()
    assert f"Các thành viên thống nhất kết quả.{HOSTILE}" in minutes  # the leader's notes
    assert f"Hội trường Thanh tra tỉnh{HOSTILE}" in minutes  # the conference's place
    assert f"Bà {hostile} Hai" in minutes  # a representative
    assert connections(listener) == 0


@pytest.mark.parametrize("key", ["minutes", "proposal", "count"])
def test_documents_embed_only_liberation_serif(read_pdf, year, key):
    _, _, ballots, documents = year
    document = documents[key if key != "count" else f"count-{ballots['merit'].pk}"]
    fonts = read_pdf(printed(document)[1]).fonts()
    assert fonts and all("LiberationSerif" in f or "Liberation-Serif" in f for f in fonts), fonts


def sign_off_pages(pdf: Pdf) -> set[int]:
    """The pages on which the closing paragraph, the signers' titles and their names are printed."""
    parts = (r"Hội nghị kết thúc vào lúc", r"THƯ KÝ +CHỦ TRÌ", r"Lê Thị Thu +Hoàng Tiến Khang")
    found = {part: {i for i, page in enumerate(pdf.pages(), 1) if re.search(part, page)} for part in parts}
    assert all(found.values()), found  # each part is printed somewhere (side by side for the signers)
    return set().union(*found.values())


# A signature row taller than what a page has left after the conclusions, so that it has to move.
TALL = ".minutes-doc td.minutes-signer .sig-space { height: 80mm }"
LOOSE = ".minutes-doc.sign-off, .minutes-doc table.minutes-signatures { break-inside: auto !important }"


@pytest.fixture
def large_minutes():
    _, _, _, documents = build_year(20)
    data = printing.build(documents["minutes"])
    return printing.render_html(data, kind="minutes", draft=False)


def _with_style(html: str, css: str) -> bytes:
    return render_pdf(html.replace("</head>", f"<style>{css}</style></head>"))


def test_signatures_stay_whole_with_the_closing_paragraph_on_the_last_page(read_pdf, large_minutes):
    for css in ("", TALL):
        pdf = read_pdf(_with_style(large_minutes, css))
        assert len(pdf.pages()) > 2
        assert sign_off_pages(pdf) == {len(pdf.pages())}, css


def test_sign_off_check_sees_signatures_split_from_their_names(read_pdf, large_minutes):
    """The check above can fail: let the block break and make it taller than what a page has left."""
    pdf = read_pdf(_with_style(large_minutes, TALL + LOOSE))
    assert len(sign_off_pages(pdf)) > 1


BUILDERS = {
    "minutes": minutes_builders.vote_minutes,
    "count": minutes_builders.count_minutes,
    "proposal": proposal_builder.proposal,
}


def _queries(document: Document, builder) -> int:
    document = Document.objects.get(pk=document.pk)
    with CaptureQueriesContext(connection) as queries:
        builder(document)
    return len(queries)


def test_builders_read_in_a_fixed_number_of_queries_whatever_the_members_and_ballots():
    counts, sizes = {}, {}
    for size, extra in ((8, 0), (20, 3)):
        _, _, ballots, documents = build_year(size, extra_ballots=extra)
        counts[size] = {
            name: _queries(documents[name if name != "count" else f"count-{ballots['merit'].pk}"], builder)
            for name, builder in BUILDERS.items()
        }
        data = printing.build(documents["minutes"])
        sizes[size] = (len(data["scores"]["rows"]), len(data["ballots"]))
    assert sizes == {8: (8, 4), 20: (20, 7)}  # the second world is really larger
    assert counts[8] == counts[20]
    assert counts[20] == {"minutes": 10, "count": 7, "proposal": 7}
