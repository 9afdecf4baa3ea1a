"""The archive of one term: everything its year left behind, as one versioned JSON document that
restores into an empty installation (`manage.py export_term`, `manage.py import_term`; the format is
described in docs/ARCHIVE.md).

Rows go through Django's own serializer with their primary keys, every row after the rows it refers
to; files ride along in base64 with their SHA-256. Two things are left out on purpose: the choices of
online ballots (a vote is secret; a closed ballot's counts are in its result and its candidates'
votes) and password hashes (a restored account has an unusable password until someone resets it).

Version 2 names the models by the apps they live in since the split of `scoring` (ballots,
conferences, board) and the sheet by its name (scoring.sheet, its foreign keys `sheet`); an archive
of version 1 is read through the audit log's map of old labels (`blocs.audit.MOVED_LABELS`) and
V1_FIELDS, the values unchanged.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from datetime import date, datetime, time
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q
from django.utils import timezone

from blocs.audit import MOVED_LABELS, audit_record
from blocs.documents import sha256
from blocs.models import Membership, Role, Term, Unit, User

FORMAT = "khoithidua-term-archive"
FORMAT_VERSION = 2
# The apps whose schema the rows follow (auth for the user's own fields).
SCHEMA_APPS = ("auth", "blocs", "agreements", "scoring", "ballots", "conferences", "board")
# Version 1 was written by the last release before the split, at this schema; what it holds is read
# as version 2 at the schema the split left, which changed no row (V1_UPGRADE).
V1_SCHEMA = {
    "auth": "0012_alter_user_first_name_max_length",
    "blocs": "0003_submit_receipt",
    "agreements": "0001_initial",
    "scoring": "0005_award_decision_lock_version",
}
V1_UPGRADE = {
    **V1_SCHEMA,
    "scoring": "0008_rule_messages",
    # Their migrations since only declare rules and messages on the models (no SQL): the rows are the same.
    "ballots": "0002_ballot_rules_messages",
    "conferences": "0002_conference_rules_messages",
    "board": "0002_award_decision_rules_messages",
}

# Every archived model in insertion order, with the path from its rows to the term. Units, their
# former names and users have none: they are the ones the term's rows refer to (see _querysets).
MODELS: tuple[tuple[str, str | None], ...] = (
    ("blocs.unit", None),
    ("blocs.unitname", None),
    ("blocs.bloc", "terms"),
    ("blocs.user", None),
    ("blocs.term", "pk"),
    ("blocs.membership", "term"),
    ("agreements.agreement", "term"),
    ("agreements.commitment", "agreement__term"),
    ("agreements.registration", "agreement__term"),
    ("agreements.target", "registration__agreement__term"),
    ("scoring.criteriaset", "term"),
    ("scoring.criterion", "criteria_set__term"),
    ("scoring.sheet", "criteria_set__term"),
    ("scoring.score", "sheet__criteria_set__term"),
    ("scoring.evidence", "sheet__criteria_set__term"),
    ("scoring.explanation", "criteria_set__term"),
    ("scoring.finalscore", "criteria_set__term"),
    ("ballots.ballot", "term"),
    ("ballots.ballotcandidate", "ballot__term"),
    ("ballots.ballotpresence", "ballot__term"),
    ("ballots.ballotparticipation", "ballot__term"),
    ("conferences.conference", "term"),
    ("conferences.conferenceattendance", "conference__term"),
    ("conferences.document", "term"),
    ("board.awarddecision", "term"),
    ("board.boarddeadline", None),
    ("blocs.auditevent", "term"),
)
LABELS = tuple(label for label, _ in MODELS)
# Models of the product's apps that no archive holds, and why (a test keeps this list complete).
NOT_ARCHIVED = {
    "ballots.ballotchoice": "the marks of online ballots are secret; the counts are in Ballot.result",
    "blocs.submitreceipt": "double-submit receipts live minutes and belong to no term",
    "province.award": "the province's catalogue, seeded by migrate; the rows name awards by code",
}
# A user's own fields: never the password hash, the last login or the administrator flags.
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "full_name",
    "job_title",
    "unit",
    "is_active",
    "date_joined",
    "groups",
)


class ArchiveError(Exception):
    """Why a term cannot be exported or an archive cannot be restored, in Vietnamese for the user."""


class _Encoder(json.JSONEncoder):
    """Like Django's JSON encoder, but datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, date | datetime | time):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def dumps(data: dict) -> str:
    return json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=1)


def loads(raw: bytes) -> dict:
    """An archive read from a file, gzipped or not."""
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArchiveError(f"Tệp không phải là JSON hợp lệ ({exc}).") from None
    if not isinstance(data, dict):
        raise ArchiveError("Tệp không phải là bản lưu trữ năm thi đua.")
    return data


# Export -----------------------------------------------------------------------------------------


def export_term(term: Term) -> dict:
    """The term's archive as plain JSON data. Refused while one of its ballots is open: the marks
    cast so far could only be archived by breaking the vote's secrecy."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for every query, so that a change made meanwhile cannot tear the archive.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if apps.get_model("ballots.ballot").objects.filter(term=term, state="open").exists():
            raise ArchiveError(
                f"Năm thi đua {term.year} của {term.bloc} còn cuộc bỏ phiếu đang mở. Hãy kết thúc bỏ "
                "phiếu trước khi xuất: các lựa chọn của phiếu bầu trực tuyến là bí mật, không được "
                "đưa vào tệp lưu trữ."
            )
        objects = []
        for queryset in _querysets(term).values():
            objects += _serialize(queryset)
        _check_references(objects)
        files = [_file_entry(storage, name) for name, storage in _files_of(objects).items()]
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "migrations": _schema(),
            "term": _summary(term),
            "counts": {label: sum(1 for o in objects if o["model"] == label) for label in LABELS},
            "objects": objects,
            "files": sorted(files, key=lambda f: f["name"]),
        }


def _querysets(term: Term) -> dict[str, models.QuerySet]:
    rows = {label: apps.get_model(label).objects.filter(**{path: term.pk}) for label, path in MODELS if path}
    rows["board.boarddeadline"] = apps.get_model("board.boarddeadline").objects.filter(year=term.year)
    # Users: the accounts of the member units, and everyone the rows name (board staff who acted,
    # the supervisor); units: the members' and those users'.
    named = set()
    for queryset in rows.values():
        for field in queryset.model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                named.update(queryset.exclude(**{field.attname: None}).values_list(field.attname, flat=True))
    member_units = rows["blocs.membership"].values("unit_id")
    users = User.objects.filter(Q(unit__in=member_units) | Q(pk__in=named))
    units = Unit.objects.filter(Q(pk__in=member_units) | Q(pk__in=users.values("unit_id")))
    rows["blocs.unit"] = units
    rows["blocs.unitname"] = apps.get_model("blocs.unitname").objects.filter(unit__in=units)
    rows["blocs.user"] = users
    return {label: rows[label].order_by("pk") for label in LABELS}


def _serialize(queryset: models.QuerySet) -> list[dict]:
    if queryset.model is User:
        rows = serializers.serialize("python", queryset, fields=USER_FIELDS, use_natural_foreign_keys=True)
        for row in rows:
            row["fields"]["groups"] = sorted(row["fields"]["groups"])
    else:
        rows = serializers.serialize("python", queryset)
    return json.loads(json.dumps(rows, cls=_Encoder))


def _file_entry(storage, name: str) -> dict:
    try:
        with storage.open(name, "rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise ArchiveError(
            f"Thiếu tệp “{name}” trong thư mục tải lên (MEDIA_ROOT); không thể xuất đủ năm thi đua."
        ) from None
    return {
        "name": name,
        "size": len(content),
        "sha256": sha256(content),
        "base64": base64.b64encode(content).decode("ascii"),
    }


def _summary(term: Term) -> dict:
    members = Membership.objects.filter(term=term).with_unit_name()
    leadership = {m.role: m.unit_name for m in members.exclude(role=Role.MEMBER)}
    return {
        "id": term.pk,
        "bloc": term.bloc.name,
        "year": term.year,
        "status": term.status,
        "closed_at": term.closed_at.isoformat() if term.closed_at else None,
        "leader": leadership.get(Role.LEADER),
        "deputy": leadership.get(Role.DEPUTY),
        "members": members.count(),
    }


def _schema() -> dict[str, str]:
    """The latest migration of each app whose tables the archive fills."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return {app: ",".join(sorted(name for _, name in graph.leaf_nodes(app))) for app in SCHEMA_APPS}


# Checks shared by export and import -------------------------------------------------------------


def _check_references(objects: list[dict]) -> None:
    """Every row the archive's rows refer to is in the archive, so that it restores on its own."""
    present = {(o["model"], o["pk"]) for o in objects}
    for o in objects:
        for field in apps.get_model(o["model"])._meta.concrete_fields:
            value = o["fields"].get(field.name)
            if field.is_relation and value is not None:
                target = field.related_model._meta.label_lower
                if (target, value) not in present:
                    raise ArchiveError(
                        f"Tệp lưu trữ không đầy đủ: {o['model']} {o['pk']} tham chiếu {target} {value} "
                        "không có trong tệp."
                    )


def _files_of(objects: list[dict]) -> dict[str, object]:
    """The stored files the rows name, each with its storage."""
    found = {}
    for o in objects:
        for field in apps.get_model(o["model"])._meta.concrete_fields:
            if isinstance(field, models.FileField) and o["fields"].get(field.name):
                found[o["fields"][field.name]] = field.storage
    return dict(sorted(found.items()))


# Import -----------------------------------------------------------------------------------------


def import_archive(data: dict) -> Term:
    """Restore an archive into an empty database (after `migrate`), in one transaction, its files
    into storage; nothing is written unless everything checks out. Restored accounts have an
    unusable password."""
    data = _upgrade(data)
    objects = _check_header(data)
    _check_references(objects)
    files = _check_files(data, objects)
    _check_schema(data.get("migrations"))
    _check_empty()
    written: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            # Files first: should a row then fail, the files written are removed below.
            for name, (storage, content) in files.items():
                if not storage.exists(name):
                    written.append((storage, storage.save(name, ContentFile(content))))
                    if written[-1][1] != name:
                        raise ArchiveError(f"Không ghi được tệp “{name}” đúng tên vào thư mục tải lên.")
            _restore_rows(objects)
            term = Term.objects.get(pk=data["term"]["id"])
            audit_record(
                actor=None,
                action="term.import",
                obj=term,
                new={
                    "version": data.get("read_as", data["version"]),
                    "exported_at": data.get("exported_at"),
                    "rows": len(objects),
                },
            )
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return term


# Fields renamed since version 1, by model label of today: the sheet's foreign key (its column kept).
V1_FIELDS = {"scoring.score": {"assessment": "sheet"}, "scoring.evidence": {"assessment": "sheet"}}


def _upgrade_row(row: dict) -> dict:
    model = MOVED_LABELS.get(row.get("model"), row.get("model"))
    fields = row.get("fields")
    renamed = V1_FIELDS.get(model, {})
    if isinstance(fields, dict) and renamed:
        fields = {renamed.get(name, name): value for name, value in fields.items()}
    return {**row, "model": model, "fields": fields}


def _upgrade(data: dict) -> dict:
    """An archive of an earlier format version, as the current version would hold it. Anything not
    recognised is left for the checks to refuse."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        return data
    _check_recorded_schema(data.get("migrations"), V1_SCHEMA)
    objects = data.get("objects")
    if isinstance(objects, list):
        objects = [_upgrade_row(o) if isinstance(o, dict) else o for o in objects]
    counts = data.get("counts")
    if isinstance(counts, dict):
        counts = {MOVED_LABELS.get(label, label): n for label, n in counts.items()}
    return {
        **data,
        "version": 2,
        "migrations": V1_UPGRADE,
        "objects": objects,
        "counts": counts,
        "read_as": 1,
    }


def _check_header(data: dict) -> list[dict]:
    if data.get("format") != FORMAT:
        raise ArchiveError("Tệp không phải là bản lưu trữ năm thi đua của phần mềm Khối thi đua.")
    if data.get("version") != FORMAT_VERSION:
        raise ArchiveError(
            f"Tệp lưu trữ có định dạng phiên bản {data.get('version')!r}; phần mềm này chỉ đọc "
            f"phiên bản {FORMAT_VERSION}. Hãy dùng phiên bản phần mềm đã xuất tệp."
        )
    objects = data.get("objects")
    if not isinstance(objects, list) or not all(
        isinstance(o, dict) and isinstance(o.get("fields"), dict) for o in objects
    ):
        raise ArchiveError("Tệp lưu trữ không toàn vẹn: thiếu danh sách bản ghi.")
    unknown = sorted({o.get("model") for o in objects} - set(LABELS), key=str)
    if unknown:
        raise ArchiveError(f"Tệp lưu trữ chứa loại dữ liệu không được phép: {', '.join(map(str, unknown))}.")
    counts = {label: sum(1 for o in objects if o["model"] == label) for label in LABELS}
    if data.get("counts") != counts:
        raise ArchiveError("Tệp lưu trữ không toàn vẹn: số bản ghi không khớp với phần đầu tệp.")
    term_id = (data.get("term") or {}).get("id")
    if [o["pk"] for o in objects if o["model"] == "blocs.term"] != [term_id]:
        raise ArchiveError("Tệp lưu trữ không toàn vẹn: phải có đúng một năm thi đua.")
    return objects


def _check_files(data: dict, objects: list[dict]) -> dict[str, tuple[object, bytes]]:
    """The files, decoded and checked against their SHA-256, and against what storage already has."""
    needed = _files_of(objects)
    entries = {f.get("name"): f for f in data.get("files") or [] if isinstance(f, dict)}
    if set(entries) != set(needed):
        missing = sorted(set(needed) - set(entries)) or sorted(set(entries) - set(needed), key=str)
        raise ArchiveError(f"Tệp lưu trữ không toàn vẹn: danh sách tệp đính kèm không khớp ({missing[0]}).")
    files = {}
    for name, storage in needed.items():
        try:
            validate_file_name(name, allow_relative_path=True)
            content = base64.b64decode(entries[name].get("base64") or "", validate=True)
        except (SuspiciousFileOperation, binascii.Error, TypeError):
            raise ArchiveError(f"Tệp đính kèm “{name}” không hợp lệ.") from None
        if sha256(content) != entries[name].get("sha256"):
            raise ArchiveError(f"Tệp đính kèm “{name}” bị hỏng: mã SHA-256 không khớp. Không phục hồi gì cả.")
        if storage.exists(name):
            with storage.open(name, "rb") as handle:
                if handle.read() != content:
                    raise ArchiveError(f"Thư mục tải lên đã có tệp “{name}” với nội dung khác; không ghi đè.")
        files[name] = (storage, content)
    return files


def _check_recorded_schema(recorded, current: dict[str, str]) -> None:
    """An archive restores only at the schema it was written at (`recorded`, by app): at another, its
    rows would land where columns have changed."""
    if recorded != current:
        recorded = recorded if isinstance(recorded, dict) else {}
        differ = [
            f"{app}: {recorded.get(app, '—')} / {current[app]}"
            for app in current
            if recorded.get(app) != current[app]
        ]
        raise ArchiveError(
            "Tệp được xuất từ phiên bản phần mềm có cấu trúc dữ liệu khác (tệp / phần mềm này: "
            f"{'; '.join(differ)}). Hãy phục hồi bằng đúng phiên bản phần mềm đã xuất tệp."
        )


def _check_schema(recorded) -> None:
    _check_recorded_schema(recorded, _schema())
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ArchiveError(
            "Cơ sở dữ liệu chưa cập nhật cấu trúc: chạy “manage.py migrate” trước khi phục hồi."
        )


def _check_empty() -> None:
    found = [
        str(model._meta.verbose_name_plural)
        for model in map(apps.get_model, LABELS)
        if model._default_manager.exists()
    ]
    if found:
        listed = "; ".join(found[:3]) + ("; …" if len(found) > 3 else "")
        raise ArchiveError(
            f"Cơ sở dữ liệu này đã có dữ liệu ({listed}). Chỉ phục hồi vào một cơ sở dữ liệu "
            "mới, trống: tạo cơ sở dữ liệu, chạy “manage.py migrate”, phục hồi, rồi mới tạo tài khoản "
            "quản trị."
        )


def _restore_rows(objects: list[dict]) -> None:
    """Insert the rows as loaddata does (raw saves, keys as given), then move the id sequences past
    them and check every reference before the transaction may commit."""
    names = {
        name for o in objects if o["model"] == "blocs.user" for name, *_ in o["fields"].get("groups", [])
    }
    for name in sorted(names):
        Group.objects.get_or_create(name=name)
    try:
        for restored in serializers.deserialize("python", objects):
            if isinstance(restored.object, User):
                restored.object.set_unusable_password()
            restored.save(force_insert=True)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(map(apps.get_model, LABELS))):
                cursor.execute(sql)
        connection.check_constraints(table_names=[apps.get_model(label)._meta.db_table for label in LABELS])
    except (DeserializationError, DatabaseError) as exc:
        raise ArchiveError(f"Không phục hồi được: dữ liệu trong tệp không hợp lệ ({exc}).") from exc
