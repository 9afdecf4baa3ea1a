"""Forms of the vote: they validate and clean; `scoring.services.ballots` writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ballots.models import Ballot, BallotCandidate, BallotKind, BallotMode, ThresholdBase
from ballots.services import MAX_COUNT, MAX_QUOTA, counts_errors
from blocs.forms import LockVersionField, guard_text_fields
from province import catalogue
from scoring.forms import VnDecimalField

QUOTA_MESSAGES = {
    "required": "Ghi số đơn vị được chọn tối đa.",
    "invalid": "Số đơn vị được chọn phải là số nguyên.",
    "min_value": "Số đơn vị được chọn ít nhất là 1.",
    "max_value": f"Số đơn vị được chọn tối đa là {MAX_QUOTA}.",
}
COUNT_MESSAGES = {
    "required": "Nhập số phiếu.",
    "invalid": "Nhập một số nguyên từ 0 trở lên.",
    "min_value": "Nhập một số nguyên từ 0 trở lên.",
    "max_value": "Số quá lớn.",
}


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        error_messages=COUNT_MESSAGES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
    )


def award_choices() -> list[tuple[str, str]]:
    return [("", "(không gắn với hình thức khen thưởng)"), *catalogue.choices()]


class SettingsForm(forms.Form):
    """The settings of a ballot (quota, threshold and its denominator); the same on creating and editing."""

    title = forms.CharField(label="Tên cuộc bỏ phiếu", max_length=300, required=False)
    award = forms.ChoiceField(
        label="Danh hiệu, hình thức khen thưởng",
        required=False,
        choices=award_choices,
    )
    mode = forms.ChoiceField(
        label="Hình thức", choices=BallotMode.choices, initial=BallotMode.ONLINE, widget=forms.RadioSelect
    )
    quota = forms.IntegerField(
        label="Số đơn vị được chọn tối đa", min_value=1, max_value=MAX_QUOTA, initial=1,
        error_messages=QUOTA_MESSAGES,
    )  # fmt: skip
    threshold_percent = VnDecimalField(
        label="Ngưỡng (%)", max_value=Decimal(100), initial=Decimal(50),
        help_text="Ví dụ 50 (quá nửa), 66,67 (hai phần ba), 80.",
    )  # fmt: skip
    threshold_strict = forms.BooleanField(
        label="Phải vượt ngưỡng (“trên 50 %”); bỏ chọn: “từ 50 % trở lên”", required=False, initial=True
    )
    threshold_base = forms.ChoiceField(
        label="Tính tỷ lệ trên", choices=ThresholdBase.choices, initial=ThresholdBase.PRESENT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        self.fields["mode"].error_messages["required"] = "Chọn hình thức bỏ phiếu."
        self.fields["threshold_base"].error_messages["required"] = "Chọn cách tính tỷ lệ."
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "Lựa chọn không hợp lệ; hãy chọn lại."

    def clean_threshold_percent(self) -> Decimal:
        value = self.cleaned_data["threshold_percent"]
        if value is None:
            raise forms.ValidationError("Ghi ngưỡng (%).")
        if value <= 0:
            raise forms.ValidationError("Ngưỡng phải lớn hơn 0.")
        return value


class CreateForm(SettingsForm):
    kind = forms.ChoiceField(
        label="Bầu chọn",
        choices=[(BallotKind.LEADING, "Đơn vị dẫn đầu khối"), (BallotKind.AWARD, "Đề nghị khen thưởng")],
        initial=BallotKind.LEADING,
        widget=forms.RadioSelect,
    )

    field_order = ["kind", "award", "title", "mode", "quota", "threshold_percent", "threshold_strict"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages |= {
            "required": "Chọn loại cuộc bỏ phiếu.",
            "invalid_choice": "Lựa chọn không hợp lệ; hãy chọn lại.",
        }
        self.fields["title"].help_text = (
            "Để trống: “Bầu đơn vị dẫn đầu Khối thi đua năm …” hoặc “Đề nghị tặng …” "
            "theo hình thức khen thưởng."
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == BallotKind.AWARD and not data.get("award"):
            self.add_error("award", "Chọn danh hiệu, hình thức khen thưởng được đề nghị.")
        return data


class EditForm(SettingsForm):
    lock_version = LockVersionField()

    def __init__(self, *args, ballot: Ballot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "Ghi tên cuộc bỏ phiếu."
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
    invalid = _count_field("Số phiếu không hợp lệ")
    lock_version = LockVersionField()

    def __init__(self, *args, candidates: list[BallotCandidate], present: int, quota: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates, self.present, self.quota = candidates, present, quota
        for c in candidates:
            self.fields[f"v{c.pk}"] = _count_field(f"Số phiếu bầu {c.unit_name}")

    def clean(self):
        data = super().clean()
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
