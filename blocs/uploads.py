"""The one validator for every upload of the project: type by content, and size."""

from django.conf import settings
from django.core.exceptions import ValidationError

PDF_MAGIC = b"%PDF-"


def validate_pdf_upload(upload) -> None:
    """Accept a PDF by its first bytes (not its name or declared type) within the size limit."""
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size == 0:
        raise ValidationError("Tệp tải lên rỗng.", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"Tệp quá lớn ({upload.size / 1024 / 1024:.1f} MB; tối đa {limit // (1024 * 1024)} MB).".replace(
                ".", ",", 1
            ),
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError("Tệp không phải PDF (nội dung không đúng định dạng PDF).", code="not_pdf")
