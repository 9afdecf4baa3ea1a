"""Forms validate and clean; the services in blocs.services do the writing."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from blocs.models import Bloc, ChosenBy, Term, Unit, User
from blocs.uploads import validate_pdf_upload

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
CONTROL_MESSAGE = "Văn bản có ký tự điều khiển không hợp lệ."
DIRECTION_MESSAGE = (
    "Văn bản có ký tự ẩn làm đảo chiều chữ (ký tự điều khiển hướng viết): hãy xóa đoạn đó rồi gõ lại."
)
# Marks and overrides of the direction of text: unused in Vietnamese, they make a name or a
# commitment show (on the page and on paper) other than it is stored.
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_control_chars(value: str) -> str:
    """Refuse control characters other than line breaks and tabs (pasted garbage, NUL bytes), and
    the direction controls."""
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
    if not DIRECTION_CONTROLS.isdisjoint(value):
        raise ValidationError(DIRECTION_MESSAGE, code="direction_controls")
    return value


def _refuse_control_chars(value) -> None:
    if isinstance(value, str):
        no_control_chars(value)


def guard_text_fields(form: forms.BaseForm) -> None:
    """Every text field of the form (passwords aside) refuses control characters, which would be
    stored and then break the XLSX exports, with the project's message."""
    for field in form.fields.values():
        text = isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
        if text and _refuse_control_chars not in field.validators:
            field.validators.append(_refuse_control_chars)


class GuardedTextMixin:
    """A form whose text fields refuse control characters (`guard_text_fields`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class LockVersionField(forms.IntegerField):
    """The hidden version of the row a form was read from, to detect concurrent edits; absent, None
    (no check). Garbled (only a forged post garbles it), it is STALE, a version no row has, so that
    the service answers that the page is out of date: an error on a field nobody sees would leave
    the page without a message."""

    STALE = -1
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, max_value=2**31 - 1, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            return self.STALE


class UnitForm(GuardedTextMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "parent_name", "head_title", "head_name"]


class UnitRenameForm(GuardedTextMixin, forms.Form):
    new_name = forms.CharField(label="Tên mới", max_length=200)
    new_short_name = forms.CharField(label="Tên viết tắt mới", max_length=100, required=False)
    from_year = forms.IntegerField(label="Áp dụng từ năm", min_value=2000, max_value=2100)


class BlocForm(GuardedTextMixin, forms.ModelForm):
    class Meta:
        model = Bloc
        fields = ["name", "short_name", "number", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TermForm(GuardedTextMixin, forms.ModelForm):
    class Meta:
        model = Term
        fields = [
            "year",
            "decision_number",
            "decision_date",
            "decision_issuer",
            "decision_scan",
            "supervisor",
            "supervisor_title",
        ]
        widgets = {"decision_date": DATE_WIDGET}
        error_messages = {
            "year": {"min_value": "Năm phải từ 2000 trở đi.", "max_value": "Năm không quá 2100."}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})
        self.fields["year"].validators = []
        self.fields["supervisor"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["supervisor"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.username})"
        self.fields["decision_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        self.fields[
            "decision_scan"
        ].help_text = f"Tệp PDF, tối đa {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."
        if self.instance.pk:
            self.fields["year"].disabled = True

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 2000 <= year <= 2100:
            raise ValidationError("Năm phải trong khoảng 2000–2100.")
        return year

    def clean_decision_scan(self):
        scan = self.cleaned_data.get("decision_scan")
        if scan and hasattr(scan, "content_type"):  # a new upload, not the stored file
            validate_pdf_upload(scan)
        return scan


class MembershipAddForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    position = forms.IntegerField(
        label="Thứ tự trong quyết định", min_value=1, max_value=999, required=False,
        help_text="Để trống để xếp cuối danh sách.",
    )  # fmt: skip

    def __init__(self, *args, term: Term, **kwargs):
        super().__init__(*args, **kwargs)
        taken = term.memberships.values("unit_id")
        self.fields["unit"].queryset = Unit.objects.agencies().exclude(pk__in=taken).order_by("name")


class MembershipEditForm(forms.Form):
    position = forms.IntegerField(label="Thứ tự trong quyết định", min_value=1, max_value=999)


class ReasonForm(GuardedTextMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadershipForm(forms.Form):
    leader = forms.ModelChoiceField(label="Trưởng khối", queryset=Unit.objects.none(), required=False)
    leader_chosen_by = forms.ChoiceField(label="Trưởng khối được chọn bằng", choices=ChosenBy.choices)
    deputy = forms.ModelChoiceField(label="Phó trưởng khối", queryset=Unit.objects.none(), required=False)
    deputy_chosen_by = forms.ChoiceField(label="Phó trưởng khối được chọn bằng", choices=ChosenBy.choices)
    reason = forms.CharField(
        label="Lý do thay đổi",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi thay đổi trưởng, phó khối đã được ghi nhận.",
    )

    def __init__(
        self, *args, term: Term, require_leader: bool = False, require_reason: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = require_reason
        self.fields["reason"].error_messages["required"] = (
            "Ghi lý do thay đổi trưởng, phó khối đã được ghi nhận."
        )
        units = Unit.objects.filter(memberships__term=term).order_by("memberships__position")
        self.fields["leader"].queryset = units
        self.fields["deputy"].queryset = units
        self.fields["leader"].required = require_leader

    def clean(self):
        data = super().clean()
        leader, deputy = data.get("leader"), data.get("deputy")
        if leader is not None and deputy is not None and leader == deputy:
            raise ValidationError("Trưởng khối và phó trưởng khối phải là hai đơn vị khác nhau.")
        return data


class AccountCreateForm(GuardedTextMixin, forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.order_by("kind", "name"))
    username = forms.RegexField(
        label="Tên đăng nhập",
        max_length=150,
        regex=r"^[a-zA-Z0-9_.@+-]+$",
        error_messages={"invalid": "Tên đăng nhập chỉ gồm chữ không dấu, số và các ký tự . _ @ + -"},
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    job_title = forms.CharField(label="Chức vụ", max_length=150, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(label="Mật khẩu ban đầu", widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("Tên đăng nhập này đã có người dùng.")
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(data["password"], probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class PasswordSetForm(forms.Form):
    password = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password
