"""The audit log as its readers know it (issue 15, item 17): actions, kinds and fields in Vietnamese,
units and people by name instead of ids, no Python values (None, True, dicts), and no change shown
where nothing changed ("50.00 → 50").

Labels: `ACTIONS` for every action the services write (today's and those written before the split),
`KINDS` for the object types, `FIELDS` for the keys of the old and new values, else the verbose name
of a product model's field of that name. A test collects every action and key the services, the demo
and an archive of the first release write, and checks each has a label here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from blocs.audit import current_label
from blocs.models import Membership, Unit, User
from blocs.numbers import grouped

PRODUCT_APPS = ("blocs", "province", "agreements", "scoring", "ballots", "conferences", "board")

ACTIONS = {
    "account.activate": "Mở lại tài khoản",
    "account.create": "Tạo tài khoản",
    "account.deactivate": "Khóa tài khoản",
    "account.reset_password": "Đặt lại mật khẩu",
    "agreement.attach_plan": "Đính kèm kế hoạch",
    "agreement.attach_rules": "Đính kèm quy chế",
    "agreement.finalize": "Hoàn thiện giao ước",
    "agreement.new_version": "Mở phiên bản mới của giao ước",
    "agreement.sign": "Tải lên bản ký của giao ước",
    "agreement.start": "Soạn dự thảo giao ước",
    "agreement.update": "Sửa thông tin chung của giao ước",
    "award_decision.record": "Ghi quyết định khen thưởng",
    "ballot.cast": "Bỏ phiếu trực tuyến",
    "ballot.close": "Kết thúc bỏ phiếu",
    "ballot.counts": "Nhập kết quả kiểm phiếu",
    "ballot.create": "Tạo cuộc bỏ phiếu",
    "ballot.open": "Mở bỏ phiếu",
    "ballot.runoff": "Tạo cuộc bầu lại",
    "ballot.update": "Sửa cuộc bỏ phiếu",
    "bloc.create": "Tạo khối",
    "bloc.update": "Sửa thông tin khối",
    "board_deadline.clear": "Bỏ hạn của Ban",
    "board_deadline.set": "Đặt hạn của Ban",
    "commitment.add": "Thêm nội dung giao ước",
    "commitment.copy_previous": "Chép nội dung giao ước năm trước",
    "commitment.move": "Đổi thứ tự nội dung giao ước",
    "commitment.remove": "Xóa nội dung giao ước",
    "commitment.update": "Sửa nội dung giao ước",
    "conference.record": "Ghi thông tin hội nghị",
    "conference.update": "Sửa thông tin hội nghị",
    "criteria.create": "Tạo bảng tiêu chí",
    "criteria.import": "Nhập bảng tiêu chí từ tệp",
    "criteria.settings": "Sửa cài đặt chấm điểm",
    "criterion.add": "Thêm tiêu chí",
    "criterion.move": "Đổi thứ tự tiêu chí",
    "criterion.remove": "Xóa tiêu chí",
    "criterion.update": "Sửa tiêu chí",
    "cross.assign": "Phân công chấm chéo",
    "cross.unassign": "Hủy phân công chấm chéo",
    "document.scan": "Tải lên bản ký của văn bản",
    "document.start": "Soạn văn bản",
    "document.submit": "Gửi văn bản",
    "document.update": "Sửa văn bản",
    "evidence.add": "Thêm minh chứng",
    "evidence.remove": "Xóa minh chứng",
    "explanation.decide": "Quyết định điểm sau giải trình",
    "explanation.file": "Gửi giải trình",
    "membership.add": "Thêm thành viên",
    "membership.remove": "Bỏ thành viên",
    "membership.update": "Sửa thứ tự thành viên",
    "ranking.publish": "Công bố xếp hạng",
    "registration.save": "Lưu đăng ký của đơn vị",
    "review.start": "Bắt đầu thẩm định",
    "review.submit": "Nộp phiếu thẩm định",
    "score.clear": "Xóa điểm",
    "score.cross": "Chấm chéo",
    "score.leader": "Chấm thẩm định",
    "score.self": "Tự chấm",
    "scoring.lock": "Khóa chấm điểm",
    "scoring.open": "Mở chấm điểm",
    "scoring.reopen": "Mở lại chấm điểm",
    "sheet.submit": "Nộp phiếu tự chấm",
    "term.close": "Kết thúc năm thi đua",
    "term.create": "Tạo năm thi đua",
    "term.import": "Phục hồi năm thi đua từ bản lưu trữ",
    "term.leadership": "Ghi nhận trưởng, phó khối",
    "term.open_next": "Mở năm thi đua tiếp theo",
    "term.update": "Sửa thông tin năm thi đua",
    "unit.create": "Tạo đơn vị",
    "unit.rename": "Đổi tên đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
}

# Keys whose name is no model field's, or whose field's verbose name would mislead here.
FIELDS = {
    "approved_count": "số đơn vị được chọn",
    "awards": "danh hiệu, hình thức đăng ký",
    "ballot": "cuộc bỏ phiếu",
    "candidates": "danh sách bầu",
    "commitment": "nội dung giao ước",
    "copied_from": "chép từ",
    "count": "số lượng",
    "counts": "kết quả kiểm phiếu",
    "criteria": "số tiêu chí",
    "criterion": "tiêu chí",
    "deadline": "hạn",
    "deputy": "phó trưởng khối",
    "deputy_chosen_by": "cách chọn phó trưởng khối",
    "due": "hạn",
    "eligible": "được bầu",
    "exported_at": "thời điểm xuất",
    "from_agreement": "chép từ giao ước",
    "from_term": "từ năm thi đua",
    "from_year": "từ năm",
    "leader": "trưởng khối",
    "leader_chosen_by": "cách chọn trưởng khối",
    "members": "thành viên",
    "missing": "chưa nộp phiếu",
    "name": "tên",
    "parent_id": "nhóm tiêu chí",
    "pdf": "tệp PDF",
    "present": "có mặt",
    "reviewer": "đơn vị thẩm định",
    "rows": "số bản ghi",
    "runoff_of": "bầu lại cho",
    "sections": "các phần của văn bản",
    "selected": "đơn vị được chọn",
    "sha256": "mã SHA-256",
    "signed_scan": "bản ký",
    "subject": "đơn vị được chấm",
    "targets": "chỉ tiêu",
    "tie": "đồng phiếu",
    "unit": "đơn vị",
    "unit_name": "tên đơn vị",
    "unreviewed": "chưa được thẩm định",
    "version": "phiên bản",
    "voted": "đơn vị đã bỏ phiếu",
    "votes": "số phiếu",
    "year": "năm",
}
UNIT_KEYS = {"leader", "deputy", "unit", "members"}
MEMBERSHIP_KEYS = {"voted", "subject", "reviewer", "membership"}
CRITERION_KEYS = {"criterion", "parent_id"}
USER_KEYS = {"actor", "by", "user"}
# Keys that hold a model field's choices under another name.
CHOICE_FIELDS = {"leader_chosen_by": "chosen_by", "deputy_chosen_by": "chosen_by"}
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NUMBER = re.compile(r"^-?\d+\.\d+$")


@cache
def _model_fields() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Every product model field's verbose name, and its choices' labels, by field name."""
    names, choices = {}, {}
    for label in PRODUCT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                verbose = str(field.verbose_name)
                if verbose != field.name.replace("_", " "):
                    names.setdefault(field.name, verbose)
                if field.choices:
                    choices.setdefault(field.name, {}).update({str(v): str(t) for v, t in field.flatchoices})
    return names, choices


@cache
def _choices_of(model_label: str, key: str) -> dict[str, str]:
    """The labels of a field's choices on the event's own model (a ballot's "open" is not a criteria
    set's), else on any product model."""
    name = CHOICE_FIELDS.get(key, key)
    try:
        field = apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        field = None
    if field is not None and getattr(field, "choices", None):
        return {str(v): str(t) for v, t in field.flatchoices}
    return _model_fields()[1].get(name, {})


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def kind_label(object_type: str) -> str:
    label = current_label(object_type)
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


def field_label(key: str, model: str = "") -> str | None:
    """The key's label: the event's own model field's verbose name first (a file's "name" is not a
    unit's), then `FIELDS`, then any product model's field of that name."""
    try:
        field = apps.get_model(model)._meta.get_field(key) if model else None
        verbose = str(getattr(field, "verbose_name", "") or "")  # a reverse relation has none
    except (LookupError, ValueError, FieldDoesNotExist):
        verbose = ""
    if verbose and verbose != key.replace("_", " "):
        return verbose
    if key in FIELDS:
        return FIELDS[key]
    return _model_fields()[0].get(key)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


# Keys whose values are ids, by what they refer to.
REFERS_TO = {
    **dict.fromkeys(UNIT_KEYS, "unit"),
    **dict.fromkeys(MEMBERSHIP_KEYS, "membership"),
    **dict.fromkeys(USER_KEYS, "user"),
    **dict.fromkeys(CRITERION_KEYS, "criterion"),
}


_NAMES_OF = {
    "unit": lambda ids: dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")),
    "membership": lambda ids: dict(Membership.objects.filter(pk__in=ids).values_list("pk", "unit__name")),
    "user": lambda ids: {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=ids)},
    # Criteria belong to scoring, above blocs: read through the app registry, never imported.
    "criterion": lambda ids: {
        c.pk: f"{c.code} {c.text}".strip()[:80]
        for c in apps.get_model("scoring", "Criterion").objects.filter(pk__in=ids)
    },
}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Names:
    """Unit, membership, user and criterion names for the events of one page: a query per kind of
    id the page holds, four at most."""

    def __init__(self, events):
        ids: dict[str, set[int]] = {kind: set() for kind in set(REFERS_TO.values())}
        for event in events:
            for values in (event.old, event.new):
                for key, value in values.items() if isinstance(values, dict) else ():
                    if key in REFERS_TO:
                        ids[REFERS_TO[key]].update(
                            i for i in (value if isinstance(value, list) else [value]) if _is_id(i)
                        )
        self.tables = {kind: _NAMES_OF[kind](found) if found else {} for kind, found in ids.items()}

    def of(self, key: str, value):
        """The name behind an id-valued key, "#id" when the row is gone; None for any other key."""
        if key in REFERS_TO and _is_id(value):
            return self.tables[REFERS_TO[key]].get(value, f"#{value}")
        return None


def show(key: str, value, names: Names, model: str = "") -> str:
    """One value as a person reads it (`model`: the event's object type, for its fields' choices)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    named = names.of(key, value)
    if named is not None:
        return named
    if isinstance(value, list):
        return "; ".join(show(key, v, names, model) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(k, model) or k}: {show(k, v, names, model)}" for k, v in value.items()
        )
    choices = _choices_of(model, key)
    if str(value) in choices:
        return choices[str(value)]
    if isinstance(value, int | float | Decimal):
        return grouped(value)
    text = str(value)
    if NUMBER.match(text):
        try:
            return grouped(Decimal(text))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return text
    if ISO_TIME.match(text):
        try:
            return timezone.localtime(datetime.fromisoformat(text)).strftime("%H:%M %d/%m/%Y")
        except ValueError:
            return text
    if ISO_DAY.match(text):
        try:
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


def changes(event, names: Names) -> list[Change]:
    """The event's changes, field by field, leaving out those that read the same before and after."""
    old = event.old if isinstance(event.old, dict) else {}
    new = event.new if isinstance(event.new, dict) else {}
    model = current_label(event.object_type)
    found = []
    for key in list(dict.fromkeys([*old, *new])):
        before = show(key, old.get(key), names, model) if key in old else ""
        after = show(key, new.get(key), names, model) if key in new else ""
        if key in old and key in new and before == after:
            continue
        found.append(Change(field_label(key, model) or key, before, after))
    return found
