"""Pages: the year selector, Vietnamese messages for every rule, uploads, the admin."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from blocs.models import AuditEvent, Membership, Role, Term, TermStatus, Unit, UnitKind
from blocs.years import default_year
from tests.factories import make_bloc, make_membership, make_term, make_unit, make_user, unit_user

pytestmark = pytest.mark.django_db


def close(term: Term) -> None:
    Term.objects.filter(pk=term.pk).update(status=TermStatus.CLOSED, closed_at="2025-01-10T08:00:00+07:00")


def test_default_year_is_latest_open_term_not_the_clock():
    close(make_term(year=2025))
    make_term(year=2023)
    make_term(year=2022)
    assert default_year() == 2023


def test_default_year_falls_back_to_latest_term_when_all_closed():
    close(make_term(year=2021))
    close(make_term(year=2019))
    assert default_year() == 2021


def test_year_selector_is_remembered_across_pages(client):
    bloc = make_bloc()
    old, new = make_term(bloc=bloc, year=2022, members=2), make_term(bloc=bloc, year=2023, members=2)
    client.force_login(make_user(board=True))
    assert "Tổng quan năm 2023" in client.get("/").content.decode()
    client.get("/?year=2022")
    page = client.get("/blocs/").content.decode()
    assert "Các khối thi đua năm 2022" in page
    assert old.memberships.first().unit.name in page
    assert new.year == 2023


def test_malformed_year_is_ignored(client):
    make_term(year=2023)
    client.force_login(make_user(board=True))
    response = client.get("/?year=20x3")
    assert response.status_code == 200
    assert "Tổng quan năm 2023" in response.content.decode()


def test_pages_show_the_unit_name_of_that_year(client):
    bloc = make_bloc()
    unit = make_unit(name="Cục Thi hành án dân sự tỉnh")
    t23, t24 = make_term(bloc=bloc, year=2023), make_term(bloc=bloc, year=2024)
    make_membership(term=t23, unit=unit, role=Role.LEADER)
    make_membership(term=t24, unit=unit, role=Role.LEADER)
    from blocs.services import unit_rename

    unit_rename(unit=unit, new_name="Thi hành án dân sự tỉnh", new_short_name="", from_year=2024, by=None)
    client.force_login(make_user(board=True))
    assert "Cục Thi hành án dân sự tỉnh" in client.get(f"/terms/{t23.pk}/").content.decode()
    page24 = client.get(f"/terms/{t24.pk}/").content.decode()
    assert "Thi hành án dân sự tỉnh" in page24 and "Cục Thi hành án" not in page24


def test_adding_a_unit_already_in_another_bloc_that_year_gets_a_message(client):
    other = make_term(year=2024, members=2)
    taken = other.memberships.first().unit
    term = make_term(year=2024, members=2)
    client.force_login(make_user(board=True))
    before = Membership.objects.count()
    # The form offers only free units; a crafted POST still gets the service's message.
    response = client.post(f"/terms/{term.pk}/members/add/", {"unit": taken.pk})
    assert response.status_code == 200
    assert Membership.objects.count() == before


def test_adding_a_unit_in_another_bloc_is_refused_with_the_bloc_named(client):
    other = make_term(year=2024, members=2)
    taken = other.memberships.first().unit
    term = make_term(year=2024, members=2)
    client.force_login(make_user(board=True))
    from blocs.forms import MembershipAddForm

    form = MembershipAddForm(term=term)
    assert taken in form.fields["unit"].queryset  # offered: it is not in *this* term
    response = client.post(f"/terms/{term.pk}/members/add/", {"unit": taken.pk})
    assert "mỗi đơn vị chỉ thuộc một khối trong một năm" in response.content.decode()
    assert other.bloc.name in response.content.decode()
    assert not term.memberships.filter(unit=taken).exists()


def test_board_unit_is_not_offered_as_member(client):
    board_unit = Unit.objects.create(name="Ban Thi đua – Khen thưởng", kind=UnitKind.BOARD)
    term = make_term(year=2024)
    client.force_login(make_user(board=True, unit=board_unit))
    response = client.post(f"/terms/{term.pk}/members/add/", {"unit": board_unit.pk})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not term.memberships.exists()


def test_same_unit_as_leader_and_deputy_gets_a_message(client):
    term = make_term(year=2024, members=3)
    unit = term.memberships.get(position=3).unit
    client.force_login(make_user(board=True))
    before = list(term.memberships.values_list("unit_id", "role"))
    response = client.post(
        f"/terms/{term.pk}/leadership/",
        {"leader": unit.pk, "leader_chosen_by": "elected", "deputy": unit.pk, "deputy_chosen_by": "elected"},
    )
    assert response.status_code == 200
    assert "hai đơn vị khác nhau" in response.content.decode()
    assert list(term.memberships.values_list("unit_id", "role")) == before


def test_duplicate_term_year_gets_a_message(client):
    term = make_term(year=2024)
    client.force_login(make_user(board=True))
    response = client.post(
        f"/blocs/{term.bloc_id}/terms/new/", {"year": "2024", "decision_issuer": "UBND tỉnh"}
    )
    assert response.status_code == 200
    assert "Khối đã có năm thi đua 2024." in response.content.decode()
    assert Term.objects.filter(bloc=term.bloc).count() == 1


@pytest.mark.parametrize("raw", ["31/02/2024", "2024-13-01", "hôm qua", "<script>"])
def test_malformed_decision_date_gets_a_message(client, raw):
    term = make_term(year=2024)
    client.force_login(make_user(board=True))
    response = client.post(f"/terms/{term.pk}/edit/", {"decision_date": raw, "decision_number": "1/QĐ-UBND"})
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    term.refresh_from_db()
    assert term.decision_number == "" and term.decision_date is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("quyet-dinh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "không phải PDF"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_decision_scan_must_be_a_pdf_by_content(client, name, content, message):
    term = make_term(year=2024)
    client.force_login(make_user(board=True))
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        f"/terms/{term.pk}/edit/",
        {"decision_scan": upload, "decision_issuer": "UBND tỉnh", "decision_number": "2/QĐ"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    term.refresh_from_db()
    assert not term.decision_scan and term.decision_number == ""


def test_oversized_decision_scan_is_refused(client, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    term = make_term(year=2024)
    client.force_login(make_user(board=True))
    upload = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    response = client.post(
        f"/terms/{term.pk}/edit/", {"decision_scan": upload, "decision_issuer": "UBND tỉnh"}
    )
    assert "Tệp quá lớn" in response.content.decode()
    term.refresh_from_db()
    assert not term.decision_scan


def test_decision_scan_is_served_only_through_the_permission_checked_view(client, settings):
    term = make_term(year=2024, members=2)
    client.force_login(make_user(board=True))
    upload = SimpleUploadedFile("qd.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        f"/terms/{term.pk}/edit/", {"decision_scan": upload, "decision_issuer": "UBND tỉnh"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.decision_scan.name.startswith("terms/")
    assert client.get(f"/media/{term.decision_scan.name}").status_code == 404
    client.force_login(make_user())  # a user of no member unit
    assert client.get(f"/terms/{term.pk}/decision/").status_code == 404


def test_closed_term_is_read_only_for_board_staff_too(client):
    term = make_term(year=2023, members=3)
    client.force_login(make_user(board=True))
    assert client.post(f"/terms/{term.pk}/close/", {"reason": "Đã tổng kết"}).status_code == 302
    assert Term.objects.get(pk=term.pk).status == TermStatus.CLOSED
    for url in ["edit/", "members/add/", "leadership/", "elect/", "close/"]:
        assert client.get(f"/terms/{term.pk}/{url}").status_code == 403, url
    assert AuditEvent.objects.filter(action="term.close", term=term).count() == 1


def test_leader_elects_next_year_and_the_new_term_opens_with_members(client):
    term = make_term(year=2024, members=4)
    leader = unit_user(term, Role.LEADER)
    deputy_unit = term.memberships.get(role=Role.DEPUTY).unit
    client.force_login(leader)
    page = client.get(f"/terms/{term.pk}/elect/").content.decode()
    assert "Đề xuất theo luân phiên" in page and deputy_unit.name in page
    third = term.memberships.get(position=3).unit
    response = client.post(
        f"/terms/{term.pk}/elect/",
        {
            "leader": deputy_unit.pk,
            "leader_chosen_by": "elected",
            "deputy": third.pk,
            "deputy_chosen_by": "acclaimed",
            "confirmed": "yes",
        },
    )
    nxt = Term.objects.get(bloc=term.bloc, year=2025)
    assert response.status_code == 302 and response["Location"] == f"/terms/{nxt.pk}/"
    assert nxt.memberships.count() == 4
    assert nxt.memberships.get(role=Role.LEADER).unit == deputy_unit
    assert nxt.memberships.get(role=Role.DEPUTY).chosen_by == "acclaimed"
    # The outgoing leader has no leader's rights on the new term.
    assert client.get(f"/terms/{nxt.pk}/elect/").status_code == 403


def test_admin_deletes_nothing_that_history_refers_to(client):
    admin = make_user(is_superuser=True, is_staff=True)
    term = make_term(year=2024, members=2)
    client.force_login(admin)
    unit = term.memberships.first().unit
    assert client.get(f"/admin/blocs/unit/{unit.pk}/delete/").status_code == 403
    assert client.get(f"/admin/blocs/term/{term.pk}/delete/").status_code == 403
    assert client.get(f"/admin/blocs/user/{admin.pk}/delete/").status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_board_creates_an_account_and_the_user_can_log_in(client):
    unit = make_unit()
    client.force_login(make_user(board=True))
    response = client.post(
        "/accounts/new/",
        {
            "unit": unit.pk,
            "username": "nguyenvana",
            "full_name": "Nguyễn Văn A",
            "password": "Mat-khau-moi-2024!",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="nguyenvana", password="Mat-khau-moi-2024!")


def test_weak_password_gets_a_vietnamese_message(client):
    unit = make_unit()
    client.force_login(make_user(board=True))
    response = client.post(
        "/accounts/new/", {"unit": unit.pk, "username": "yeu", "full_name": "Mật khẩu yếu", "password": "123"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in page
    assert "This password" not in page


def test_deactivated_user_cannot_log_in(client):
    member = make_user(unit=make_unit())
    client.force_login(make_user(board=True))
    assert client.post(f"/accounts/{member.pk}/active/", {"active": "0"}).status_code == 302
    client.logout()
    from tests.factories import PASSWORD

    assert not client.login(username=member.username, password=PASSWORD)


def test_login_page_is_vietnamese(client):
    page = client.get("/login/").content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page
    assert "Mật khẩu" in page


def test_pages_carry_a_strict_csp(client):
    client.force_login(make_user(board=True))
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp


def test_health_answers_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_leader_dashboard_lists_election_task(client):
    term = make_term(year=2024, members=3)
    client.force_login(unit_user(term, Role.LEADER))
    page = client.get("/").content.decode()
    assert "Bầu trưởng, phó khối năm sau" in page


def test_board_dashboard_flags_term_without_leader(client):
    term = make_term(year=2024)
    make_membership(term=term)
    client.force_login(make_user(board=True))
    page = client.get("/").content.decode()
    assert "Chưa ghi nhận trưởng khối" in page
    assert Membership.objects.filter(term=term, role=Role.LEADER).count() == 0


def test_the_dashboard_counts_every_member_and_names_the_leadership_and_the_users_role(client):
    term = make_term(year=2024, members=5)
    other = make_term(year=2024, members=3)
    leader, deputy = (term.memberships.get(role=role) for role in (Role.LEADER, Role.DEPUTY))
    member = term.memberships.filter(role=Role.MEMBER).first()
    for user, role in ((make_user(board=True), None), (make_user(unit=member.unit), "Thành viên")):
        client.force_login(user)
        page = client.get("/?year=2024").content.decode()
        card = page.split(f'id="term-{term.pk}"', 1)[1].split("</article>", 1)[0]
        assert "5 thành viên" in card
        assert leader.unit.name in card and deputy.unit.name in card
        assert (f"Đơn vị bạn: <strong>{role}</strong>" in card) is (role is not None)
        assert (f'id="term-{other.pk}"' in page) is (role is None)  # a member sees its own bloc only
