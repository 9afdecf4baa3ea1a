"""The conference form: it validates and cleans; the service writes. It is the Conference model's:
the conference's rules and their messages are declared once, on the model."""

from __future__ import annotations

from django import forms

from blocs.forms import LockVersionField, guard_text_fields, no_control_chars
from conferences.models import Conference, ConferenceKind
from conferences.services.conference import OWN_FIELDS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%Hg%M", "%Hh%M"]


class ConferenceForm(forms.ModelForm):
    lock_version = LockVersionField()

    class Meta:
        model = Conference
        fields = OWN_FIELDS[ConferenceKind.MIDYEAR]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self)
        for name in list(self.fields):
            if name not in OWN_FIELDS[kind] and name != "lock_version":
                del self.fields[name]
        if "date" in self.fields:
            self.fields["date"].input_formats = DATE_FORMATS
            self.fields["date"].error_messages["invalid"] = "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy."
        for name in ("start_time", "end_time"):
            self.fields[name].input_formats = TIME_FORMATS
            self.fields[name].error_messages["invalid"] = "Giờ không hợp lệ; nhập theo dạng 08:30."
        count = Conference._meta.get_field("approved_count")
        self.fields["approved_count"].error_messages["min_value"] = count.error_messages["min_value"]
        self.fields["approved_count"].help_text = "Số thành viên biểu quyết thông qua biên bản khi bế mạc."


def parse_attendance(data, members) -> dict[int, str]:
    """`present-<pk>` checkboxes and `rep-<pk>` representatives of the posted attendance table."""
    present = {}
    for m in members:
        if data.get(f"present-{m.pk}"):
            representative = (data.get(f"rep-{m.pk}") or "").strip()[:200]
            present[m.pk] = no_control_chars(representative)
    return present
