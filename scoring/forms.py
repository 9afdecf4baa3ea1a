"""Forms of the scoring app: they validate and clean; services write. A form that edits a model
derives from it (`ModelForm`), so the model's rules (`clean()`, constraints) give its messages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.text import capfirst

from blocs import numbers
from blocs.forms import LockVersionField, guard_text_fields, no_control_chars
from blocs.models import Membership
from blocs.uploads import tidy_name
from scoring import arithmetic
from scoring.arithmetic import Cell
from scoring.models import CriteriaSet, Criterion, CriterionKind, Explanation, FinalRule, Sheet
from scoring.selectors import FEWER_DEDUCTIONS, tie_rule_options

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIE_FIELDS = 3
DATETIME_INVALID = "Thời điểm không hợp lệ; nhập theo dạng dd/mm/yyyy hh:mm."


VnDecimalField = numbers.VnDecimalField  # the one decimal field (blocs.numbers)


class CriterionForm(forms.ModelForm):
    max_points = VnDecimalField(label="Điểm tối đa", required=False, max_value=Decimal("100000"), whole=True)
    step = VnDecimalField(label="Bước điểm", required=False, max_value=Decimal("1000"))
    unit_points = VnDecimalField(
        label="Điểm cho mỗi lần / mỗi 1 %", required=False, max_value=Decimal("100000")
    )

    class Meta:
        model = Criterion
        fields = [
            "parent",
            "code",
            "text",
            "kind",
            "max_points",
            "step",
            "unit_points",
            "indicator",
            "guidance",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        if self.instance.pk is None:
            self.instance.criteria_set = criteria_set  # `Criterion.clean` checks the group's set
        self.fields["parent"].queryset = criteria_set.criteria.filter(kind=CriterionKind.GROUP).order_by(
            "position"
        )
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = "(cấp cao nhất)"
        self.fields[
            "max_points"
        ].help_text = "Điểm thưởng: mức trần; điểm trừ: mức trừ tối đa. Nhóm: để trống."
        if self.instance.pk is None:
            self.initial.setdefault("step", Decimal("0.5"))

    def clean(self):
        data = super().clean()
        if data.get("max_points") is None:
            data["max_points"] = Decimal("0")
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class CreateSetForm(forms.Form):
    source = forms.ChoiceField(label="Bắt đầu từ", required=False)

    def __init__(self, *args, previous: CriteriaSet | None, templates, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Bảng trống")]
        if previous is not None:
            choices.append((f"set-{previous.pk}", f"Bảng tiêu chí năm {previous.term.year} của khối"))
        choices += [(f"set-{t.pk}", f"Mẫu: {t.name}") for t in templates]
        self.fields["source"].choices = choices
        self.sources = {f"set-{previous.pk}": previous} if previous else {}
        self.sources.update({f"set-{t.pk}": t for t in templates})

    def source_set(self) -> CriteriaSet | None:
        return self.sources.get(self.cleaned_data.get("source") or "")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = ["name"]
        labels = {"name": "Tên bảng tiêu chí mẫu"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class SettingsForm(forms.ModelForm):
    lock_version = LockVersionField()
    explanation_deadline = forms.DateTimeField(
        label="Hạn giải trình", required=False, input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET,
        error_messages={"invalid": DATETIME_INVALID},
    )  # fmt: skip

    class Meta:
        model = CriteriaSet
        fields = ["name", "final_rule", "explanation_deadline"]
        widgets = {"final_rule": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        self.fields["final_rule"].choices = FinalRule.choices
        groups = self.instance.criteria.filter(kind=CriterionKind.GROUP).order_by("position")
        choices = [("", "—"), *((rule.key, capfirst(rule.label)) for rule in tie_rule_options(groups))]
        current = [self._key(item) for item in self.instance.tie_break or []]
        for i in range(TIE_FIELDS):
            self.fields[f"tie_{i}"] = forms.ChoiceField(
                label=f"Khi bằng điểm, xét thứ {i + 1}", choices=choices, required=False,
                initial=current[i] if i < len(current) else "",
            )  # fmt: skip

    @staticmethod
    def _key(item: dict) -> str:
        return FEWER_DEDUCTIONS if item.get("rule") == FEWER_DEDUCTIONS else f"group:{item.get('criterion')}"

    def tie_break(self) -> list[dict]:
        """The chosen rules in order, without blanks or repeats."""
        rules, seen = [], set()
        for i in range(TIE_FIELDS):
            key = self.cleaned_data.get(f"tie_{i}")
            if not key or key in seen:
                continue
            seen.add(key)
            rules.append(
                {"rule": FEWER_DEDUCTIONS}
                if key == FEWER_DEDUCTIONS
                else {"rule": "group", "criterion": int(key.split(":")[1])}
            )
        return rules


class CrossForm(forms.ModelForm):
    """Member A cross-checks member B (never itself: the sheet's constraint says so)."""

    class Meta:
        model = Sheet
        fields = ["reviewer", "subject"]
        labels = {"reviewer": "Đơn vị chấm chéo", "subject": "Chấm phiếu của đơn vị"}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in members]
        for name in ("reviewer", "subject"):
            field = self.fields[name]
            field.required, field.empty_label = True, "— chọn —"
            field.queryset = Membership.objects.filter(pk__in=ids).with_unit_name().order_by("position")
            field.label_from_instance = lambda m: m.unit_name
            field.error_messages["invalid_choice"] = "Chọn một thành viên của khối."


class ExplanationForm(forms.ModelForm):
    class Meta:
        model = Explanation
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)


class DecisionForm(forms.Form):
    points = VnDecimalField(
        label="Điểm quyết định", max_value=Decimal("100000"), help_text="Điểm trừ: ghi số điểm bị trừ."
    )
    note = forms.CharField(
        label="Ý kiến của trưởng khối",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        self.fields["points"].error_messages["required"] = "Nhập điểm quyết định."


class OpenForm(forms.Form):
    deadline = forms.DateTimeField(
        label="Hạn nộp phiếu tự chấm", input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET,
        error_messages={"invalid": DATETIME_INVALID, "required": "Chọn hạn nộp phiếu tự chấm."},
    )  # fmt: skip


class ReopenForm(OpenForm):
    reason = forms.CharField(label="Lý do mở lại", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        self.fields["deadline"].label = "Hạn nộp mới"


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp")

    def __init__(self, *args, label: str = "Tệp", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = label
        self.fields["file"].help_text = f"Tối đa {settings.MAX_UPLOAD_SIZE // (1024 * 1024)} MB."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        tidy_name(upload)
        return upload


class EvidenceForm(UploadForm):
    criterion = forms.IntegerField(widget=forms.HiddenInput)


def parse_sheet(data, criteria: list[Criterion]) -> tuple[dict, dict[str, str]]:
    """The cells of a posted sheet: `c<pk>` holds the points (or count, or value achieved), `n<pk>`
    the note. Returns ({pk: Cell}, {"c<pk>": message})."""
    cells, errors = {}, {}
    for criterion in criteria:
        if criterion.is_group:
            continue
        raw, note = data.get(f"c{criterion.pk}"), (data.get(f"n{criterion.pk}") or "").strip()
        if raw is None and not note:
            continue
        try:
            value = arithmetic.parse_decimal(raw, whole=arithmetic.whole_step(criterion))
            no_control_chars(note)
        except arithmetic.Invalid as exc:
            errors[f"c{criterion.pk}"] = str(exc)
            continue
        except forms.ValidationError as exc:
            errors[f"c{criterion.pk}"] = exc.messages[0]
            continue
        if len(note) > 5000:
            errors[f"c{criterion.pk}"] = "Ghi chú quá dài (tối đa 5.000 ký tự)."
            continue
        if criterion.kind in (CriterionKind.OCCURRENCE, CriterionKind.TARGET):
            cells[criterion.pk] = Cell(quantity=value, note=note)
        else:
            cells[criterion.pk] = Cell(points=value, note=note)
    return cells, errors


def parse_lock_version(data) -> int | None:
    """The sheet version the page was read at: None (no check) when absent; garbled (only a forged
    post garbles it), out of date, as in every form (`LockVersionField`)."""
    raw = data.get("lock_version", "")
    if raw == "":
        return None
    return int(raw) if raw.isdecimal() and len(raw) < 10 else LockVersionField.STALE
