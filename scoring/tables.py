"""Criteria tables in and out of spreadsheets (CSV and XLSX), laid out as docs/criteria-format.md
describes: one row per group or criterion, in print order, under fixed Vietnamese headers.

An import is all or nothing: every row is checked first and all the problems are reported together,
each with the row number the user sees in the spreadsheet (`parse`; the import itself, a write, is
`services.criteria_import`). Numbers are Decimal throughout.
"""

from __future__ import annotations

import csv
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO, StringIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from blocs import numbers
from blocs.uploads import detect_kind
from scoring import arithmetic
from scoring.models import (
    RATED_KINDS,
    STEPPED_KINDS,
    CriteriaSet,
    Criterion,
    CriterionKind,
)

# (field, header, XLSX column width), in the order of the file.
COLUMNS = (
    ("code", "STT", 8),
    ("kind", "Loại", 16),
    ("text", "Nội dung", 60),
    ("max_points", "Điểm tối đa", 12),
    ("step", "Bước điểm", 11),
    ("unit_points", "Điểm mỗi lần / 1%", 17),
    ("indicator", "Chỉ tiêu", 28),
    ("guidance", "Hướng dẫn", 50),
    ("outside_group", "Ngoài nhóm", 11),
)
HEADERS = tuple(header for _, header, _ in COLUMNS)
REQUIRED = ("kind", "text", "max_points")
NUMBER_FIELDS = ("max_points", "step", "unit_points")
MULTILINE_FIELDS = ("text", "guidance")
SHEET = "Tiêu chí"
MAX_ROWS = 1000
# Blank rows are skipped, but a sheet formatted down to row 1 048 576 is not read to the end.
MAX_LINES = 5 * MAX_ROWS
DEFAULT_STEP = Decimal("0.5")
OUTSIDE_MARK = "x"

KIND_LABELS = {
    CriterionKind.GROUP: "Nhóm",
    CriterionKind.POINTS: "Chấm điểm",
    CriterionKind.PASS_FAIL: "Đạt/không đạt",
    CriterionKind.OCCURRENCE: "Theo số lần",
    CriterionKind.TARGET: "Theo chỉ tiêu",
    CriterionKind.BONUS: "Điểm thưởng",
    CriterionKind.DEDUCTION: "Điểm trừ",
}
# Excel runs a CSV cell starting with one of these as a formula; such texts are written behind an
# apostrophe, which the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "'")


def _fold(text: str) -> str:
    """Lower case, without diacritics, spaces or underscores: "Đạt / Không đạt" → "dat/khongdat"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(bare.casefold().replace("_", " ").split())


KINDS_BY_NAME = {
    _fold(name): kind for kind in CriterionKind for name in (KIND_LABELS[kind], kind.value, kind.label)
}
FIELDS_BY_HEADER = {_fold(header): field for field, header, _ in COLUMNS}
HEADER_OF = {field: header for field, header, _ in COLUMNS}
TEXT_LIMITS = {f: Criterion._meta.get_field(f).max_length for f in ("code", "text", "indicator", "guidance")}
# The first value a column cannot store, e.g. 1 000 000 for max_digits=8, decimal_places=2.
NUMBER_LIMITS = {
    f: Decimal(10) ** (Criterion._meta.get_field(f).max_digits - Criterion._meta.get_field(f).decimal_places)
    for f in NUMBER_FIELDS
}


@dataclass(frozen=True)
class Row:
    """One valid row of an uploaded table. `in_group`: the criterion belongs to the group above it."""

    line: int
    code: str
    kind: str
    text: str
    max_points: Decimal
    step: Decimal | None
    unit_points: Decimal | None
    indicator: str
    guidance: str
    in_group: bool

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP


# Export ------------------------------------------------------------------------------------------


def _export_rows(criteria_set: CriteriaSet) -> Iterator[tuple[Criterion, bool]]:
    """The criteria in print order, each with whether it needs the "outside the group" mark: a
    top-level criterion printed after a group would otherwise be read back into that group."""
    after_group = False
    for criterion in Criterion.objects.filter(criteria_set=criteria_set).in_order():
        after_group = after_group or criterion.is_group
        yield criterion, after_group and not criterion.is_group and criterion.parent_id is None


def _values(criterion: Criterion, outside_group: bool) -> dict[str, object]:
    return {
        "code": criterion.code,
        "kind": KIND_LABELS[criterion.kind],
        "text": criterion.text,
        "max_points": None if criterion.is_group else criterion.max_points,
        "step": criterion.step,
        "unit_points": criterion.unit_points,
        "indicator": criterion.indicator,
        "guidance": criterion.guidance,
        "outside_group": OUTSIDE_MARK if outside_group else "",
    }


def xlsx_row(values: Iterable) -> list:
    """A row for openpyxl, which refuses control characters in a cell (an export would fail on one
    stored before the forms refused them, or brought in by an archive): they are left out."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def group_decimals(workbook: Workbook) -> None:
    """Show every decimal of the workbook with its thousands grouped and its decimals only where it
    has some (`blocs.numbers.excel_format`); the values stay exact numbers."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = numbers.excel_format(cell.value)


def _csv_cell(value: object) -> str:
    if value is None or isinstance(value, Decimal):
        return arithmetic.fmt(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def export_csv(criteria_set: CriteriaSet) -> bytes:
    """UTF-8 with a BOM, `;`-separated, CRLF: what Excel in a Vietnamese locale opens as is."""
    out = StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for criterion, outside_group in _export_rows(criteria_set):
        values = _values(criterion, outside_group)
        writer.writerow(_csv_cell(values[field]) for field, _, _ in COLUMNS)
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(criteria_set: CriteriaSet) -> bytes:
    """The table on sheet "Tiêu chí" (import-able as it is, no total row); the set's name and
    nominal maximum on sheet "Thông tin"."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(xlsx_row(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for criterion, outside_group in _export_rows(criteria_set):
        values = _values(criterion, outside_group)
        sheet.append(xlsx_row([values[field] for field, _, _ in COLUMNS]))
        for cell, (field, _, _) in zip(sheet[sheet.max_row], COLUMNS, strict=True):
            if field not in NUMBER_FIELDS:
                cell.data_type = "s"  # a text starting with "=" stays text, never a formula
            if field in MULTILINE_FIELDS:
                cell.alignment = wrap
            if criterion.is_group:
                cell.font = Font(bold=True)
    for index, (_, _, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"

    info = workbook.create_sheet("Thông tin")
    nominal = CriteriaSet.objects.with_nominal_max().get(pk=criteria_set.pk).nominal_max
    info.append(xlsx_row(["Bảng tiêu chí", criteria_set.name]))
    info.append(xlsx_row(["Năm thi đua", criteria_set.term.year if criteria_set.term_id else "Bảng mẫu"]))
    info.append(xlsx_row(["Tổng điểm chuẩn", nominal]))
    info.append(
        xlsx_row(
            [
                "Ghi chú",
                f"Trang “{SHEET}” nhập lại được vào hệ thống; điểm thưởng, điểm trừ không tính vào tổng.",
            ]
        )
    )
    info["B1"].data_type = "s"
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 80
    group_decimals(workbook)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# Reading a file ----------------------------------------------------------------------------------


def _size_label(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, size // 1024)} KB"
    return f"{arithmetic.fmt(round(Decimal(size) / 1024 / 1024, 1))} MB"


def _read(upload: UploadedFile) -> bytes:
    """The file's bytes, within the upload limit (the messages of `blocs.uploads.validate_upload`)."""
    limit = settings.MAX_UPLOAD_SIZE
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data:
        raise ValidationError("Tệp tải lên rỗng.", code="empty")
    if len(data) > limit:
        size = _size_label(upload.size or len(data))
        raise ValidationError(f"Tệp quá lớn ({size}; tối đa {_size_label(limit)}).", code="too_large")
    return data


def _xlsx_rows(data: bytes) -> Iterator[Sequence[object]]:
    unreadable = ValidationError(
        "Không mở được tệp Excel (XLSX). Hãy mở tệp bằng Excel, lưu lại rồi tải lên lần nữa.", code="bad_xlsx"
    )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken workbook fails in many ways (zip, XML, KeyError…)
        raise unreadable from exc
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        yield from sheet.iter_rows(max_row=MAX_LINES + 1, max_col=3 * len(COLUMNS), values_only=True)
    except Exception as exc:
        raise unreadable from exc
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data:
        raise ValidationError("Tệp không phải CSV hoặc Excel (XLSX).", code="wrong_type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "Tệp CSV phải mã hóa UTF-8 (trong Excel: Lưu thành › CSV UTF-8).", code="encoding"
        ) from exc
    header = text.partition("\n")[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            yield [_unmark(field) for field in record]
    except csv.Error as exc:
        raise ValidationError(
            f"Tệp CSV sai định dạng ở dòng {reader.line_num}: kiểm tra dấu ngoặc kép.", code="bad_csv"
        ) from exc


def _records(upload: UploadedFile) -> Iterator[Sequence[object]]:
    """The raw rows of the file, the header first; refuses a file that is neither CSV nor XLSX."""
    data = _read(upload)
    if detect_kind(upload) not in (None, "xlsx"):
        raise ValidationError(
            "Tệp không phải CSV hoặc Excel (XLSX) (hệ thống kiểm tra nội dung tệp, không theo tên tệp).",
            code="wrong_type",
        )
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _columns(header: Iterable[object]) -> dict[str, int]:
    """Field → column index from the header row; other columns are ignored."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = FIELDS_BY_HEADER.get(_fold(_as_text(cell)))
        if field is None:
            continue
        if field in found:
            raise ValidationError(f"Cột “{HEADER_OF[field]}” có hai lần ở dòng tiêu đề.", code="header")
        found[field] = index
    missing = [HEADER_OF[f] for f in REQUIRED if f not in found]
    if missing:
        raise ValidationError(
            f"Thiếu cột: {', '.join(missing)}. Dòng 1 phải là dòng tiêu đề: {'; '.join(HEADERS)}.",
            code="header",
        )
    return found


# Checking a row ----------------------------------------------------------------------------------


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def _as_number(value: object) -> Decimal | None:
    """A Decimal from a text cell ("7,5") or a numeric XLSX cell; raises arithmetic.Invalid."""
    if isinstance(value, str) or value is None:
        return arithmetic.parse_decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise arithmetic.Invalid("Phải là một số.")
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise arithmetic.Invalid("Phải là một số không âm.")
    if number.as_tuple().exponent < -2 and number != arithmetic.round2(number):
        raise arithmetic.Invalid("Tối đa hai chữ số thập phân.")
    return number


def _unmark(text: str) -> str:
    """Takes off the apostrophe `_csv_cell` puts before a formula-like text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _has_control(text: str, *, multiline: bool) -> bool:
    """The rule of the criterion form (`blocs.forms.no_control_chars`), so that whatever the
    form took exports and imports again; line breaks only where the form has a text area."""
    allowed = "\t\n" if multiline else "\t"
    return any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text)


def _check_row(line: int, cells: dict[str, object], *, after_group: bool) -> tuple[Row | None, list[str]]:
    """The row's typed values, or None and a message "Dòng N: …" for each fault."""
    found: list[str] = []
    texts = {}
    for field in ("code", "text", "indicator", "guidance"):
        value = _as_text(cells.get(field))
        if _has_control(value, multiline=field in MULTILINE_FIELDS):
            found.append(f"{HEADER_OF[field]} có ký tự điều khiển không in được; hãy gõ lại ô này.")
        elif len(value) > TEXT_LIMITS[field]:
            found.append(f"{HEADER_OF[field]} dài {len(value)} ký tự, tối đa {TEXT_LIMITS[field]}.")
        texts[field] = value
    if not texts["text"]:
        found.append("Thiếu nội dung.")

    numbers: dict[str, Decimal | None] = {}  # only the cells that read: the others are reported here
    for field in NUMBER_FIELDS:
        try:
            numbers[field] = _as_number(cells.get(field))
        except arithmetic.Invalid as exc:
            found.append(f"{HEADER_OF[field]}: {exc}")
            continue
        if numbers[field] is not None and numbers[field] >= NUMBER_LIMITS[field]:
            found.append(f"{HEADER_OF[field]} phải nhỏ hơn {arithmetic.fmt(NUMBER_LIMITS[field])}.")

    mark = _fold(_as_text(cells.get("outside_group")))
    if mark not in ("", OUTSIDE_MARK, "co"):
        found.append(f"Cột “{HEADER_OF['outside_group']}” chỉ nhận “{OUTSIDE_MARK}” hoặc để trống.")

    raw_kind = _as_text(cells.get("kind"))
    kind = KINDS_BY_NAME.get(_fold(raw_kind))
    if kind is None:
        labels = ", ".join(KIND_LABELS.values())
        found.append(
            f"Loại “{raw_kind}” không hợp lệ; dùng một trong: {labels}."
            if raw_kind
            else f"Thiếu loại ({labels})."
        )
    else:
        found += _kind_problems(kind, numbers, texts["indicator"])

    if found:
        return None, [f"Dòng {line}: {message}" for message in found]
    is_group = kind == CriterionKind.GROUP
    step = numbers["step"]
    if kind in STEPPED_KINDS and step is None:
        step = DEFAULT_STEP
    row = Row(
        line=line,
        code=texts["code"],
        kind=kind.value,
        text=texts["text"],
        max_points=Decimal(0) if is_group else numbers["max_points"],
        step=step,
        unit_points=numbers["unit_points"],
        indicator=texts["indicator"],
        guidance=texts["guidance"],
        in_group=after_group and not is_group and not mark,
    )
    return row, []


def _only_for(field: str, kinds: Iterable[CriterionKind]) -> str:
    labels = ", ".join(KIND_LABELS[k] for k in kinds)
    return f"Cột “{HEADER_OF[field]}” chỉ dùng cho loại {labels}; để trống ô này."


def _kind_problems(kind: CriterionKind, numbers: dict[str, Decimal | None], indicator: str) -> list[str]:
    """What the kind requires of the other columns (the rules of `Criterion.clean`, told per column).
    A number missing from `numbers` did not read; it is reported already."""
    found = []
    top, step, unit = (numbers.get(field) for field in NUMBER_FIELDS)
    if kind == CriterionKind.GROUP:
        if top:
            found.append("Nhóm không có điểm tối đa; để trống cột “Điểm tối đa”.")
    elif "max_points" in numbers and not top:
        found.append("Thiếu điểm tối đa." if top is None else "Điểm tối đa phải lớn hơn 0.")
    if kind not in STEPPED_KINDS:
        if step is not None:
            found.append(_only_for("step", STEPPED_KINDS))
    elif "step" in numbers:
        step = DEFAULT_STEP if step is None else step
        if not step:
            found.append("Bước điểm phải lớn hơn 0.")
        elif top and top % step:
            found.append(f"Điểm tối đa phải là bội của bước điểm ({arithmetic.fmt(step)}).")
    if kind not in RATED_KINDS:
        if unit is not None:
            found.append(_only_for("unit_points", RATED_KINDS))
    elif "unit_points" in numbers and not unit:
        found.append("Ghi số điểm cho mỗi lần hoặc mỗi 1 % chỉ tiêu (lớn hơn 0).")
    if kind != CriterionKind.TARGET:
        if indicator:
            found.append(_only_for("indicator", [CriterionKind.TARGET]))
    elif not indicator:
        found.append("Ghi tên chỉ tiêu đăng ký dùng để tính điểm.")
    return found


def parse(upload: UploadedFile) -> list[Row]:
    """The rows of an uploaded CSV or XLSX table, all checked; raises one ValidationError listing
    every problem ("Dòng N: …", N as numbered in the spreadsheet, the header being line 1)."""
    with closing(_records(upload)) as records:
        return _parse_records(records)


def _parse_records(records: Iterator[Sequence[object]]) -> list[Row]:
    header = next(records, None)
    if header is None:
        raise ValidationError("Tệp không có dòng tiêu đề.", code="header")
    columns = _columns(header)
    rows: list[Row] = []
    problems: list[str] = []
    after_group = False
    count = 0
    for line, record in enumerate(records, start=2):
        if line > MAX_LINES:
            raise ValidationError(
                f"Tệp quá {MAX_LINES} dòng (kể cả dòng trống); hãy xóa các dòng thừa.", code="too_many"
            )
        cells = {f: record[i] if i < len(record) else None for f, i in columns.items()}
        if not any(_as_text(value) for value in cells.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationError(f"Tệp có quá {MAX_ROWS} dòng tiêu chí.", code="too_many")
        row, found = _check_row(line, cells, after_group=after_group)
        problems += found
        after_group = after_group or (row is not None and row.is_group)
        if row is not None:
            rows.append(row)
    if problems:
        raise ValidationError(problems)
    if not rows:
        raise ValidationError("Tệp không có dòng tiêu chí nào.", code="empty")
    return rows
