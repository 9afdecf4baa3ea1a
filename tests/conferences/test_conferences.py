"""The term's conferences: what each records, where the facts it does not record come from, the
quorum, bad input, concurrent edits, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest

from agreements.models import Agreement
from blocs.models import AuditEvent, Role
from conferences.models import Conference, ConferenceAttendance
from tests.ballots.factories import make_ballot
from tests.blocs.test_permission_matrix import VIEWERS, World, check_case, db_state, expect
from tests.factories import make_agreement, make_term, unit_user

pytestmark = pytest.mark.django_db

MIDYEAR = {
    "date": "15/07/2024",
    "start_time": "08:00",
    "end_time": "11:30",
    "place": "Hội trường Công an tỉnh",
    "chair_name": "Trần Văn Hùng",
    "chair_title": "Chánh Văn phòng Viện Kiểm sát nhân dân tỉnh",
    "secretary_name": "Lê Thị Hoa",
    "secretary_title": "Chuyên viên",
    "agenda": "Sơ kết 6 tháng; nhiệm vụ 6 tháng cuối năm",
    "notes": "Các thành viên thống nhất.",
    "approved_count": "3",
}


@pytest.fixture
def term():
    return make_term(year=2024, members=4)


def post(client, term, kind, data, present=()):
    members = list(term.memberships.order_by("position"))
    extra = {}
    for i in present:
        extra[f"present-{members[i].pk}"] = "1"
        extra[f"rep-{members[i].pk}"] = f"Đại diện {i}"
    return client.post(f"/terms/{term.pk}/conferences/{kind}/", {**data, **extra})


def test_the_deputy_records_the_mid_year_conference_with_its_attendance_and_quorum(client, term):
    client.force_login(unit_user(term, Role.DEPUTY))
    response = post(client, term, "midyear", MIDYEAR, present=(0, 1, 2))
    assert response.status_code == 302
    conference = Conference.objects.get(term=term, kind="midyear")
    assert conference.date == date(2024, 7, 15) and conference.approved_count == 3
    assert ConferenceAttendance.objects.filter(conference=conference).count() == 3
    page = client.get(f"/terms/{term.pk}/conferences/midyear/").content.decode()
    assert "Có mặt <strong>3/4</strong>" in page and "quá nửa số thành viên" in page
    assert AuditEvent.objects.filter(action="conference.record", object_id=str(conference.pk)).exists()


def test_the_signing_conference_takes_its_date_and_place_from_the_agreement(client, term):
    make_agreement(term, venue="Viện Kiểm sát nhân dân tỉnh", conference_date=date(2024, 2, 27))
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/terms/{term.pk}/conferences/signing/").content.decode()
    assert "27/02/2024" in page and "Viện Kiểm sát nhân dân tỉnh" in page
    assert 'name="date"' not in page and 'name="place"' not in page
    post(
        client, term, "signing", {**MIDYEAR, "date": "01/01/2024", "place": "Nơi khác"}, present=(0, 1, 2, 3)
    )
    conference = Conference.objects.get(term=term, kind="signing")
    assert conference.date is None and conference.place == ""  # one source: the agreement
    assert Agreement.objects.get(term=term).conference_date == date(2024, 2, 27)


def test_the_year_end_attendance_is_the_ballots_list_of_members_present(client, term):
    members = list(term.memberships.order_by("position"))
    make_ballot(term, present=members[:3], state="open")
    make_ballot(term, present=members)  # a draft lists everyone until edited: not counted
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get(f"/terms/{term.pk}/conferences/yearend/").content.decode()
    assert "Có mặt <strong>3/4</strong>" in page and "các cuộc bỏ phiếu" in page
    assert 'name="present-' not in page
    response = post(client, term, "yearend", {**MIDYEAR, "approved_count": "3"}, present=(3,))
    assert response.status_code == 302
    assert not ConferenceAttendance.objects.exists()  # the ballots' list, not a second one


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "31/02/2024"}, "Ngày không hợp lệ"),
        ({"start_time": "25:00"}, "Giờ không hợp lệ"),
        ({"end_time": "07:00"}, "Giờ kết thúc phải sau giờ bắt đầu"),
        ({"approved_count": "-1"}, "không được âm"),
        ({"approved_count": "4"}, "không thể lớn hơn số thành viên có mặt"),
        ({"notes": "a\x00b"}, "ký tự"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, term, change, message):
    client.force_login(unit_user(term, Role.LEADER))
    before = db_state()
    response = post(client, term, "midyear", {**MIDYEAR, **change}, present=(0, 1, 2))
    assert response.status_code == 400 and message in response.content.decode()
    assert db_state() == before


def test_a_stale_form_is_refused(client, term):
    client.force_login(unit_user(term, Role.LEADER))
    post(client, term, "midyear", MIDYEAR, present=(0, 1, 2))
    conference = Conference.objects.get(term=term, kind="midyear")
    read_at = conference.lock_version
    post(client, term, "midyear", {**MIDYEAR, "notes": "Lần một", "lock_version": read_at}, present=(0, 1, 2))
    response = post(
        client, term, "midyear", {**MIDYEAR, "notes": "Lần hai", "lock_version": read_at}, present=(0,)
    )
    assert response.status_code == 400 and "Người khác vừa sửa" in response.content.decode()
    conference.refresh_from_db()
    assert conference.notes == "Lần một"


def test_the_conference_rules_are_the_models_for_the_form_and_the_service(term):
    from datetime import time

    from django.core.exceptions import ValidationError

    from conferences.forms import ConferenceForm
    from conferences.services.conference import conference_save

    message = "Giờ kết thúc phải sau giờ bắt đầu."
    with pytest.raises(ValidationError) as caught:
        Conference(kind="midyear", start_time=time(8), end_time=time(8)).full_clean(exclude=["term"])
    assert caught.value.message_dict == {"end_time": [message]}
    form = ConferenceForm({**MIDYEAR, "end_time": "08:00"}, kind="midyear")
    assert not form.is_valid() and form.errors["end_time"] == [message]
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        conference_save(
            term=term, kind="midyear", data={"start_time": time(8), "end_time": time(7)}, present=None,
            lock_version=None, by=None,
        )  # fmt: skip
    assert caught.value.message_dict == {"end_time": [message]}
    assert db_state() == before
    constraint = next(c for c in Conference._meta.constraints if c.name == "conference_ends_after_start")
    assert constraint.violation_error_message == message


# Who may do what --------------------------------------------------------------------------------

EDITORS = ["leader", "deputy"]
MATRIX = {
    ("conferences:conferences", "GET"): expect(VIEWERS + ["board"], 200),
    ("conferences:conference", "GET"): expect(VIEWERS + ["board"], 200),
    ("conferences:conference", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
}
CASES = [(n, m, p, s) for (n, m), table in MATRIX.items() for p, s in table.items()]


@pytest.fixture(scope="module")
def world(module_db):
    return World()


@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, world, name, method, persona, status):
    url = {
        "conferences:conferences": f"/terms/{world.term.pk}/conferences/",
        "conferences:conference": f"/terms/{world.term.pk}/conferences/midyear/",
    }[name]
    check_case(
        client, world, persona, status, url=url, method=method,
        data=lambda: {**MIDYEAR, "approved_count": ""}, mutating=method == "POST",
    )  # fmt: skip


def test_unknown_kinds_are_not_found(client, term):
    client.force_login(unit_user(term, Role.LEADER))
    assert client.get(f"/terms/{term.pk}/conferences/other/").status_code == 404
