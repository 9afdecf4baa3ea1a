"""Forms of the vote: they validate and clean; `ballots.services` writes. The settings' form is the
Ballot model's: its rules and their messages are declared once, on the model."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ballots.models import (
    MAX_COUNT,
    MAX_THRESHOLD,
    SETTING_FIELDS,
    Ballot,
    BallotCandidate,
    BallotKind,
    counts_errors,
)
from blocs.forms import LockVersionField, guard_text_fields
from province import catalogue
from scoring.forms import VnDecimalField

COUNT_MESSAGES = {
    "required": "Nhập số phiếu.",
    "invalid": "Nhập một số nguyên từ 0 trở lên.",
    "min_value": "Nhập một số nguyên từ 0 trở lên.",
    "max_value": "Số quá lớn.",
}
INVALID_CHOICE = "Lựa chọn không hợp lệ; hãy chọn lại."


def _count_field(label: str, *, blank_is_zero: bool = False) -> forms.IntegerField:
    """A count of ballots; where a blank means none (a candidate's votes, the invalid ballots), a
    blank reads as 0, as the counting committee writes it."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        required=not blank_is_zero,
        error_messages=COUNT_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )


def award_choices() -> list[tuple[str, str]]:
    return [("", "(không gắn với hình thức khen thưởng)"), *catalogue.choices()]


def _from_model(model_field: models.Field, **kwargs) -> forms.Field | None:
    """The model field's form field, checking the model's bounds with the model's messages before the
    model does (so that the browser knows them too): what the user reads is typed once, on the model."""
    if isinstance(model_field, models.IntegerField):
        lows = [v.limit_value for v in model_field.validators if isinstance(v, MinValueValidator)]
        highs = [v.limit_value for v in model_field.validators if isinstance(v, MaxValueValidator)]
        kwargs = {"min_value": max(lows, default=None), "max_value": min(highs, default=None)} | kwargs
    field = model_field.formfield(**kwargs)
    if field is None:
        return None
    messages = model_field.error_messages
    field.error_messages |= {code: messages[code] for code in ("min_value", "max_value") if code in messages}
    if str(messages["blank"]) != str(models.Field.default_error_messages["blank"]):
        field.error_messages["required"] = messages["blank"]
    return field


class SettingsForm(forms.ModelForm):
    """The settings of a ballot (quota, threshold and its denominator); the same on creating and editing."""

    award = forms.ChoiceField(label="Danh hiệu, hình thức khen thưởng", required=False, choices=award_choices)
    threshold_percent = VnDecimalField(
        label="Ngưỡng (%)", max_value=MAX_THRESHOLD,
        help_text="Ví dụ 50 (quá nửa), 66,67 (hai phần ba), 80.",
    )  # fmt: skip

    class Meta:
        model = Ballot
        fields = SETTING_FIELDS
        formfield_callback = _from_model
        widgets = {"mode": forms.RadioSelect}
        labels = {"threshold_strict": "Phải vượt ngưỡng (“trên 50 %”); bỏ chọn: “từ 50 % trở lên”"}
        help_texts = {"threshold_strict": ""}
        error_messages = {
            "quota": {
                "required": "Ghi số đơn vị được chọn tối đa.",
                "invalid": "Số đơn vị được chọn phải là số nguyên.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = INVALID_CHOICE


class CreateForm(SettingsForm):
    kind = forms.ChoiceField(
        label="Bầu chọn",
        choices=[(BallotKind.LEADING, "Đơn vị dẫn đầu khối"), (BallotKind.AWARD, "Đề nghị khen thưởng")],
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn loại cuộc bỏ phiếu."},
    )

    class Meta(SettingsForm.Meta):
        fields = ["kind", *SETTING_FIELDS]

    field_order = ["kind", "award", "title", "mode", "quota", "threshold_percent", "threshold_strict"]

    def __init__(self, *args, **kwargs):
        # A new ballot's defaults are the model's; the leading unit is voted on first.
        super().__init__(*args, instance=Ballot(kind=BallotKind.LEADING), **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = (
            "Để trống: “Bầu đơn vị dẫn đầu Khối thi đua năm …” hoặc “Đề nghị tặng …” "
            "theo hình thức khen thưởng."
        )


class EditForm(SettingsForm):
    lock_version = LockVersionField()

    def __init__(self, *args, ballot: Ballot, **kwargs):
        # A copy of the settings: checking the form must not change the ballot the page shows.
        settings = {name: getattr(ballot, name) for name in SETTING_FIELDS}
        instance = Ballot(term_id=ballot.term_id, kind=ballot.kind, **settings)
        initial = {"lock_version": ballot.lock_version}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        if ballot.kind == BallotKind.RUNOFF:
            self.fields["award"].disabled = True


def parse_lists(data, candidates: list[BallotCandidate], member_ids: list[int]) -> tuple[dict, dict]:
    """The per-row part of the edit form: `e<candidate id>` (eligible) with `r<candidate id>` (the reason
    when not), `p<membership id>` (present) with `rep<membership id>` (the representative)."""
    chosen, present = {}, {}
    for c in candidates:
        chosen[c.pk] = (data.get(f"e{c.pk}") == "on", _clean_text(data.get(f"r{c.pk}", "")))
    for mid in member_ids:
        if data.get(f"p{mid}") == "on":
            present[mid] = _clean_text(data.get(f"rep{mid}", ""))
    return chosen, present


def _clean_text(value: str) -> str:
    """Control characters are dropped from a one-line field rather than refusing the whole form."""
    return "".join(ch for ch in value if ord(ch) >= 32 and ord(ch) != 127).strip()


def parse_choices(values: list[str]) -> list[int] | None:
    """The candidate ids marked on an online ballot, or None when one is not a number (a forged form)."""
    ids = []
    for value in values:
        if not value.isdecimal() or len(value) > 18:
            return None
        ids.append(int(value))
    return ids


class CountsForm(forms.Form):
    """The counting committee's figures; every rule of `counts_errors` puts its message on its field."""

    issued = _count_field("Số phiếu phát ra")
    returned = _count_field("Số phiếu thu về")
    valid = _count_field("Số phiếu hợp lệ")
    invalid = _count_field("Số phiếu không hợp lệ", blank_is_zero=True)
    lock_version = LockVersionField()

    def __init__(self, *args, candidates: list[BallotCandidate], present: int, quota: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates, self.present, self.quota = candidates, present, quota
        for c in candidates:
            self.fields[f"v{c.pk}"] = _count_field(f"Số phiếu bầu {c.unit_name}", blank_is_zero=True)

    def clean(self):
        data = super().clean()
        for name in ["invalid", *[f"v{c.pk}" for c in self.candidates]]:
            if name in data and data[name] is None:
                data[name] = 0
        names = ["issued", "returned", "valid", "invalid", *[f"v{c.pk}" for c in self.candidates]]
        if any(name not in data for name in names):
            return data  # a field's own message is enough; the rules need every number
        errors = counts_errors(
            present=self.present,
            quota=self.quota,
            issued=data["issued"],
            returned=data["returned"],
            valid=data["valid"],
            invalid=data["invalid"],
            votes={c.pk: data[f"v{c.pk}"] for c in self.candidates},
        )
        for field, message in errors.items():
            self.add_error(None if field == "__all__" else field, message)
        return data

    def votes(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"v{c.pk}"] for c in self.candidates}

    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("issued", "returned", "valid", "invalid")]

    def vote_fields(self) -> list[tuple[BallotCandidate, forms.BoundField]]:
        return [(c, self[f"v{c.pk}"]) for c in self.candidates]
