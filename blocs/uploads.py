"""The one validator for every upload of the project: type by content, and size."""

from __future__ import annotations

import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)"}


def detect_kind(upload) -> str | None:
    """The file's real type from its bytes, or None when it is none of the kinds we accept."""
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def tidy_name(upload) -> None:
    """An uploaded file's name as it will be shown and stored: in NFC (the middleware normalises posted
    fields, not the names in multipart headers), without control, zero-width or bidi characters."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", upload.name or "") if ch.isprintable())
    upload.name = name.strip() or "tep-tai-len"


def validate_upload(upload, *, kinds: tuple[str, ...] = ("pdf",)) -> str:
    """Accept a file by its content (not its name or declared type) within the size limit.

    Returns the detected kind; raises ValidationError with a Vietnamese message otherwise.
    """
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size == 0:
        raise ValidationError("Tệp tải lên rỗng.", code="empty")
    if upload.size > limit:
        size = f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")
        raise ValidationError(
            f"Tệp quá lớn ({size} MB; tối đa {limit // (1024 * 1024)} MB).", code="too_large"
        )
    kind = detect_kind(upload)
    if kind not in kinds:
        accepted = " hoặc ".join(KIND_LABELS[k] for k in kinds)
        raise ValidationError(
            f"Tệp không phải {accepted} (hệ thống kiểm tra nội dung tệp, không theo tên tệp).",
            code="wrong_type",
        )
    return kind


def validate_pdf_upload(upload) -> None:
    validate_upload(upload, kinds=("pdf",))
