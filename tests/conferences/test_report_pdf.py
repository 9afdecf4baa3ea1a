"""The year-end report of a scored year with 20 members, read back from the submitted PDF itself
(pdftotext, pdffonts): the header, the title, every member under its name of that year, the score
table figure for figure equal to `ranking()`, the vote, the proposals, next year's leadership and the
signature; and the mid-year report, which has neither score table nor vote."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from blocs.models import Role, UnitName
from blocs.services import unit_rename
from conferences.models import DocumentKind
from conferences.services import documents as docs
from scoring import selectors
from scoring.arithmetic import figure, fmt
from scoring.models import CriteriaSet
from tests.agreements.test_pdf import Pdf
from tests.conferences.test_documents import ready_report, scored_year
from tests.factories import unit_user

pytestmark = pytest.mark.django_db

MEMBERS = 20
OLD_NAME, NEW_NAME = "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FIGURE = r"(−?[\d,]+|—)"
SCORE_ROW = re.compile(
    r"^\s*(?P<stt>\d+)\s+(?P<unit>\S.*?\S)\s{2,}" + r"\s+".join([FIGURE] * 5) + r"\s+(?P<rank>\d+\*?)\s*$"
)


def table_rows(layout: str, pattern: re.Pattern) -> list[dict]:
    """The rows of a printed table whose lines match `pattern` (with a `unit` group): a unit name the
    cell wrapped continues on the next lines at the same column, alone on its line."""
    rows, column = [], None
    for line in layout.splitlines():
        match = pattern.match(line)
        if match:
            rows.append(match.groupdict() | {"figures": match.groups()[2:7]})
            column = match.start("unit")
        elif rows and column is not None and line.strip() and len(line) - len(line.lstrip()) == column:
            if "  " in line.strip():  # another table's row, not a wrapped name
                column = None
                continue
            rows[-1]["unit"] += " " + line.strip()
        else:
            column = None
    return rows


@pytest.fixture(scope="module")
def report(module_db, tmp_path_factory):
    """Built, submitted and read back once for the module."""
    term, criteria_set = scored_year(MEMBERS, criteria=10, missing=2)
    # The unit at position 6 was renamed from next year on: the report of this year keeps the old name.
    unit = term.memberships.get(position=6).unit
    unit.name = OLD_NAME
    unit.save()
    unit_rename(unit=unit, new_name=NEW_NAME, new_short_name="", from_year=term.year + 1, by=None)
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(tie_break=[{"rule": "fewer_deductions"}])
    criteria_set.refresh_from_db()
    document = ready_report(term)
    document = docs.document_submit(document=document, by=unit_user(term, Role.LEADER))
    with document.pdf.open("rb") as handle:
        pdf = Pdf(handle.read(), tmp_path_factory.mktemp("report"))
    layout = "\n".join(pdf.page(n) for n in range(1, pdf.pages() + 1))
    return {"term": term, "criteria_set": criteria_set, "document": document, "pdf": pdf, "layout": layout}


def test_header_title_and_signature(report):
    term, text = report["term"], report["pdf"].text()
    leader = term.memberships.get(role=Role.LEADER).unit
    first = report["pdf"].page(1)
    for line in (term.bloc.short_name.upper(), leader.name.upper(), "Số: 05/BC-KTĐ", NATION, MOTTO):
        assert line in first, line
    assert "Quảng Ngãi, ngày 05 tháng 01 năm 2025" in text
    assert (
        "BÁO CÁO Tổng kết công tác thi đua, khen thưởng năm 2024 và phương hướng, nhiệm vụ năm 2025" in text
    )
    assert f"TM. {term.bloc.short_name.upper()} TRƯỞNG KHỐI" in text
    assert text.rstrip().endswith(leader.head_name)
    assert "Nơi nhận: - Ban Thi đua – Khen thưởng tỉnh; - Các thành viên Khối; - Lưu: VT." in text
    for heading in (
        "I. TÌNH HÌNH CHUNG",
        "II. KẾT QUẢ",
        "III. KẾT QUẢ CHẤM ĐIỂM",
        "IV. PHƯƠNG HƯỚNG",
        "V. KIẾN NGHỊ",
    ):
        assert heading in text, heading
    assert "DỰ THẢO" not in text


def test_page_numbers_start_on_the_second_page(report):
    pdf = report["pdf"]
    assert pdf.pages() >= 3
    assert not pdf.page(1).strip().startswith("1")
    for number in range(2, pdf.pages() + 1):
        assert pdf.page(number).strip().splitlines()[0].strip() == str(number)


def test_every_member_under_its_name_of_that_year(report):
    term, text = report["term"], report["pdf"].text()
    members = list(term.memberships.with_unit_name().order_by("position"))
    assert len(members) == MEMBERS and UnitName.objects.filter(name=OLD_NAME).exists()
    member_row = re.compile(
        r"^\s*(?P<stt>\d+)\s+(?P<unit>\S.*?\S)(\s{2,}(?P<role>Trưởng khối|Phó Trưởng khối))?\s*$"
    )
    listed = table_rows(report["layout"], member_row)
    names = [m.unit_name for m in members]
    assert [(int(r["stt"]), r["unit"]) for r in listed[:MEMBERS]] == list(enumerate(names, 1))
    assert [r["role"] for r in listed[:3]] == ["Trưởng khối", "Phó Trưởng khối", None]
    assert OLD_NAME in text and NEW_NAME not in text
    leader = term.memberships.with_unit_name().get(role=Role.LEADER).unit_name
    deputy = term.memberships.with_unit_name().get(role=Role.DEPUTY).unit_name
    assert f"Trưởng khối: {leader}; Phó Trưởng khối: {deputy}." in text
    assert "Lãnh đạo phụ trách Khối: Trần Thị Phụ Trách, Phó Chủ tịch UBND tỉnh." in text
    assert f"gồm {MEMBERS} cơ quan, đơn vị thành viên" in text


def test_registered_titles_and_targets(report):
    text = report["pdf"].text()
    assert text.count("Tập thể lao động xuất sắc") == MEMBERS
    assert text.count("Tỷ lệ giải quyết đơn thư: 95,5 %") == 3


def test_score_table_is_the_ranking_figure_for_figure(report):
    rows = table_rows(report["layout"], SCORE_ROW)
    printed = [(r["unit"], *r["figures"], r["rank"]) for r in rows]
    ranked = selectors.ranking(report["criteria_set"])
    expected = [
        (
            m.unit_name,
            *(figure(v) for v in (m.self_total, m.reviewed_total, m.bonus_total, m.deduction_total, m.total)),
            f"{m.rank}{'*' if m.tied else ''}",
        )
        for m in ranked
        if m.rank is not None
    ]
    assert len(expected) == MEMBERS - 2
    assert printed == expected
    assert [int(r["stt"]) for r in rows] == list(range(1, MEMBERS - 1))
    # Decimal commas, a deduction printed as negative, and a bonus: the figures are not trivial.
    assert any("," in figure for row in printed for figure in row[1:6])
    assert any(row[4].startswith("−") for row in printed) and any(row[3] not in ("0", "—") for row in printed)
    missing = [m.unit_name for m in ranked if m.rank is None]
    assert len(missing) == 2
    for unit in missing:
        assert re.search(rf"^\s*\d+\s+{re.escape(unit)}\s+chưa nộp\s*$", report["layout"], re.M), unit
    text = report["pdf"].text()
    assert "Khi bằng tổng điểm, xét lần lượt: (1) ít điểm trừ hơn" in text
    assert f"không được xếp hạng: {missing[0]}; {missing[1]}." in text


def test_vote_results_and_proposals(report):
    term, text, layout = report["term"], report["pdf"].text(), report["layout"]
    ballots = list(term.ballots.order_by("created_at", "pk"))
    assert len(ballots) == 2
    for ballot in ballots:
        result = ballot.result
        counts = result["counts"]
        assert (
            f"{ballot.title}: có mặt {result['present']} thành viên; số phiếu phát ra {counts['issued']}, "
            f"thu về {counts['returned']}, hợp lệ {counts['valid']}, không hợp lệ {counts['invalid']}."
        ) in text
        for c in result["candidates"]:
            pattern = (
                rf"^\s*\d+\s+{re.escape(c['unit'])}\s+{c['votes']}\s+{re.escape(fmt(Decimal(c['pct'])))}"
            )
            pattern += r"\s+Được chọn\s*$" if c["selected"] else r"\s*$"
            assert re.search(pattern, layout, re.M), (ballot.title, c)
    leading, merit = ballots
    assert f"- Đơn vị dẫn đầu Khối: {leading.result['selected'][0]['unit']}." in text
    selected = "; ".join(c["unit"] for c in merit.result["selected"])
    assert len(merit.result["selected"]) == 2
    assert f"- Bằng khen của Chủ tịch UBND tỉnh: {selected}." in text


def test_next_years_leader_and_deputy(report):
    term, text = report["term"], report["pdf"].text()
    nxt = term.bloc.terms.get(year=term.year + 1)
    leader = nxt.memberships.with_unit_name().get(role=Role.LEADER).unit_name
    deputy = nxt.memberships.with_unit_name().get(role=Role.DEPUTY).unit_name
    assert f"Hội nghị thống nhất bầu {leader} làm Trưởng khối, {deputy} làm Phó Trưởng khối năm 2025." in text


def test_only_embedded_liberation_serif(report):
    fonts = report["pdf"].fonts()
    assert fonts
    for font in fonts:
        assert "Liberation-Serif" in font["name"] or "LiberationSerif" in font["name"], font
        assert font["emb"] == "yes", font


def test_the_midyear_report_has_narrative_members_and_targets_but_no_score_nor_vote(tmp_path):
    term, _ = scored_year(4, next_year=False)
    document = ready_report(
        term, kind=DocumentKind.REPORT_MIDYEAR, direction="Tập trung cải cách hành chính."
    )
    document = docs.document_submit(document=document, by=None)
    with document.pdf.open("rb") as handle:
        pdf = Pdf(handle.read(), tmp_path)
    text = pdf.text()
    assert "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2024 và nhiệm vụ 6 tháng cuối năm" in text
    assert "III. NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024 Tập trung cải cách hành chính." in text
    for m in term.memberships.with_unit_name():
        assert m.unit_name in text
    assert "Tỷ lệ giải quyết đơn thư: 95,5 %" in text
    assert "Kết quả chấm điểm" not in text and "Số phiếu" not in text and "bình xét" not in text
