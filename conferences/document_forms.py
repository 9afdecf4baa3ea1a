"""Forms of the conference documents: they validate and clean; the documents service writes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from blocs.forms import LockVersionField, guard_text_fields
from blocs.uploads import validate_pdf_upload
from conferences.services.documents import MAX_NUMBER, MAX_PLACE, MAX_SECTION, sections_of

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


# The number's symbol after the kind of document (Nghị định 30/2020, Phụ lục III): BC a report, BB
# minutes, TTr a proposal; after the dash, the issuer's abbreviation.
NUMBER_HINTS = {
    "report_yearend": "12/BC-KTĐNC",
    "report_midyear": "06/BC-KTĐNC",
    "minutes": "02/BB-KTĐNC",
    "count_minutes": "03/BB-KTĐNC",
    "proposal": "04/TTr-KTĐNC",
}


class DocumentForm(forms.Form):
    """Number, place, date and the kind's narrative sections (fields `s_<key>`)."""

    number = forms.CharField(
        label="Số, ký hiệu", max_length=MAX_NUMBER, required=False, help_text="Ví dụ “05/BC-KTĐNC”."
    )
    place = forms.CharField(
        label="Địa danh", max_length=MAX_PLACE, required=False, help_text="Ví dụ “Quảng Ngãi”."
    )
    date = forms.DateField(
        label="Ngày văn bản",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."},
    )
    lock_version = LockVersionField()

    def __init__(self, *args, kind: str, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].help_text = f"Ví dụ “{NUMBER_HINTS.get(kind, '05/BC-KTĐNC')}”."
        self.section_names = []
        for key, label in sections_of(kind, year):
            name = f"s_{key}"
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=MAX_SECTION,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8 if key != "notes" else 5}),
                error_messages={"max_length": f"Tối đa {MAX_SECTION} ký tự."},
            )
            self.section_names.append((key, name))
        for name in ("number", "place"):
            self.fields[name].error_messages["max_length"] = f"Tối đa {self.fields[name].max_length} ký tự."
        guard_text_fields(self)

    def clean(self):
        data = super().clean()  # control characters: refused by every text field (guard_text_fields)
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = value.strip()  # the sections keep their inner line breaks (strip=False)
        return data

    def to_data(self) -> dict:
        """What `document_update` takes."""
        data = self.cleaned_data
        return {
            "number": data.get("number", ""),
            "place": data.get("place", ""),
            "date": data.get("date"),
            "sections": {key: data.get(name, "") for key, name in self.section_names},
        }

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service error per field where it names one ("sections.<key>" → that textarea)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            name = f"s_{field.removeprefix('sections.')}" if field.startswith("sections.") else field
            self.add_error(name if name in self.fields else None, errors)


class ScanForm(forms.Form):
    scan = forms.FileField(label="Bản chụp văn bản đã ký (PDF)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = f"Tệp PDF, tối đa {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."
        self.fields["scan"].error_messages["required"] = "Chọn tệp PDF bản ký."

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        validate_pdf_upload(upload)
        return upload
