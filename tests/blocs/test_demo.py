"""The demo province: the facts the source articles give, the rules it must obey, and idempotence."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from blocs import permissions
from blocs.models import AuditEvent, Bloc, ChosenBy, Membership, Role, Term, TermStatus, User
from blocs.years import default_year
from demo.blocs import DEMO_PASSWORD, PERSONAS
from tests.blocs.test_permission_matrix import PROJECT_APPS

pytestmark = pytest.mark.django_db

NOI_CHINH = "Khối thi đua các cơ quan Nội chính tỉnh"
PARTY = "Khối thi đua các Ban xây dựng Đảng và cơ quan trực thuộc Tỉnh ủy"


def members(bloc_name: str, year: int) -> list[str]:
    return list(
        Membership.objects.filter(term__bloc__name=bloc_name, year=year)
        .with_unit_name()
        .order_by("position")
        .values_list("unit_name", flat=True)
    )


def leadership(bloc_name: str, year: int) -> dict[str, tuple[str, str]]:
    rows = Membership.objects.filter(term__bloc__name=bloc_name, year=year).exclude(role=Role.MEMBER)
    return {m.role: (m.unit.name_in(year), m.chosen_by) for m in rows.select_related("unit")}


def counts() -> dict[str, int]:
    """Rows of every model of the project's apps."""
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_loading_twice_changes_nothing(demo):
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "không thay đổi gì" in out.getvalue()


def test_command_prints_every_login_and_the_password(demo):
    assert DEMO_PASSWORD in demo
    for persona in PERSONAS:
        assert persona.username in demo


def test_every_bloc_has_every_year_and_only_2024_is_open(demo):
    assert Bloc.objects.count() >= 4
    for bloc in Bloc.objects.all():
        years = dict(bloc.terms.values_list("year", "status"))
        assert sorted(years) == list(range(2018, 2025)), bloc.name
        assert years[2024] == TermStatus.OPEN
        assert {years[y] for y in range(2018, 2024)} == {TermStatus.CLOSED}


def test_every_term_has_one_leader_and_one_deputy_among_its_members(demo):
    for term in Term.objects.all():
        roles = sorted(term.memberships.exclude(role=Role.MEMBER).values_list("role", flat=True))
        assert roles == [Role.DEPUTY, Role.LEADER], term
        assert term.decision_number, term


def test_noi_chinh_2018_follows_seed_004(demo):
    assert members(NOI_CHINH, 2018) == [
        "Thanh tra tỉnh",
        "Sở Tư pháp",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "Công an tỉnh",
        "Viện Kiểm sát nhân dân tỉnh",
        "Tòa án nhân dân tỉnh",
        "Cục Thi hành án dân sự tỉnh",
    ]
    lead = leadership(NOI_CHINH, 2018)
    assert lead[Role.LEADER][0] == "Thanh tra tỉnh"
    assert lead[Role.DEPUTY][0] == "Sở Tư pháp"


def test_noi_chinh_2022_has_the_twelve_units_of_seed_003_led_by_thanh_tra(demo):
    names = members(NOI_CHINH, 2022)
    assert len(names) == 12
    assert {"Trại giam Đắk Tân", "Trại giam Đắk Trung", "Lữ đoàn 198, Bộ Tư lệnh Đặc công"} <= set(names)
    assert "Cục Thi hành án dân sự tỉnh" in names
    assert leadership(NOI_CHINH, 2022)[Role.LEADER][0] == "Thanh tra tỉnh"


def test_noi_chinh_2023_follows_seed_000(demo):
    term = Term.objects.get(bloc__name=NOI_CHINH, year=2023)
    assert term.decision_label == "Quyết định số 42/QĐ-UBND ngày 12/01/2023 của UBND tỉnh"
    assert members(NOI_CHINH, 2023) == [
        "Thanh tra tỉnh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Công an tỉnh",
        "Sở Nội vụ",
        "Sở Tư pháp",
        "Viện Kiểm sát nhân dân tỉnh",
        "Tòa án nhân dân tỉnh",
        "Cục Thi hành án dân sự tỉnh",
    ]
    assert leadership(NOI_CHINH, 2023)[Role.LEADER][0] == "Thanh tra tỉnh"


def test_renamed_unit_keeps_its_old_name_on_earlier_years(demo):
    assert "Cục Thi hành án dân sự tỉnh" in members(NOI_CHINH, 2023)
    assert "Thi hành án dân sự tỉnh" in members(NOI_CHINH, 2024)
    assert "Cục Thi hành án dân sự tỉnh" not in members(NOI_CHINH, 2024)


def test_party_bloc_follows_seeds_001_and_002(demo):
    assert leadership(PARTY, 2018)[Role.LEADER] == ("Văn phòng Tỉnh ủy", ChosenBy.ACCLAIMED)
    assert leadership(PARTY, 2023)[Role.LEADER][0] == "Ban Tổ chức Tỉnh ủy"
    assert leadership(PARTY, 2024) == {
        Role.LEADER: ("Ủy ban Kiểm tra Tỉnh ủy", ChosenBy.NOMINATED),
        Role.DEPUTY: ("Đảng ủy Khối Doanh nghiệp tỉnh", ChosenBy.NOMINATED),
    }
    term = Term.objects.select_related("supervisor__unit").get(bloc__name=PARTY, year=2024)
    assert term.supervisor.full_name == "Đinh Thị Lụa"
    assert term.supervisor_title == "Phó Bí thư Thường trực Tỉnh ủy"
    assert not term.memberships.filter(unit=term.supervisor.unit).exists()


def test_sở_nội_vụ_moves_blocs_without_being_in_two_at_once(demo):
    for year in range(2018, 2025):
        assert Membership.objects.filter(unit__name="Sở Nội vụ", year=year).count() <= 1
    assert "Sở Nội vụ" in members("Khối thi đua các cơ quan tổng hợp", 2022)
    assert "Sở Nội vụ" in members(NOI_CHINH, 2023)


def test_default_year_is_the_open_year(demo):
    assert default_year() == 2024


def test_personas_log_in_and_hold_the_rights_they_are_named_for(demo, client):
    users = {u.username: u for u in User.objects.filter(username__in=[p.username for p in PERSONAS])}
    for username in users:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    noi_chinh = Term.objects.get(bloc__name=NOI_CHINH, year=2024)
    noi_chinh_2023 = Term.objects.get(bloc__name=NOI_CHINH, year=2023)
    party = Term.objects.get(bloc__name=PARTY, year=2024)
    assert permissions.is_board(users["bantdkt"])
    assert not permissions.is_board(users["truongkhoi"])
    assert permissions.is_leader(users["truongkhoi"], noi_chinh)
    assert permissions.is_deputy(users["phokhoi"], noi_chinh)
    assert permissions.role_in_term(users["thanhvien"], noi_chinh) == Role.MEMBER
    assert permissions.role_in_term(users["truongkhoicu"], noi_chinh_2023) == Role.LEADER
    assert not permissions.is_leader(users["truongkhoicu"], noi_chinh)
    assert permissions.is_leader(users["truongkhoidang"], party)
    assert permissions.role_in_term(users["khoidang"], party) == Role.MEMBER
    assert permissions.is_supervisor(users["phutrach"], party)
    assert permissions.can_view_term(users["phutrach"], party)
    assert not permissions.can_view_bloc(users["ngoaikhoi"], noi_chinh.bloc)
    assert not permissions.can_view_bloc(users["phutrach"], noi_chinh.bloc)


def test_loading_writes_the_audit_trail(demo):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"term.create", "membership.add", "term.leadership", "term.close", "unit.rename"} <= actions
