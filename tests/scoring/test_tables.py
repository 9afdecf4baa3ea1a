"""Criteria tables in and out of CSV and XLSX: round trips, what a file may look like, and what an
import refuses (refusing changes nothing)."""

from __future__ import annotations

import csv
import re
import unicodedata
from datetime import timedelta
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from blocs.models import AuditEvent
from scoring import services, tables
from scoring.models import (
    RATED_KINDS,
    STEPPED_KINDS,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Layer,
    Score,
    ScoringState,
    Sheet,
)
from tests.factories import make_term, make_user

pytestmark = pytest.mark.django_db

BOM = "\ufeff".encode()
HEADER = list(tables.HEADERS)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "criteria-format.md"


def make_set(**fields) -> CriteriaSet:
    return CriteriaSet.objects.create(
        term=make_term(year=2024, members=3), name="Bảng tiêu chí 2024", **fields
    )


def add(
    criteria_set: CriteriaSet, kind: str, text: str, *, position: int, parent=None, **fields
) -> Criterion:
    return Criterion.objects.create(
        criteria_set=criteria_set, kind=kind, text=text, position=position, parent=parent, **fields
    )


def fill(criteria_set: CriteriaSet) -> None:
    """All seven kinds, texts with quotes, semicolons, commas, line breaks and formula-like starts,
    a criterion before the first group and one at the top level after a group."""
    add(
        criteria_set, "points", "Chấp hành chủ trương; chính sách", position=1, code="A", max_points=2, step=1
    )
    first = add(
        criteria_set, "group", "Thực hiện nhiệm vụ “chính trị”", position=2, code="I", guidance="Nhóm I"
    )
    add(
        criteria_set,
        "points",
        'Hoàn thành kế hoạch "năm 2024";\nbáo cáo đủ, đúng',
        position=1,
        parent=first,
        code="1",
        max_points=Decimal("10"),
        step=Decimal("0.5"),
        guidance="Báo cáo tổng kết;\nbiên bản kiểm tra",
    )
    add(criteria_set, "pass_fail", "- Nộp báo cáo đúng hạn", position=2, parent=first, code="2", max_points=5)
    add(
        criteria_set,
        "target",
        "=Tỷ lệ thu ngân sách",
        position=3,
        parent=first,
        code="3",
        max_points=Decimal("20"),
        unit_points=Decimal("0.25"),
        indicator="Thu ngân sách (tỷ đồng)",
    )
    second = add(criteria_set, "group", "Phong trào thi đua", position=3, code="II")
    add(
        criteria_set,
        "occurrence",
        "Tổ chức hội thi, hội diễn",
        position=1,
        parent=second,
        code="1.1",
        max_points=Decimal("6"),
        unit_points=Decimal("1.5"),
    )
    add(
        criteria_set, "bonus", "Sáng kiến cấp tỉnh", position=4, code="III", max_points=3, step=Decimal("0.5")
    )
    add(criteria_set, "deduction", "'Sai phạm bị nhắc nhở'", position=5, code="IV", max_points=5, step=1)


def table(criteria_set: CriteriaSet) -> list[tuple]:
    return [
        (
            c.position,
            c.code,
            c.kind,
            c.text,
            c.max_points,
            c.step,
            c.unit_points,
            c.indicator,
            c.guidance,
            c.parent.code if c.parent else None,
        )
        for c in Criterion.objects.filter(criteria_set=criteria_set).in_order().select_related("parent")
    ]


def upload(content: bytes, name: str = "tieu-chi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_file(rows: list[list[str]], *, delimiter: str = ";", bom: bool = False, header=HEADER) -> bytes:
    out = StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM if bom else b"") + out.getvalue().encode()


def refusal(content: bytes, name: str = "tieu-chi.csv") -> list[str]:
    with pytest.raises(ValidationError) as caught:
        tables.parse(upload(content, name))
    return caught.value.messages


# Round trips -------------------------------------------------------------------------------------


def test_csv_export_imports_back_to_the_same_criteria():
    criteria_set = make_set()
    fill(criteria_set)
    before = table(criteria_set)

    data = tables.export_csv(criteria_set)

    assert data.startswith(BOM)
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(HEADER)
    assert "1;Chấm điểm;" in data.decode("utf-8-sig")
    assert ";10;0,5;" in data.decode("utf-8-sig")
    assert services.criteria_import(criteria_set=criteria_set, upload=upload(data), by=None) == len(before)
    assert table(criteria_set) == before


def test_xlsx_export_imports_back_to_the_same_criteria():
    criteria_set = make_set()
    fill(criteria_set)
    before = table(criteria_set)

    data = tables.export_xlsx(criteria_set)

    workbook = load_workbook(BytesIO(data))
    sheet = workbook["Tiêu chí"]
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["C"].width == 60
    assert sheet.max_row == 1 + len(before)  # no total row
    assert (sheet["D4"].value, sheet["E4"].value) == (10, 0.5)  # numbers are number cells
    assert (sheet["C6"].value, sheet["C6"].data_type) == ("=Tỷ lệ thu ngân sách", "s")  # text, not a formula
    assert workbook["Thông tin"]["B3"].value == 43  # 2 + 10 + 5 + 20 + 6; bonus and deduction do not count
    assert services.criteria_import(criteria_set=criteria_set, upload=upload(data, "bang.xlsx"), by=None) == 9
    assert table(criteria_set) == before


def test_a_criterion_after_a_group_is_marked_to_stay_outside_it():
    criteria_set = make_set()
    fill(criteria_set)

    rows = list(csv.reader(StringIO(tables.export_csv(criteria_set).decode("utf-8-sig")), delimiter=";"))

    marked = [row[2] for row in rows[1:] if row[-1] == "x"]
    assert marked == ["Sáng kiến cấp tỉnh", "''Sai phạm bị nhắc nhở'"]


def test_the_example_of_the_format_document_imports():
    example = re.search(r"```\n(STT;.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL).group(1)

    rows = tables.parse(upload(example.encode()))

    assert [(r.code, r.kind, r.in_group) for r in rows] == [
        ("I", "group", False),
        ("1", "points", True),
        ("2", "pass_fail", True),
        ("3", "target", True),
        ("II", "group", False),
        ("1", "occurrence", True),
        ("III", "bonus", False),
        ("IV", "deduction", False),
    ]
    assert rows[3].unit_points == Decimal("0.2") and rows[3].indicator == "Thu ngân sách"


# What a file may look like -----------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_is_read_with_or_without_bom_and_with_either_delimiter(bom, delimiter):
    content = csv_file(
        [
            ["I", "Nhóm", "Nhóm một; hai, ba", "", "", "", "", "", ""],
            ["1", "Chấm điểm", "Tiêu chí", "7,5", "0,5", "", "", "", ""],
        ],
        delimiter=delimiter,
        bom=bom,
    )

    rows = tables.parse(upload(content))

    assert rows[0] == tables.Row(
        line=2,
        code="I",
        kind="group",
        text="Nhóm một; hai, ba",
        max_points=Decimal(0),
        step=None,
        unit_points=None,
        indicator="",
        guidance="",
        in_group=False,
    )
    assert (rows[1].max_points, rows[1].step, rows[1].in_group) == (Decimal("7.5"), Decimal("0.5"), True)


def test_kinds_and_headers_are_read_without_diacritics_or_case():
    header = [
        "stt",
        "LOAI",
        "Noi dung",
        "diem toi da",
        "Buoc diem",
        "Diem moi lan / 1%",
        "chi tieu",
        "huong dan",
    ]
    content = csv_file(
        [
            ["", "nhom", "Nhóm", "", "", "", "", ""],
            ["", "CHẤM ĐIỂM", "a", "1", "", "", "", ""],
            ["", "dat / khong dat", "b", "1", "", "", "", ""],
            ["", "Điểm theo số lần", "c", "1", "", "1", "", ""],
            ["", "target", "d", "1", "", "0,1", "Doanh thu", ""],
            ["", "Bonus", "e", "1", "", "", "", ""],
            ["", "điểm trừ", "f", "1", "0,25", "", "", ""],
        ],
        header=header,
    )

    rows = tables.parse(upload(content))

    assert [r.kind for r in rows] == [
        "group",
        "points",
        "pass_fail",
        "occurrence",
        "target",
        "bonus",
        "deduction",
    ]
    assert [r.step for r in rows] == [None, Decimal("0.5"), None, None, None, Decimal("0.5"), Decimal("0.25")]


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_numeric_cells_and_text_numbers_are_read_as_decimals():
    content = xlsx_file([[1, "Chấm điểm", "Một", 7.5, 0.5], [1.2, "Chấm điểm", "Hai", "2,5", "0,25"]])

    rows = tables.parse(upload(content, "bang.xlsx"))

    assert [(r.code, r.max_points, r.step) for r in rows] == [
        ("1", Decimal("7.5"), Decimal("0.5")),
        ("1.2", Decimal("2.5"), Decimal("0.25")),
    ]


def test_xlsx_float_artefacts_are_refused():
    content = xlsx_file([["1", "Chấm điểm", "Một", 0.3]])
    # openpyxl writes 0.3; Excel writes the float a formula left, with all its digits.
    with ZipFile(BytesIO(content)) as source, BytesIO() as out:
        with ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"<v>0.3</v>", b"<v>0.30000000000000004</v>")
                target.writestr(item, data)
        content = out.getvalue()

    assert refusal(content, "bang.xlsx") == ["Dòng 2: Điểm tối đa: Tối đa hai chữ số thập phân."]


def test_windows_line_breaks_come_back_as_plain_line_breaks():
    criteria_set = make_set()
    add(criteria_set, "points", "Dòng một\r\ndòng hai", position=1, max_points=5, step=1, guidance="a\rb")

    services.criteria_import(
        criteria_set=criteria_set, upload=upload(tables.export_csv(criteria_set)), by=None
    )

    criterion = Criterion.objects.get(criteria_set=criteria_set)
    assert (criterion.text, criterion.guidance) == ("Dòng một\ndòng hai", "a\nb")


# What an import refuses --------------------------------------------------------------------------


def test_a_bad_file_reports_every_bad_row_and_changes_nothing():
    criteria_set = make_set()
    fill(criteria_set)
    before = table(criteria_set)
    content = csv_file(
        [
            ["I", "Nhóm", "Dòng có\nxuống dòng", "", "", "", "", "", ""],  # line 2, valid
            ["1", "Chấm", "Loại sai", "5", "", "", "", "", ""],
            ["2", "Chấm điểm", "", "5", "", "", "", "", ""],
            ["3", "Chấm điểm", "Số sai", "năm", "", "", "", "", ""],
            ["4", "Đạt/không đạt", "Thiếu điểm", "", "", "", "", "", ""],
            ["II", "Nhóm", "Nhóm có điểm", "10", "", "", "", "", ""],
            ["5", "Theo chỉ tiêu", "Thiếu chỉ tiêu", "10", "", "1", "", "", ""],
            ["6", "Chấm điểm", "x" * 2001, "5", "", "", "", "", ""],
            ["7", "Chấm điểm", "Có ký tự \x07 lạ", "0", "", "", "", "", ""],
            ["8", "Chấm điểm", "Hợp lệ", "5", "", "", "", "", ""],
        ]
    )

    with pytest.raises(ValidationError) as caught:
        services.criteria_import(criteria_set=criteria_set, upload=upload(content), by=None)

    assert caught.value.messages == [
        "Dòng 3: Loại “Chấm” không hợp lệ; dùng một trong: Nhóm, Chấm điểm, Đạt/không đạt, Theo số lần, "
        "Theo chỉ tiêu, Điểm thưởng, Điểm trừ.",
        "Dòng 4: Thiếu nội dung.",
        "Dòng 5: Điểm tối đa: Phải là một số không âm; dùng dấu phẩy cho phần thập phân (ví dụ 7,5).",
        "Dòng 6: Thiếu điểm tối đa.",
        "Dòng 7: Nhóm không có điểm tối đa; để trống cột “Điểm tối đa”.",
        "Dòng 8: Ghi tên chỉ tiêu đăng ký dùng để tính điểm.",
        "Dòng 9: Nội dung dài 2001 ký tự, tối đa 2000.",
        "Dòng 10: Nội dung có ký tự điều khiển không in được; hãy gõ lại ô này.",
        "Dòng 10: Điểm tối đa phải lớn hơn 0.",
    ]
    assert table(criteria_set) == before
    assert not AuditEvent.objects.filter(action="criteria.import").exists()


def test_a_value_in_a_column_the_kind_does_not_use_is_refused():
    content = csv_file([["1", "Đạt/không đạt", "Nộp đúng hạn", "5", "0,5", "1", "Doanh thu", "", ""]])

    assert refusal(content) == [
        "Dòng 2: Cột “Bước điểm” chỉ dùng cho loại Chấm điểm, Điểm thưởng, Điểm trừ; để trống ô này.",
        "Dòng 2: Cột “Điểm mỗi lần / 1%” chỉ dùng cho loại Theo số lần, Theo chỉ tiêu; để trống ô này.",
        "Dòng 2: Cột “Chỉ tiêu” chỉ dùng cho loại Theo chỉ tiêu; để trống ô này.",
    ]


def test_a_maximum_off_the_step_is_refused():
    content = csv_file([["1", "Chấm điểm", "Tiêu chí", "7,25", "", "", "", "", ""]])

    assert refusal(content) == ["Dòng 2: Điểm tối đa phải là bội của bước điểm (0,5)."]


def test_missing_required_columns_are_named():
    content = csv_file([["1", "Tiêu chí"]], header=["STT", "Nội dung"])

    assert refusal(content) == [
        "Thiếu cột: Loại, Điểm tối đa. Dòng 1 phải là dòng tiêu đề: STT; Loại; Nội dung; Điểm tối đa; "
        "Bước điểm; Điểm mỗi lần / 1%; Chỉ tiêu; Hướng dẫn; Ngoài nhóm."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp tải lên rỗng."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "Tệp không phải CSV hoặc Excel (XLSX)"),
        (b"PK\x03\x04 not really a workbook", "Không mở được tệp Excel (XLSX)"),
        (
            "STT;Loại;Nội dung;Điểm tối đa\n;Chấm điểm;Café;5".encode("latin-1", "replace"),
            "Tệp CSV phải mã hóa UTF-8",
        ),
        (
            # Windows-1258 writes "Tiêu đề" as ê, đ and a combining grave accent.
            "STT;Loai;Noi dung;Diem toi da\n;Cham diem;Ti\u00eau \u0111\u00ea\u0300;5".encode("cp1258"),
            "Tệp CSV phải mã hóa UTF-8",
        ),
    ],
    ids=["empty", "png", "broken-xlsx", "latin-1", "cp1258"],
)
def test_a_file_that_is_not_a_table_is_refused(content, message):
    messages = refusal(content)

    assert len(messages) == 1 and messages[0].startswith(message)


def test_an_oversized_file_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 2048

    assert refusal(csv_file([["", "Chấm điểm", "x" * 5000, "5"]])) == ["Tệp quá lớn (5 KB; tối đa 2 KB)."]


def test_more_than_a_thousand_rows_are_refused():
    content = csv_file([["", "Chấm điểm", f"Tiêu chí {i}", "1"] for i in range(1001)])

    assert refusal(content) == ["Tệp có quá 1000 dòng tiêu chí."]


def test_import_is_refused_once_scoring_is_open():
    now = timezone.now()
    criteria_set = make_set(state=ScoringState.OPEN, deadline=now + timedelta(days=7), opened_at=now)
    add(criteria_set, "points", "Tiêu chí cũ", position=1, max_points=5, step=1)
    data = tables.export_csv(criteria_set)

    with pytest.raises(ValidationError) as caught:
        services.criteria_import(criteria_set=criteria_set, upload=upload(data), by=None)

    assert caught.value.messages == ["Bảng tiêu chí đã mở chấm điểm, không thay được."]
    assert Criterion.objects.filter(criteria_set=criteria_set).count() == 1


def test_import_is_refused_when_a_criterion_has_scores():
    criteria_set = make_set()
    criterion = add(criteria_set, "points", "Tiêu chí cũ", position=1, max_points=5, step=1)
    sheet = Sheet.objects.create(
        criteria_set=criteria_set, subject=criteria_set.term.memberships.first(), layer=Layer.SELF
    )
    Score.objects.create(sheet=sheet, criterion=criterion, kind=criterion.kind, points=3)

    with pytest.raises(ValidationError) as caught:
        services.criteria_import(
            criteria_set=criteria_set, upload=upload(tables.export_csv(criteria_set)), by=None
        )

    assert caught.value.messages == ["Tiêu chí đã có điểm, không thay được bảng tiêu chí."]


def test_import_replaces_the_criteria_and_writes_an_audit_event():
    criteria_set = make_set(tie_break=[{"rule": "group", "criterion": 1}, {"rule": "fewer_deductions"}])
    fill(criteria_set)
    user = make_user()
    content = csv_file(
        [
            ["I", "Nhóm", "Nhóm mới", "", "", "", "", "", ""],
            ["1", "Chấm điểm", "Tiêu chí mới", "10", "", "", "", "", ""],
        ]
    )

    imported = services.criteria_import(criteria_set=criteria_set, upload=upload(content, "moi.csv"), by=user)

    assert imported == 2
    group = Criterion.objects.get(criteria_set=criteria_set, kind="group")
    assert table(criteria_set) == [
        (1, "I", "group", "Nhóm mới", Decimal("0.00"), None, None, "", "", None),
        (1, "1", "points", "Tiêu chí mới", Decimal("10.00"), Decimal("0.50"), None, "", "", group.code),
    ]
    event = AuditEvent.objects.get(action="criteria.import")
    assert (event.actor, event.term, event.object_id) == (user, criteria_set.term, str(criteria_set.pk))
    assert event.old == {
        "criteria": 9,
        "tie_break": [{"rule": "group", "criterion": 1}, {"rule": "fewer_deductions"}],
    }
    assert event.new == {"criteria": 2, "file": "moi.csv", "tie_break": [{"rule": "fewer_deductions"}]}
    criteria_set.refresh_from_db()
    assert criteria_set.tie_break == [{"rule": "fewer_deductions"}]


# Any valid table round-trips through CSV ---------------------------------------------------------

LINE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))
TEXTS = st.text(LINE | st.sampled_from("\n\t;,\"'=-"), min_size=1, max_size=30)
PLAIN = st.text(LINE | st.sampled_from(";,\"'=-"), min_size=1, max_size=20)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)


def tidy(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@st.composite
def criteria_specs(draw) -> dict:
    kind = draw(st.sampled_from(list(CriterionKind)))
    spec = {
        "kind": kind.value,
        "code": tidy(draw(st.text(st.sampled_from("IVX0123456789.-="), max_size=6))),
        "text": draw(TEXTS.map(tidy).filter(bool)),
        "guidance": tidy(draw(st.just("") | TEXTS)),
        "max_points": Decimal(0) if kind == CriterionKind.GROUP else draw(AMOUNTS),
        "step": None,
        "unit_points": draw(AMOUNTS) if kind in RATED_KINDS else None,
        "indicator": draw(PLAIN.map(tidy).filter(bool)) if kind == CriterionKind.TARGET else "",
    }
    if kind in STEPPED_KINDS:
        spec["step"] = draw(AMOUNTS)
        spec["max_points"] = spec["step"] * draw(st.integers(1, 40))
    return {**spec, "nested": draw(st.booleans())}


def build(criteria_set: CriteriaSet, specs: list[dict]) -> None:
    group, top, child = None, 0, 0
    for spec in specs:
        fields = {k: v for k, v in spec.items() if k != "nested"}
        if spec["kind"] != "group" and group is not None and spec["nested"]:
            child += 1
            add(criteria_set, position=child, parent=group, **fields)
            continue
        top += 1
        created = add(criteria_set, position=top, **fields)
        if created.is_group:
            group, child = created, 0


@settings(max_examples=30, deadline=None)
@given(specs=st.lists(criteria_specs(), min_size=1, max_size=8))
def test_any_valid_table_round_trips_through_csv(specs):
    with transaction.atomic():
        criteria_set = CriteriaSet.objects.create(name="Bảng mẫu")
        build(criteria_set, specs)
        before = table(criteria_set)

        services.criteria_import(
            criteria_set=criteria_set, upload=upload(tables.export_csv(criteria_set)), by=None
        )

        assert table(criteria_set) == before
        transaction.set_rollback(True)
