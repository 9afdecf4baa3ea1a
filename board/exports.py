"""The board's overview as an XLSX table (openpyxl), with the scoring exports' helpers."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from board import selectors as overview_selectors
from scoring.exports import header_row, workbook_bytes
from scoring.tables import xlsx_row

OVERVIEW_COLUMNS = [
    "STT",
    "Khối thi đua",
    "Số thành viên",
    "Trưởng khối",
    "Phó trưởng khối",
    "Giao ước",
    "Chấm điểm",
    "Hạn nộp phiếu tự chấm",
    "Phiếu tự chấm đã nộp",
    "Bình xét, suy tôn",
    *[overview_selectors.DOCUMENT_SHORT[k] for k in overview_selectors.DOCUMENT_KINDS],
    "Đề nghị Cờ thi đua của Chính phủ",
    "Số việc đã xong (trên 4)",
    "Quá hạn",
]


def overview_xlsx(year: int | None, rows: list, flag: dict) -> bytes:
    """The overview's table: a title, the Government-flag line, a bold header, one row per bloc."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append(xlsx_row([f"Tổng hợp tiến độ các khối thi đua năm {year or ''}".strip()]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        xlsx_row(
            [
                f"Đề nghị Cờ thi đua của Chính phủ: {flag['proposed']} đơn vị; tối đa {flag['allowed']} "
                f"({flag['share']} % của {flag['blocs']} đơn vị dẫn đầu khối)"
                + (" – VƯỢT MỨC" if flag["over"] else "")
            ]
        )
    )
    header_row(sheet, OVERVIEW_COLUMNS)
    for i, row in enumerate(rows, 1):
        deadline = timezone.localtime(row.deadline).replace(tzinfo=None) if row.deadline else None
        sheet.append(
            xlsx_row(
                [
                    i,
                    row.bloc.name,
                    row.members,
                    row.leader.display_name if row.leader else "",
                    row.deputy.display_name if row.deputy else "",
                    row.agreement_label,
                    row.scoring_label,
                    deadline,
                    row.submitted,
                    row.vote_label,
                    *[label for _kind, _name, label in row.document_rows],
                    row.government_flag,
                    row.steps_done,
                    "; ".join(f"{s.label} (hạn {s.due:%d/%m/%Y})" for s in row.overdue),
                ]
            )
        )
        if deadline:
            sheet.cell(row=sheet.max_row, column=8).number_format = "dd/mm/yyyy hh:mm"
    sheet.column_dimensions["B"].width = 45
    for col in "DE":
        sheet.column_dimensions[col].width = 35
    sheet.freeze_panes = "C4"
    return workbook_bytes(book)
