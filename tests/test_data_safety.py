"""Data safety. Nothing signed, scored or voted can be deleted: not by the database (every
reference is PROTECT), not through the admin (no model of the project can be deleted there, and
what is signed, scored or voted cannot be added or changed there either), not through the pages
(every removing URL is refused on a closed year and changes nothing).

And the archive of a term: exported, written as JSON, restored into an empty database, exported
again, it is the same archive — row for row and byte for byte. What import refuses, and what the
archive never holds (online ballots' marks, password hashes). One module, so that the demo province
both use is loaded once."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models.deletion import ProtectedError
from django.test import Client, RequestFactory
from django.utils import timezone

from agreements.models import Agreement, Commitment, Registration, Target
from archive import archive
from ballots.models import Ballot, BallotChoice, BallotKind, BallotState
from blocs.models import AuditEvent, Membership, Role, SubmitReceipt, Term, Unit, UnitName, User
from board.models import AwardDecision, BoardDeadline
from conferences.models import Conference, Document
from scoring.models import CriteriaSet, Evidence, Explanation, FinalScore, Layer, Score, Sheet
from tests.blocs.test_permission_matrix import PROJECT_APPS, db_state
from tests.factories import make_term

pytestmark = pytest.mark.django_db

NOI_CHINH = "Khối thi đua các cơ quan Nội chính tỉnh"
NOT_RESTORED = {"password", "last_login", "is_staff", "is_superuser"}
SCAN = b"%PDF-1.4\n% quyet dinh thanh lap khoi\n%%EOF\n"


@pytest.fixture
def term(demo):
    """Nội chính 2023 (scored, voted, documents sent, closed), with what the demo does not have: a
    superseded agreement version, the formation decision's scan, an award decision and a deadline."""
    term = Term.objects.get(bloc__name=NOI_CHINH, year=2023)
    term.decision_scan.save("quyet-dinh.pdf", ContentFile(SCAN))
    signed = term.agreements.get()
    Agreement.objects.filter(pk=signed.pk).update(superseded_at=timezone.now())
    draft = Agreement.objects.create(
        term=term, version=2, title=signed.title, rules_pdf=signed.final_pdf.name
    )
    Commitment.objects.create(agreement=draft, position=1, text="Nội dung sửa đổi")
    leader = term.memberships.get(role=Role.LEADER)
    board = User.objects.get(username="bantdkt")
    AwardDecision.objects.create(
        term=term, membership=leader, award="co_tinh", awarded=True, decision_number="15/QĐ-UBND",
        decision_date=date(2024, 2, 1), recorded_by=board,
    )  # fmt: skip
    BoardDeadline.objects.create(year=2023, item="documents_submitted", due=date(2024, 1, 15))
    return term


@pytest.fixture
def empty_installation(settings, tmp_path):
    """Empties the database as `migrate` leaves a new installation (the test's transaction brings
    the demo back afterwards) and gives it an empty upload folder, whose path it returns."""

    def empty():
        connection.check_constraints()  # PostgreSQL runs the deferred checks, so that TRUNCATE may run
        call_command("flush", interactive=False, verbosity=0)
        settings.MEDIA_ROOT = tmp_path / "restored-media"
        settings.MEDIA_ROOT.mkdir()
        return settings.MEDIA_ROOT

    yield empty
    ContentType.objects.clear_cache()  # the flush's content types are rolled back with the test


def archived_rows() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in archive.LABELS}


def files_in(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def database_rows(data: dict) -> dict[str, list[dict]]:
    """The archive's rows as the database holds them, column by column (no password or login time)."""
    rows = {}
    for label in archive.LABELS:
        pks = [o["pk"] for o in data["objects"] if o["model"] == label]
        values = apps.get_model(label).objects.filter(pk__in=pks).order_by("pk").values()
        rows[label] = [{k: v for k, v in row.items() if k not in NOT_RESTORED} for row in values]
    rows["groups"] = sorted(User.groups.through.objects.values_list("user_id", "group__name"))
    return rows


def read(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def source_counts(term: Term) -> dict[str, int]:
    """The term's rows, counted through its own relations (not through the archive's paths)."""
    criteria_set = term.criteria_set
    sheets = Sheet.objects.filter(criteria_set=criteria_set)
    ballots = Ballot.objects.filter(term=term)
    return {
        "blocs.term": 1,
        "blocs.bloc": 1,
        "blocs.membership": term.memberships.count(),
        "agreements.agreement": term.agreements.count(),
        "agreements.commitment": sum(a.commitments.count() for a in term.agreements.all()),
        "agreements.registration": Registration.objects.filter(agreement__in=term.agreements.all()).count(),
        "agreements.target": Target.objects.filter(registration__agreement__term=term).count(),
        "scoring.criteriaset": 1,
        "scoring.criterion": criteria_set.criteria.count(),
        "scoring.sheet": sheets.count(),
        "scoring.score": Score.objects.filter(sheet__in=sheets).count(),
        "scoring.evidence": Evidence.objects.filter(sheet__in=sheets).count(),
        "scoring.explanation": Explanation.objects.filter(criteria_set=criteria_set).count(),
        "scoring.finalscore": FinalScore.objects.filter(criteria_set=criteria_set).count(),
        "ballots.ballot": ballots.count(),
        "ballots.ballotcandidate": sum(b.candidates.count() for b in ballots),
        "ballots.ballotpresence": sum(b.present.count() for b in ballots),
        "ballots.ballotparticipation": sum(b.participations.count() for b in ballots),
        "conferences.conference": Conference.objects.filter(term=term).count(),
        "conferences.conferenceattendance": sum(c.attendance.count() for c in term.conferences.all()),
        "conferences.document": Document.objects.filter(term=term).count(),
        "board.awarddecision": 1,
        "board.boarddeadline": 1,
        "blocs.auditevent": AuditEvent.objects.filter(term=term).count(),
    }


def test_a_term_comes_back_from_its_archive_row_for_row_and_byte_for_byte(term, empty_installation):
    first = archive.export_term(term)
    text = archive.dumps(first)
    expected = source_counts(term)
    assert {label: first["counts"][label] for label in expected} == expected
    assert all(first["counts"].values()), "every archived model has rows in this term"
    member_units = set(term.memberships.values_list("unit_id", flat=True))
    actors = set(AuditEvent.objects.filter(term=term, actor__isnull=False).values_list("actor", flat=True))
    users = set(User.objects.filter(unit__in=member_units).values_list("pk", flat=True)) | actors
    users.add(User.objects.get(username="bantdkt").pk)  # recorded the award decision
    assert {o["pk"] for o in first["objects"] if o["model"] == "blocs.user"} == users
    stored = {f["name"]: read(f["name"]) for f in first["files"]}
    assert term.decision_scan.name in stored and len(stored) > 10
    for document in Document.objects.filter(term=term):
        assert hashlib.sha256(stored[document.pdf.name]).hexdigest() == document.sha256
    assert BallotChoice.objects.filter(ballot__term=term).exists()
    before = database_rows(first)

    media = empty_installation()
    assert not any(archived_rows().values()) and files_in(media) == {}
    restored = archive.import_archive(archive.loads(text.encode()))

    second = archive.export_term(restored)
    original = json.loads(text)
    assert original.pop("exported_at") != second.pop("exported_at")
    assert second == original
    assert database_rows(first) == before
    rows = archived_rows()
    assert rows == {**first["counts"], "blocs.auditevent": first["counts"]["blocs.auditevent"] + 1}
    assert AuditEvent.objects.filter(action="term.import", term=None).count() == 1
    assert not BallotChoice.objects.exists()
    assert files_in(media) == stored
    assert not any(user.has_usable_password() for user in User.objects.all())
    # The id sequences were moved past the restored rows (PostgreSQL would reuse id 1 otherwise).
    newest = Unit.objects.order_by("-pk").first().pk
    assert Unit.objects.create(name="Đơn vị thành lập sau khi phục hồi").pk > newest
    assert UnitName.objects.filter(unit__memberships__term=restored).exists()


V1_ARCHIVE = Path(__file__).parent / "fixtures" / "archive_v1_noi_chinh_2023.json.gz"


def test_an_archive_of_version_1_restores_under_the_labels_of_today(demo, empty_installation):
    """Written by the last release before the split of scoring (commit e249053, its demo's Nội chính
    2023): its rows come back in the apps they live in now, its audit events keep their old labels."""
    data = archive.loads(V1_ARCHIVE.read_bytes())
    assert data["version"] == 1 and data["counts"]["scoring.ballot"] == 2
    old_events = [o for o in data["objects"] if o["model"] == "blocs.auditevent"]
    old_labels = {o["fields"]["object_type"] for o in old_events}
    assert {"scoring.ballot", "scoring.document"} <= old_labels
    empty_installation()
    restored = archive.import_archive(data)
    assert Ballot.objects.filter(term=restored).count() == 2
    assert Document.objects.filter(term=restored).count() == data["counts"]["scoring.document"]
    assert AuditEvent.objects.filter(object_type="scoring.ballot").count() == sum(
        1 for o in old_events if o["fields"]["object_type"] == "scoring.ballot"
    )
    assert Score.objects.filter(sheet__criteria_set__term=restored).count() == data["counts"]["scoring.score"]
    assert AuditEvent.objects.filter(object_type="scoring.assessment").exists()
    assert AuditEvent.objects.get(action="term.import").new["version"] == 1
    again = archive.export_term(restored)
    assert again["version"] == archive.FORMAT_VERSION
    assert again["counts"]["ballots.ballot"] == 2 and "scoring.ballot" not in again["counts"]


def test_an_archive_of_version_1_from_an_older_schema_is_still_refused(demo, empty_installation):
    data = archive.loads(V1_ARCHIVE.read_bytes())
    data["migrations"]["scoring"] = "0004_conferences_documents"
    empty_installation()
    with pytest.raises(archive.ArchiveError, match="cấu trúc dữ liệu khác"):
        archive.import_archive(data)


def test_the_archive_never_holds_ballot_marks_or_password_hashes(term):
    marks = list(BallotChoice.objects.filter(ballot__term=term).values_list("pk", flat=True))
    hashes = [h for h in User.objects.values_list("password", flat=True) if h]
    assert marks and hashes
    text = archive.dumps(archive.export_term(term))
    assert "ballotchoice" not in text.lower()
    assert not any(mark in text for mark in marks)
    assert not any(h in text for h in hashes)
    users = [o["fields"] for o in json.loads(text)["objects"] if o["model"] == "blocs.user"]
    assert users and not any({"password", "last_login", "is_superuser"} & set(fields) for fields in users)
    online = Ballot.objects.get(term=term, kind=BallotKind.LEADING)
    closed = next(
        o for o in json.loads(text)["objects"] if o["model"] == "ballots.ballot" and o["pk"] == online.pk
    )
    assert closed["fields"]["result"] == online.result and closed["fields"]["valid"] == online.valid


def test_export_refuses_a_term_whose_ballot_is_still_open(tmp_path):
    term = make_term(year=2024, members=3)
    ballot = Ballot.objects.create(
        term=term, kind=BallotKind.LEADING, title="Suy tôn đơn vị dẫn đầu", state=BallotState.OPEN,
        opened_at=timezone.now(),
    )  # fmt: skip
    path = tmp_path / "khoi.json"
    with pytest.raises(archive.ArchiveError, match="đang mở"):
        archive.export_term(term)
    with pytest.raises(CommandError, match="bí mật"):
        call_command("export_term", str(path), term=term.pk)
    assert not path.exists()
    Ballot.objects.filter(pk=ballot.pk).update(state=BallotState.DRAFT, opened_at=None)
    assert archive.export_term(term)["counts"]["ballots.ballot"] == 1


def test_import_refuses_a_database_that_is_not_empty(term, empty_installation):
    data = archive.loads(archive.dumps(archive.export_term(term)).encode())
    before = archived_rows()
    with pytest.raises(archive.ArchiveError, match="đã có dữ liệu"):
        archive.import_archive(data)
    assert archived_rows() == before
    empty_installation()
    Unit.objects.create(name="Một đơn vị đã tạo trước")
    with pytest.raises(archive.ArchiveError, match="đã có dữ liệu"):
        archive.import_archive(data)
    assert not Term.objects.exists()


def _drop_a_user(data):
    user = next(o for o in data["objects"] if o["model"] == "blocs.user")
    data["objects"].remove(user)
    data["counts"]["blocs.user"] -= 1


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda data: data.update(version=3), "phiên bản 3"),
        (lambda data: data.update(format="django-dumpdata"), "không phải là bản lưu trữ"),
        (lambda data: data["migrations"].update(scoring="0099_future"), "cấu trúc dữ liệu khác"),
        (
            lambda data: data["objects"].append({"model": "ballots.ballotchoice", "fields": {}}),
            "không được phép",
        ),
        (_drop_a_user, "tham chiếu blocs.user"),
    ],
    ids=["unknown-version", "other-format", "other-schema", "ballot-marks", "dangling-reference"],
)
def test_import_refuses_an_archive_it_cannot_trust(term, empty_installation, tamper, message):
    data = json.loads(archive.dumps(archive.export_term(term)))
    tamper(data)
    media = empty_installation()
    with pytest.raises(archive.ArchiveError, match=message):
        archive.import_archive(data)
    assert not any(archived_rows().values()) and files_in(media) == {}


def test_a_corrupted_file_restores_nothing(term, empty_installation):
    data = json.loads(archive.dumps(archive.export_term(term)))
    entry = next(f for f in data["files"] if f["name"] == term.decision_scan.name)
    entry["base64"] = base64.b64encode(SCAN.replace(b"quyet", b"QUYET")).decode()
    media = empty_installation()
    with pytest.raises(archive.ArchiveError, match="SHA-256 không khớp"):
        archive.import_archive(data)
    assert not any(archived_rows().values()) and files_in(media) == {}


def test_a_row_the_database_refuses_restores_nothing_not_even_the_files(term, empty_installation):
    data = json.loads(archive.dumps(archive.export_term(term)))
    deduction = next(
        o for o in data["objects"] if o["model"] == "scoring.score" and o["fields"]["kind"] == "deduction"
    )
    deduction["fields"]["points"] = "1.00"  # a deduction is never positive (a check constraint)
    media = empty_installation()
    with pytest.raises(archive.ArchiveError, match="không hợp lệ"):
        archive.import_archive(data)
    assert not any(archived_rows().values()) and files_in(media) == {}


def test_the_commands_write_an_archive_file_and_restore_from_it(term, empty_installation, tmp_path):
    path = tmp_path / "noi-chinh-2023.json.gz"
    out = StringIO()
    call_command("export_term", str(path), bloc=term.bloc.short_name, year=2023, stdout=out)
    assert "Đã xuất" in out.getvalue()
    header = json.loads(gzip.decompress(path.read_bytes()))
    assert (header["format"], header["version"], header["term"]["year"]) == (archive.FORMAT, 2, 2023)
    with pytest.raises(CommandError, match="không có năm thi đua 1999"):
        call_command("export_term", str(tmp_path / "x.json"), bloc=term.bloc.name, year=1999)

    empty_installation()
    out = StringIO()
    call_command("import_term", str(path), stdout=out)
    assert "Đã phục hồi" in out.getvalue() and "changepassword" in out.getvalue()
    restored = Term.objects.get(bloc__name=NOI_CHINH, year=2023)
    assert restored.pk == term.pk and Membership.objects.filter(term=restored).count() == 8
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("import_term", str(path))
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        call_command("import_term", str(tmp_path / "khong-co.json"))


def test_every_model_is_archived_or_left_out_on_purpose():
    models = {
        model._meta.label_lower for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()
    }
    assert set(archive.LABELS) <= models
    assert models - set(archive.LABELS) - set(archive.NOT_ARCHIVED) == set()


# Nothing can be deleted ----------------------------------------------------------------------------

# Rows whose history is the product: the admin shows them at most, and changes them never.
FROZEN_APPS = ("agreements", "scoring", "ballots", "conferences", "board")


def project_models():
    return [
        m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models() if m is not SubmitReceipt
    ]


def test_every_reference_between_rows_is_protect():
    loose = [
        f"{model._meta.label}.{field.name}: {field.remote_field.on_delete.__name__}"
        for model in project_models()
        for field in model._meta.get_fields()
        if isinstance(field, (models.ForeignKey, models.OneToOneField))
        and field.concrete
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert not loose


@pytest.mark.django_db
def test_the_admin_deletes_nothing_and_changes_nothing_signed_scored_or_voted():
    superuser = User.objects.create_superuser("quantri", "qt@example.gov.vn", "Mot-mat-khau-rat-dai-2024")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registered = dict(admin.site._registry)
    checked = 0
    for model in project_models():
        model_admin = registered.get(model)
        if model_admin is None:
            continue
        checked += 1
        assert not model_admin.has_delete_permission(request), model._meta.label
        assert "delete_selected" not in model_admin.get_actions(request), model._meta.label
        if model._meta.app_label in FROZEN_APPS:
            assert not model_admin.has_add_permission(request), model._meta.label
            assert not model_admin.has_change_permission(request), model._meta.label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request, None), (model._meta.label, inline)
    assert checked >= 12
    # Secret choices are nowhere in the admin; a term's year, status and members are not edited there.
    assert not {m for m in registered if m._meta.label in ("ballots.BallotChoice",)}
    term_admin = registered[Term]
    assert {"bloc", "year", "status", "closed_at"} <= set(term_admin.get_readonly_fields(request))
    for inline in term_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None) and not inline.has_change_permission(
            request, None
        )


@pytest.fixture(scope="module")
def closed_year(demo):
    """The demo's Nội chính 2023: signed, scored, voted, its documents sent, closed."""
    term = Term.objects.get(bloc__short_name__icontains="Nội chính", year=2023)
    assert not term.is_open
    return term


@pytest.mark.django_db
def test_a_closed_year_cannot_be_deleted_row_by_row(closed_year):
    agreement = Agreement.objects.filter(term=closed_year).latest("version")
    for row in (
        closed_year,
        agreement,
        CriteriaSet.objects.get(term=closed_year),
        Sheet.objects.filter(criteria_set__term=closed_year, layer=Layer.SELF).first(),
        Ballot.objects.filter(term=closed_year).first(),
        Membership.objects.filter(term=closed_year).first(),
    ):
        with pytest.raises(ProtectedError):
            row.delete()


@pytest.mark.django_db
def test_every_removing_page_refuses_a_closed_year_and_changes_nothing(closed_year):
    agreement = Agreement.objects.filter(term=closed_year).latest("version")
    criteria_set = CriteriaSet.objects.get(term=closed_year)
    cross = Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.CROSS).first()
    evidence = Evidence.objects.filter(sheet__criteria_set=criteria_set).first()
    urls = [
        f"/terms/{closed_year.pk}/members/{closed_year.memberships.first().pk}/remove/",
        f"/agreements/{agreement.pk}/commitments/{agreement.commitments.first().pk}/remove/",
        f"/scoring/criteria/{criteria_set.criteria.first().pk}/remove/",
    ]
    if cross is not None:
        urls.append(f"/scoring/reviews/{cross.pk}/unassign/")
    if evidence is not None:
        urls.append(f"/scoring/evidence/{evidence.pk}/remove/")
    browsers = []
    for username in ("truongkhoicu", "bantdkt"):  # the 2023 leader, board staff
        browsers.append(Client())
        browsers[-1].force_login(User.objects.get(username=username))
    before = db_state()
    for browser in browsers:
        for url in urls:
            response = browser.post(url, follow=True)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
    assert db_state() == before
