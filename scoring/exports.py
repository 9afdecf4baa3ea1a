"""XLSX exports of the leader's grid and of the ranking (openpyxl). Scores go in as Decimal, which
openpyxl writes as exact numbers: never through float."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from scoring.models import CriteriaSet
from scoring.tables import group_decimals, xlsx_row

BOLD = Font(bold=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(
    content: bytes, filename: str, *, content_type: str = XLSX, private: bool = True
) -> HttpResponse:
    """A file to download; `private` keeps it out of shared caches (scores, the board's overview)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def _title(sheet, text: str, width: int) -> None:
    sheet.append(xlsx_row([text]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    sheet.append(xlsx_row([]))


def header_row(sheet, values: list) -> None:
    sheet.append(xlsx_row(values))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(book: Workbook) -> bytes:
    """The file, every decimal shown with its thousands grouped (1.005,5 in a Vietnamese spreadsheet)."""
    group_decimals(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _term_label(criteria_set: CriteriaSet) -> str:
    term = criteria_set.term
    return f"{term.bloc.name} năm {term.year}"


def grid_xlsx(criteria_set: CriteriaSet, context: dict) -> bytes:
    """One row per criterion; per member three columns: self, reviewed, final."""
    members, rows = context["members"], context["rows"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng điểm"
    _title(sheet, f"Bảng điểm chấm thi đua – {_term_label(criteria_set)}", 3 + 3 * len(members))
    header_row(sheet, ["STT", "Tiêu chí", "Tối đa", *[f"{m.unit_name}" for m in members for _ in range(3)]])
    header_row(sheet, ["", "", "", *["Tự chấm", "Thẩm định", "Cuối cùng"] * len(members)])
    for row in rows:
        c = row["criterion"]
        values = [
            c.code,
            c.text,
            None if c.is_group else -c.max_points if c.kind == "deduction" else c.max_points,
        ]
        for cell in row["cells"]:
            final = cell["final"]
            values += [
                None if final is None or final.self_points is None else final.self_points,
                None if final is None or final.reviewed_points is None else final.reviewed_points,
                None if final is None else final.points,
            ]
        sheet.append(xlsx_row(values))
        if c.is_group:
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
    for label, attr in (
        ("Tổng tự chấm", "self_total"),
        ("Tổng thẩm định", "reviewed_total"),
        ("Điểm thưởng", "bonus_total"),
        ("Điểm trừ", "deduction_total"),
        ("Tổng điểm cuối cùng", "total"),
    ):
        values = ["", label, None]
        for m in members:
            values += [None, None, getattr(m, attr) if m.submitted else None]
        sheet.append(xlsx_row(values))
        sheet[sheet.max_row][1].font = BOLD
    sheet.column_dimensions["B"].width = 60
    for col in range(4, 4 + 3 * len(members)):
        sheet.column_dimensions[get_column_letter(col)].width = 11
    sheet.freeze_panes = "D5"
    return workbook_bytes(book)


def ranking_xlsx(criteria_set: CriteriaSet, ranked: list) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Xếp hạng"
    columns = ["Hạng", "Đơn vị", "Tự chấm", "Thẩm định", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Ghi chú"]
    _title(sheet, f"Kết quả chấm điểm, xếp hạng – {_term_label(criteria_set)}", len(columns))
    header_row(sheet, columns)
    for m in ranked:
        if m.rank is None:
            sheet.append(xlsx_row([None, m.unit_name, None, None, None, None, None, "Chưa nộp"]))
            continue
        note = "Đồng hạng, cần bỏ phiếu" if m.tied else ""
        sheet.append(
            xlsx_row(
                [
                    m.rank,
                    m.unit_name,
                    m.self_total,
                    m.reviewed_total,
                    m.bonus_total,
                    m.deduction_total,
                    m.total,
                    note,
                ]
            )
        )
    sheet.column_dimensions["B"].width = 50
    for col in "CDEFG":
        sheet.column_dimensions[col].width = 12
    sheet.column_dimensions["H"].width = 24
    return workbook_bytes(book)
