"""Forms of the board's pages: the year's deadlines and the province's award decisions. They validate
and clean; `board.services` writes. The decision's form is the AwardDecision model's: its rules and
their messages are declared once, on the model."""

from __future__ import annotations

from django import forms

from blocs.forms import DATE_WIDGET, LockVersionField, guard_text_fields
from board.models import AwardDecision, BoardDeadline

DATE_FORMATS = ["%d/%m/%Y"]
DATE_INVALID = "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 31/03/2025."


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
        error_messages={"invalid": DATE_INVALID},
    )


class DeadlinesForm(forms.Form):
    """One date per item of BoardDeadline.Item; an empty field removes that deadline."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        for item, label in BoardDeadline.Item.choices:
            self.fields[item] = _date_field(label)
            self.fields[item].help_text = "Để trống nếu Ban không đặt hạn cho việc này."

    def clean(self):
        data = super().clean()
        for item in BoardDeadline.Item.values:
            due = data.get(item)
            # The year's deadlines fall in the year or early in the next (the year-end conference).
            if due is not None and not self.year <= due.year <= self.year + 1:
                self.add_error(
                    item, f"Hạn của năm {self.year} phải trong năm {self.year} hoặc {self.year + 1}."
                )
        return data


class AwardDecisionForm(forms.ModelForm):
    """The province's decision on one proposal; `membership` and `award` name the proposal. Give it a
    new decision of the proposal as its instance and the stored one's values as its initial: checking
    the form must not change what the page shows as recorded."""

    membership = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    award = forms.CharField(widget=forms.HiddenInput, max_length=10)
    awarded = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("1", "Được khen thưởng"), ("0", "Không được khen thưởng")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "Chọn kết quả: được hay không được khen thưởng."},
    )
    decision_date = _date_field("Ngày quyết định")
    lock_version = LockVersionField()

    class Meta:
        model = AwardDecision
        fields = ["awarded", "decision_number", "decision_date", "note"]
        help_texts = {"decision_number": "Ví dụ “125/QĐ-UBND”."}

    field_order = [
        "membership",
        "award",
        "awarded",
        "decision_number",
        "decision_date",
        "note",
        "lock_version",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        for name in ("membership", "award"):
            self.fields[name].error_messages |= {
                "required": "Thiếu thông tin đề nghị; hãy tải lại trang.",
                "invalid": "Thiếu thông tin đề nghị; hãy tải lại trang.",
            }
        for name in ("decision_number", "note"):
            self.fields[name].error_messages["max_length"] = AwardDecision._meta.get_field(
                name
            ).error_messages["max_length"]

    def cleaned_data_for_service(self) -> dict:
        """The decision's own fields (the proposal is named by the view, not trusted from the post)."""
        return {
            name: self.cleaned_data[name]
            for name in ("awarded", "decision_number", "decision_date", "note", "lock_version")
        }

    def _update_errors(self, errors):
        # A field the form already refused keeps its own message: the model saw it empty.
        if hasattr(errors, "error_dict"):
            errors = forms.ValidationError(
                {f: e for f, e in errors.error_dict.items() if f not in self._errors}
            )
        super()._update_errors(errors)
