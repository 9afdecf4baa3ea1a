"""The agreement's rules: who starts it, what a draft needs to become final, and that nothing
final or signed is ever changed."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from agreements import services
from agreements.models import Agreement, AgreementStatus, Commitment, Registration
from blocs.models import AuditEvent, Role
from tests.blocs.test_permission_matrix import db_state
from tests.factories import make_agreement, make_term, make_user

pytestmark = pytest.mark.django_db

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture(autouse=True)
def _quick_print(monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)


@contextmanager
def refused(*fragments: str):
    before = db_state()
    with pytest.raises(ValidationError) as exc:
        yield exc
    message = " ".join(exc.value.messages)
    for fragment in fragments:
        assert fragment in message, message
    assert db_state() == before


def leader_of(term):
    return make_user(unit=term.memberships.get(role=Role.LEADER).unit)


def pdf(name="ban-ky.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Starting ---------------------------------------------------------------------------------------


def test_a_term_without_a_leader_cannot_start_its_agreement():
    term = make_term(year=2024)
    with refused("chưa có trưởng khối"):
        services.agreement_start(term=term, by=None)


def test_start_creates_one_draft_with_the_default_title_and_an_audit_event():
    term = make_term(year=2024, members=3)
    agreement = services.agreement_start(term=term, by=leader_of(term))
    assert (agreement.title, agreement.status, agreement.version) == ("Giao ước thi đua năm 2024", "draft", 1)
    assert AuditEvent.objects.filter(action="agreement.start", object_id=str(agreement.pk)).count() == 1
    with refused("đã có giao ước"):
        services.agreement_start(term=term, by=None)


def test_closed_term_cannot_start_an_agreement():
    term = make_term(year=2023, members=2)
    from blocs.services import term_close

    term_close(term=term, by=None)
    with refused("đã kết thúc"):
        services.agreement_start(term=term, by=None)


# Editing the draft ------------------------------------------------------------------------------


def test_stale_edit_is_refused_with_a_reload_message():
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term)
    services.agreement_update(agreement=agreement, data={"theme": "Chủ đề A"}, lock_version=0, by=None)
    with refused("Người khác vừa sửa"):
        services.agreement_update(agreement=agreement, data={"theme": "Chủ đề B"}, lock_version=0, by=None)
    assert Agreement.objects.get(pk=agreement.pk).theme == "Chủ đề A"


def test_commitments_are_added_moved_and_removed_in_order():
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term, commitments=3)
    first = agreement.commitments.get(position=1)
    services.commitment_move(commitment=first, offset=1, by=None)
    assert list(agreement.commitments.order_by("position").values_list("text", flat=True)) == [
        "Nội dung thi đua số 2",
        "Nội dung thi đua số 1",
        "Nội dung thi đua số 3",
    ]
    services.commitment_remove(commitment=agreement.commitments.get(position=1), by=None)
    assert list(agreement.commitments.order_by("position").values_list("position", "text")) == [
        (1, "Nội dung thi đua số 1"),
        (2, "Nội dung thi đua số 3"),
    ]
    services.commitment_add(agreement=agreement, text="Nội dung mới", by=None)
    assert agreement.commitments.get(position=3).text == "Nội dung mới"


def test_last_years_commitments_are_copied_in_one_step():
    previous_term = make_term(year=2023, members=2)
    term = make_term(bloc=previous_term.bloc, year=2024, members=2)
    make_agreement(previous_term, commitments=4)
    agreement = make_agreement(term, commitments=1)
    assert services.commitments_copy_previous(agreement=agreement, by=None) == 4
    assert agreement.commitments.count() == 5
    assert agreement.commitments.get(position=5).text == "Nội dung thi đua số 4"


def test_copying_without_last_years_agreement_is_explained():
    agreement = make_agreement(make_term(year=2024, members=2))
    with refused("không có giao ước năm 2023"):
        services.commitments_copy_previous(agreement=agreement, by=None)


def test_registration_defaults_to_the_unit_head_and_saves_targets_as_decimals():
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term, register=False)
    membership = term.memberships.get(position=2)
    defaults = services.registration_defaults(membership)
    assert defaults["signer_name"] == membership.unit.head_name
    reg = services.registration_save(
        agreement=agreement,
        membership=membership,
        data={**defaults, "awards": ["tt_ldxs"], "slogan": "Kỷ cương"},
        targets=[("Tỷ lệ giải quyết", Decimal("95.5"), "%")],
        lock_version=0,
        by=None,
    )
    assert [(t.indicator, t.value) for t in reg.targets.all()] == [("Tỷ lệ giải quyết", Decimal("95.50"))]
    with refused("Người khác vừa sửa"):
        services.registration_save(
            agreement=agreement,
            membership=membership,
            data={"slogan": "Khác"},
            targets=[],
            lock_version=0,
            by=None,
        )


def test_registration_of_a_unit_outside_the_term_is_refused():
    term = make_term(year=2024, members=2)
    other = make_term(year=2024, members=1).memberships.get()
    agreement = make_agreement(term, register=False)
    with refused("không là thành viên"):
        services.registration_save(
            agreement=agreement, membership=other, data={}, targets=[], lock_version=None, by=None
        )


# Finalizing -------------------------------------------------------------------------------------


def test_finalize_lists_every_missing_piece_and_changes_nothing():
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term, commitments=0, register=False)
    reg_unit = term.memberships.get(position=2)
    Registration.objects.create(agreement=agreement, membership=reg_unit)
    names = {m.position: m.unit.name for m in term.memberships.select_related("unit")}
    with refused("Chưa có nội dung thi đua", f"{names[1]} chưa đăng ký", f"{names[2]} chưa ghi người ký",
                 f"{names[3]} chưa đăng ký"):  # fmt: skip
        services.agreement_finalize(agreement=agreement, by=None)


def test_finalize_freezes_content_and_twice_changes_nothing():
    term = make_term(year=2024, members=2)
    leader = leader_of(term)
    agreement = services.agreement_finalize(agreement=make_agreement(term), by=leader)
    assert agreement.status == AgreementStatus.FINAL
    assert agreement.frozen["commitments"] == ["Nội dung thi đua số 1", "Nội dung thi đua số 2"]
    assert [m["signer_name"] for m in agreement.frozen["members"]] == ["Người ký 1", "Người ký 2"]
    assert len(agreement.verification_code) >= 16
    before = db_state()
    again = services.agreement_finalize(agreement=agreement, by=leader)
    assert db_state() == before
    assert again.final_sha256 == agreement.final_sha256


@pytest.mark.parametrize(
    "edit",
    [
        lambda a: services.agreement_update(agreement=a, data={"title": "Khác"}, lock_version=None, by=None),
        lambda a: services.commitment_add(agreement=a, text="Thêm", by=None),
        lambda a: services.commitment_update(
            commitment=a.commitments.first(), text="Sửa", lock_version=None, by=None
        ),
        lambda a: services.commitment_move(commitment=a.commitments.first(), offset=1, by=None),
        lambda a: services.commitment_remove(commitment=a.commitments.first(), by=None),
        lambda a: services.commitments_copy_previous(agreement=a, by=None),
        lambda a: services.attachment_set(agreement=a, kind="rules", upload=pdf(), by=None),
        lambda a: services.registration_save(
            agreement=a, membership=a.term.memberships.first(), data={"slogan": "Khác"}, targets=[],
            lock_version=None, by=None,
        ),
    ],
    ids=["update", "add", "edit", "move", "remove", "copy", "attach", "register"],
)  # fmt: skip
@pytest.mark.parametrize("status", ["final", "signed"])
def test_every_edit_of_a_final_or_signed_agreement_is_refused(edit, status):
    term = make_term(year=2024, members=2)
    agreement = services.agreement_finalize(agreement=make_agreement(term), by=None)
    if status == "signed":
        agreement = services.agreement_sign(
            agreement=agreement, scan=pdf(), signed_on=date(2024, 2, 5), by=None
        )
    with refused("không sửa được"):
        edit(agreement)


def test_a_final_agreement_cannot_be_deleted():
    term = make_term(year=2024, members=2)
    agreement = services.agreement_finalize(agreement=make_agreement(term), by=None)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        agreement.delete()
    with pytest.raises(ProtectedError):
        term.delete()


# Versions ---------------------------------------------------------------------------------------


def test_new_version_copies_content_and_registrations_and_supersedes_the_old():
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term, commitments=3)
    reg = agreement.registrations.first()
    reg.targets.create(position=1, indicator="Chỉ tiêu A", value=Decimal("10"), unit_of_measure="vụ")
    agreement = services.agreement_finalize(agreement=agreement, by=None)
    old_row = Agreement.objects.filter(pk=agreement.pk).values().get()
    draft = services.agreement_new_version(agreement=agreement, by=leader_of(term))
    assert (draft.version, draft.status) == (2, AgreementStatus.DRAFT)
    assert list(draft.commitments.values_list("text", flat=True)) == list(
        agreement.commitments.values_list("text", flat=True)
    )
    assert draft.registrations.count() == 2
    assert draft.registrations.get(membership=reg.membership).targets.get().indicator == "Chỉ tiêu A"
    old = Agreement.objects.get(pk=agreement.pk)
    assert old.is_superseded and old.status == AgreementStatus.FINAL
    unchanged = {k: v for k, v in old_row.items() if k != "superseded_at"}
    assert {
        k: v
        for k, v in Agreement.objects.filter(pk=agreement.pk).values().get().items()
        if k != "superseded_at"
    } == unchanged
    with refused("đã được thay thế"):
        services.agreement_new_version(agreement=old, by=None)


def test_the_database_allows_one_current_version_and_each_version_once():
    term = make_term(year=2024, members=1)
    make_agreement(term)
    with (
        pytest.raises(IntegrityError, match="agreement_one_current_per_term|agreements_agreement.term_id"),
        transaction.atomic(),
    ):
        Agreement.objects.bulk_create([Agreement(term=term, version=2, title="Bản thứ hai")])
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.bulk_create([Agreement(term=term, version=1, title="Trùng phiên bản")])


def test_the_database_refuses_a_final_agreement_without_its_frozen_content():
    term = make_term(year=2024, members=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.bulk_create([Agreement(term=term, title="Giả", status=AgreementStatus.FINAL)])


def test_registration_is_once_per_member_in_the_database():
    term = make_term(year=2024, members=1)
    agreement = make_agreement(term)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.bulk_create(
            [Registration(agreement=agreement, membership=term.memberships.get())]
        )


# Signing ----------------------------------------------------------------------------------------


def test_signing_needs_a_final_agreement():
    agreement = make_agreement(make_term(year=2024, members=1))
    with refused("sau khi giao ước đã hoàn thiện"):
        services.agreement_sign(agreement=agreement, scan=pdf(), signed_on=date(2024, 2, 5), by=None)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 200), "không phải PDF"),
        (pdf("rong.pdf", b""), "rỗng"),
        (pdf("lon.pdf", b"%PDF-1.4\n" + b"0" * 3 * 1024 * 1024), "quá lớn"),
    ],
    ids=["png-renamed", "empty", "oversized"],
)
def test_bad_scans_are_refused_and_nothing_is_stored(settings, upload, message):
    settings.MAX_UPLOAD_SIZE = 2 * 1024 * 1024
    agreement = services.agreement_finalize(
        agreement=make_agreement(make_term(year=2024, members=1)), by=None
    )
    files_before = sorted(p.name for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file())
    with refused(message):
        services.agreement_sign(agreement=agreement, scan=upload, signed_on=date(2024, 2, 5), by=None)
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == files_before


def test_signing_records_the_scan_and_date_once():
    term = make_term(year=2024, members=1)
    agreement = services.agreement_finalize(agreement=make_agreement(term), by=None)
    signed = services.agreement_sign(
        agreement=agreement, scan=pdf(), signed_on=date(2024, 2, 5), by=leader_of(term)
    )
    assert (signed.status, signed.signed_on) == (AgreementStatus.SIGNED, date(2024, 2, 5))
    with signed.signed_scan.open("rb") as stored:
        assert stored.read() == TINY_PDF
    with refused("đã có bản ký"):
        services.agreement_sign(agreement=signed, scan=pdf(), signed_on=date(2024, 2, 6), by=None)


def test_signing_date_in_the_future_or_another_year_is_refused():
    agreement = services.agreement_finalize(
        agreement=make_agreement(make_term(year=2024, members=1)), by=None
    )
    with refused("không được sau hôm nay"):
        services.agreement_sign(agreement=agreement, scan=pdf(), signed_on=date(2099, 1, 1), by=None)
    with refused("phải trong năm 2024"):
        services.agreement_sign(agreement=agreement, scan=pdf(), signed_on=date(2021, 1, 1), by=None)


def test_every_write_leaves_an_audit_event():
    term = make_term(year=2024, members=2)
    agreement = services.agreement_start(term=term, by=None)
    c = services.commitment_add(agreement=agreement, text="Một", by=None)
    services.commitment_update(commitment=c, text="Một (sửa)", lock_version=None, by=None)
    for m in term.memberships.select_related("unit"):
        data = {"signer_title": "Giám đốc", "signer_name": f"Ông {m.position}"}
        services.registration_save(
            agreement=agreement, membership=m, data=data, targets=[], lock_version=None, by=None
        )
    agreement = services.agreement_finalize(agreement=agreement, by=None)
    services.agreement_sign(agreement=agreement, scan=pdf(), signed_on=date(2024, 2, 5), by=None)
    actions = list(AuditEvent.objects.filter(term=term).order_by("at", "pk").values_list("action", flat=True))
    assert actions == [
        "agreement.start",
        "commitment.add",
        "commitment.update",
        "registration.save",
        "registration.save",
        "agreement.finalize",
        "agreement.sign",
    ]
    assert Commitment.objects.get(pk=c.pk).text == "Một (sửa)"


def test_verification_codes_are_unambiguous_and_typed_back_in_any_case():
    for _ in range(200):
        code = services.new_verification_code()
        assert len(code) == 16 and set(code) <= set(services.CODE_ALPHABET)
        assert not set(code) & set("01OIL-_")
    assert services.normalize_code(" abcd-EFGH jkmn ") == "ABCDEFGHJKMN"
