"""Forms of the agreements app: they validate and clean; services write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from agreements.models import Agreement
from agreements.services import CONTENT_FIELDS
from blocs.forms import DATE_WIDGET, LockVersionField, guard_text_fields
from blocs.numbers import VnDecimalField
from blocs.uploads import validate_pdf_upload
from province import catalogue

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_TEXT = 5000


class LockedForm(forms.Form):
    """A form that carries the version of the row it was read from, to detect concurrent edits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    lock_version = LockVersionField()


class AgreementForm(forms.ModelForm):
    lock_version = LockVersionField()

    class Meta:
        model = Agreement
        fields = CONTENT_FIELDS
        widgets = {
            "basis": forms.Textarea(attrs={"rows": 3}),
            "theme": forms.Textarea(attrs={"rows": 2}),
            "closing_text": forms.Textarea(attrs={"rows": 3}),
            "conference_date": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        self.fields["conference_date"].input_formats = DATE_FORMATS
        self.fields["conference_date"].error_messages["invalid"] = (
            "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."
        )
        self.fields["copies"].widget.attrs.update({"min": 1, "max": 99})
        self.fields["copies"].label = "Số bản giao ước"
        self.fields["conference_date"].label = "Ngày ký giao ước"
        if not self.is_bound:
            self.initial["lock_version"] = self.instance.lock_version

    def clean(self):
        data = super().clean()
        copies = data.get("copies")
        if copies is not None and not 1 <= copies <= 99:
            self.add_error("copies", "Số bản phải từ 1 đến 99.")
        day = data.get("conference_date")
        if day and self.instance.term_id and abs(day.year - self.instance.term.year) > 1:
            self.add_error("conference_date", f"Ngày ký phải gần năm {self.instance.term.year}.")
        return data


class CommitmentForm(LockedForm):
    text = forms.CharField(
        label="Nội dung thi đua", widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text:
            raise ValidationError("Nội dung không được để trống.")
        return text


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Tệp PDF")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"Tệp PDF, tối đa {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_pdf_upload(upload)
        return upload


class RegistrationForm(LockedForm):
    awards = forms.MultipleChoiceField(
        label="Danh hiệu thi đua, hình thức khen thưởng đăng ký",
        choices=catalogue.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    slogan = forms.CharField(label="Khẩu hiệu thi đua của đơn vị", max_length=300, required=False)
    signer_prefix = forms.CharField(
        label="Thẩm quyền ký", max_length=120, required=False,
        help_text="Ví dụ “KT. GIÁM ĐỐC”; để trống khi thủ trưởng ký.",
    )  # fmt: skip
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=120, required=False)
    signer_name = forms.CharField(label="Họ tên người ký", max_length=120, required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("signer_name")) != bool(data.get("signer_title")):
            self.add_error("signer_name", "Ghi cả họ tên và chức vụ người ký, hoặc để trống cả hai.")
        return data


class TargetForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)

    indicator = forms.CharField(label="Chỉ tiêu", max_length=300, required=False)
    # Typed as every decimal of the application (blocs.numbers): "1.200" is 1200, "1.005,5" 1005,5.
    value = VnDecimalField(label="Giá trị", required=False, max_value=Decimal("999999999999.99"), whole=True)
    unit_of_measure = forms.CharField(label="Đơn vị tính", max_length=40, required=False)

    def clean(self):
        data = super().clean()
        if data.get("indicator") and data.get("value") is None and "value" not in self.errors:
            self.add_error("value", "Nhập giá trị cho chỉ tiêu.")
        if data.get("value") is not None and not data.get("indicator"):
            self.add_error("indicator", "Ghi tên chỉ tiêu.")
        return data


TargetFormSet = forms.formset_factory(TargetForm, extra=3, max_num=50, validate_max=True, absolute_max=60)


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label="Ngày ký", input_formats=DATE_FORMATS, widget=DATE_WIDGET,
        error_messages={"invalid": "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."},
    )  # fmt: skip
    scan = forms.FileField(label="Bản chụp giao ước đã ký (PDF)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scan"].help_text = f"Tệp PDF, tối đa {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        validate_pdf_upload(upload)
        return upload


class VerifyForm(forms.Form):
    code = forms.CharField(label="Mã xác thực", max_length=32, strip=True)
