"""Who may open and post to every URL of the blocs app, on objects that exist.

Every refused POST must leave the database exactly as it was. A URL of the project without a row
here fails `test_every_url_has_a_row`.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from blocs.models import Membership, Role, SubmitReceipt, Term
from tests.factories import make_bloc, make_membership, make_term, make_unit, make_user

PERSONAS = ["anonymous", "outsider", "member", "deputy", "leader", "previous_leader", "supervisor", "board"]
VIEWERS = ["member", "deputy", "leader", "previous_leader", "supervisor"]
NEW_PASSWORD = "Mot-mat-khau-rat-dai-2024"


class World:
    """Bloc B: 2023 led by unit P (closed), 2024 open led by L, deputy D, members M, M2, P; supervisor S.
    The outsider's unit belongs to another bloc in 2024."""

    def __init__(self):
        self.bloc = make_bloc()
        self.prev_unit, self.leader_unit, self.deputy_unit = make_unit(), make_unit(), make_unit()
        self.member_unit, self.member2_unit, self.free_unit = make_unit(), make_unit(), make_unit()
        self.prev_term = make_term(bloc=self.bloc, year=2023)
        for i, (unit, role) in enumerate(
            [(self.prev_unit, Role.LEADER), (self.leader_unit, Role.DEPUTY), (self.member_unit, Role.MEMBER)],
            1,
        ):
            make_membership(term=self.prev_term, unit=unit, role=role, position=i)
        self.supervisor = make_user(full_name="Lãnh đạo phụ trách")
        self.term = make_term(bloc=self.bloc, year=2024, supervisor=self.supervisor)
        for i, (unit, role) in enumerate(
            [
                (self.leader_unit, Role.LEADER),
                (self.deputy_unit, Role.DEPUTY),
                (self.member_unit, Role.MEMBER),
                (self.member2_unit, Role.MEMBER),
                (self.prev_unit, Role.MEMBER),
            ],
            1,
        ):
            make_membership(term=self.term, unit=unit, role=role, position=i)
        self.member2 = self.term.memberships.get(unit=self.member2_unit)
        self.term.decision_scan.save("qd.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        other = make_term(year=2024, members=2)
        self.users = {
            "outsider": make_user(unit=other.memberships.first().unit),
            "member": make_user(unit=self.member_unit),
            "deputy": make_user(unit=self.deputy_unit),
            "leader": make_user(unit=self.leader_unit),
            "previous_leader": make_user(unit=self.prev_unit),
            "supervisor": self.supervisor,
            "board": make_user(board=True),
        }
        self.account = self.users["member"]


def url_for(name: str, w: World) -> str:
    t, b = w.term.pk, w.bloc.pk
    return {
        "blocs:dashboard": "/",
        "blocs:health": "/health/",
        "blocs:favicon": "/favicon.ico",
        "blocs:bloc_list": "/blocs/",
        "blocs:bloc_create": "/blocs/new/",
        "blocs:bloc_detail": f"/blocs/{b}/",
        "blocs:bloc_edit": f"/blocs/{b}/edit/",
        "blocs:term_create": f"/blocs/{b}/terms/new/",
        "blocs:term_detail": f"/terms/{t}/",
        "blocs:term_edit": f"/terms/{t}/edit/",
        "blocs:term_decision": f"/terms/{t}/decision/",
        "blocs:membership_add": f"/terms/{t}/members/add/",
        "blocs:membership_edit": f"/terms/{t}/members/{w.member2.pk}/edit/",
        "blocs:membership_remove": f"/terms/{t}/members/{w.member2.pk}/remove/",
        "blocs:leadership": f"/terms/{t}/leadership/",
        "blocs:elect": f"/terms/{t}/elect/",
        "blocs:term_close": f"/terms/{t}/close/",
        "blocs:term_audit": f"/terms/{t}/audit/",
        "blocs:unit_list": "/units/",
        "blocs:unit_create": "/units/new/",
        "blocs:unit_edit": f"/units/{w.member_unit.pk}/edit/",
        "blocs:unit_rename": f"/units/{w.member_unit.pk}/rename/",
        "blocs:account_list": "/accounts/",
        "blocs:account_create": "/accounts/new/",
        "blocs:account_password": f"/accounts/{w.account.pk}/password/",
        "blocs:account_active": f"/accounts/{w.account.pk}/active/",
        "login": "/login/",
        "logout": "/logout/",
        "password_change": "/password-change/",
        "password_change_done": "/password-change/done/",
        "password_reset": "/password-reset/",
        "password_reset_done": "/password-reset/done/",
        "password_reset_confirm": "/reset/MQ/bad-token/",
        "password_reset_complete": "/reset/done/",
        "admin:index": "/admin/",
    }[name]


def post_data(name: str, w: World) -> dict:
    return {
        "blocs:bloc_create": {"name": "Khối thi đua mới"},
        "blocs:bloc_edit": {"name": "Khối thi đua Nội chính (tên mới)", "short_name": "Khối Nội chính"},
        "blocs:term_create": {"year": "2025", "decision_issuer": "UBND tỉnh"},
        "blocs:term_edit": {
            "decision_number": "7/QĐ-UBND",
            "decision_date": "05/01/2024",
            "decision_issuer": "UBND tỉnh",
            "supervisor": str(w.supervisor.pk),
            "supervisor_title": "Phó Chủ tịch UBND tỉnh",
        },
        "blocs:membership_add": {"unit": str(w.free_unit.pk)},
        "blocs:membership_edit": {"position": "9"},
        "blocs:membership_remove": {},
        "blocs:leadership": {
            "leader": str(w.leader_unit.pk),
            "leader_chosen_by": "appointed",
            "deputy": str(w.member_unit.pk),
            "deputy_chosen_by": "appointed",
            "reason": "Quyết định kiện toàn số 5/QĐ-UBND",
        },
        "blocs:elect": {
            "leader": str(w.deputy_unit.pk),
            "leader_chosen_by": "elected",
            "deputy": str(w.member_unit.pk),
            "deputy_chosen_by": "elected",
            "confirmed": "yes",
        },
        "blocs:term_close": {"reason": "Đã tổng kết"},
        "blocs:unit_create": {"name": "Sở Khoa học và Công nghệ"},
        "blocs:unit_edit": {"name": "Sở thử nghiệm (sửa)", "head_title": "Giám đốc"},
        "blocs:unit_rename": {"new_name": "Sở thử nghiệm mới", "from_year": "2025"},
        "blocs:account_create": {
            "unit": str(w.member_unit.pk),
            "username": "taikhoanmoi",
            "full_name": "Trần Thị Mới",
            "password": NEW_PASSWORD,
        },
        "blocs:account_password": {"password": NEW_PASSWORD},
        "blocs:account_active": {"active": "0"},
        "logout": {},
    }[name]


def expect(ok: list[str], ok_status: int, *, seen_by: list[str] = (), anonymous: int = 302) -> dict[str, int]:
    """Status per persona: `ok` succeed; `seen_by` can see the object but not change it (403);
    everyone else signed in gets 404; anonymous is sent to the login page (302)."""
    table = dict.fromkeys(PERSONAS, 404)
    table["anonymous"] = anonymous
    table.update(dict.fromkeys(seen_by, 403))
    table.update(dict.fromkeys(ok, ok_status))
    return table


SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
BOARD = ["board"]
ALL = PERSONAS

# (url name, method) -> {persona: status}
MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("blocs:dashboard", "GET"): expect(SIGNED_IN, 200),
    ("blocs:health", "GET"): expect(ALL, 200),
    ("blocs:favicon", "GET"): expect(ALL, 200),
    ("blocs:bloc_list", "GET"): expect(SIGNED_IN, 200),
    ("blocs:bloc_create", "GET"): expect(BOARD, 200),
    ("blocs:bloc_create", "POST"): expect(BOARD, 302),
    ("blocs:bloc_detail", "GET"): expect(VIEWERS + BOARD, 200),
    ("blocs:bloc_edit", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:bloc_edit", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:term_create", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:term_create", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:term_detail", "GET"): expect(VIEWERS + BOARD, 200),
    ("blocs:term_edit", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:term_edit", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:term_decision", "GET"): expect(VIEWERS + BOARD, 200),
    ("blocs:membership_add", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:membership_add", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:membership_edit", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:membership_edit", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    # Mutating-only URLs answer 405 to a GET before anything is loaded, so they reveal nothing.
    ("blocs:membership_remove", "GET"): {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302},
    ("blocs:membership_remove", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:leadership", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:leadership", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("blocs:elect", "GET"): expect(
        ["leader", "board"], 200, seen_by=["member", "deputy", "previous_leader", "supervisor"]
    ),
    ("blocs:elect", "POST"): expect(
        ["leader", "board"], 302, seen_by=["member", "deputy", "previous_leader", "supervisor"]
    ),
    ("blocs:term_close", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:term_close", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    # The audit log is board staff's to read; who can see the term but is not board staff gets 403.
    ("blocs:term_audit", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("blocs:unit_list", "GET"): expect(BOARD, 200),
    ("blocs:unit_create", "GET"): expect(BOARD, 200),
    ("blocs:unit_create", "POST"): expect(BOARD, 302),
    ("blocs:unit_edit", "GET"): expect(BOARD, 200),
    ("blocs:unit_edit", "POST"): expect(BOARD, 302),
    ("blocs:unit_rename", "GET"): expect(BOARD, 200),
    ("blocs:unit_rename", "POST"): expect(BOARD, 302),
    ("blocs:account_list", "GET"): expect(BOARD, 200),
    ("blocs:account_create", "GET"): expect(BOARD, 200),
    ("blocs:account_create", "POST"): expect(BOARD, 302),
    ("blocs:account_password", "GET"): expect(BOARD, 200),
    ("blocs:account_password", "POST"): expect(BOARD, 302),
    ("blocs:account_active", "GET"): {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302},
    ("blocs:account_active", "POST"): expect(BOARD, 302),
    ("login", "GET"): {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 200},
    ("logout", "POST"): expect(ALL, 302),
    ("password_change", "GET"): expect(SIGNED_IN, 200),
    ("password_change_done", "GET"): expect(SIGNED_IN, 200),
    ("password_reset", "GET"): expect(ALL, 200),
    ("password_reset_done", "GET"): expect(ALL, 200),
    ("password_reset_confirm", "GET"): expect(ALL, 200),
    ("password_reset_complete", "GET"): expect(ALL, 200),
    # Board staff are not Django staff: the admin is for superusers only.
    ("admin:index", "GET"): dict.fromkeys(PERSONAS, 302),
}

PUBLIC = {
    "blocs:favicon",
    "blocs:health",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "logout",
}

# POSTs that may change data, so a refused one is checked to change nothing.
MUTATING = {key for key in MATRIX if key[1] == "POST" and key[0] != "logout"}


PROJECT_APPS = ("blocs", "province", "agreements", "scoring", "ballots", "conferences", "board")


def db_state() -> dict:
    """Every row of every project model, to compare before and after a refused request."""
    state = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model is not SubmitReceipt:  # the double-click guard's own bookkeeping
                state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


@pytest.fixture(scope="module")
def shared_world(module_db):
    """Built once for the module; every case runs in a rolled-back transaction."""
    return World()


def check_case(client, world, persona: str, status: int, *, url: str, method: str, data, mutating: bool):
    """One row of a permission matrix: the persona gets `status`; a refused POST leaves every row of
    the database as it was, an accepted one changes something, and the same POST sent again (a
    double click) changes nothing more and leads to the same page. `data` is called only for a POST."""
    if persona != "anonymous":
        client.force_login(world.users[persona])
    before = db_state() if mutating else None
    response = client.get(url) if method == "GET" else client.post(url, data())
    if response.streaming:
        b"".join(response.streaming_content)  # read to its end: the test client's wrapper closes it
        # (a second close() would send request_finished and close the test's connection on PostgreSQL)
    assert response.status_code == status, getattr(response, "content", b"").decode(errors="replace")[:2000]
    if before is not None:
        accepted = status == 302 and persona != "anonymous"
        after = db_state()
        assert (after != before) if accepted else (after == before), (
            "an accepted POST changed nothing" if accepted else "a refused POST changed the database"
        )
        if accepted:
            again = client.post(url, data())
            assert (again.status_code, again["Location"]) == (302, response["Location"])
            assert db_state() == after, "the same POST sent twice changed the database twice"
    return response


CASES = [
    (name, method, persona, status)
    for (name, method), table in MATRIX.items()
    for persona, status in table.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, shared_world, name, method, persona, status):
    world = shared_world
    check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip


def test_every_url_has_a_succeeding_persona():
    succeeding: dict[str, bool] = {}
    for (name, _method), table in MATRIX.items():
        ok = any(200 <= s < 400 for p, s in table.items() if p != "anonymous" or name in PUBLIC)
        succeeding[name] = succeeding.get(name, False) or ok
    assert all(succeeding.values()), [name for name, ok in succeeding.items() if not ok]


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:index")
                continue
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def matrices() -> list[dict]:
    """Every permission matrix of the suite: the `MATRIX` of each test module that defines one
    (found by reading the files, so that a new app's matrix counts without editing this test)."""
    import importlib
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        if "\nMATRIX" in path.read_text(encoding="utf-8"):
            module = importlib.import_module(".".join(path.relative_to(tests.parent).with_suffix("").parts))
            found.append(module.MATRIX)
    return found


def test_every_url_has_a_row():
    found = matrices()
    assert len(found) >= 5  # blocs, agreements, scoring, ballots, conferences at least
    covered = {name for matrix in found for name, _ in matrix}
    missing = _names(get_resolver()) - covered
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"


@pytest.mark.django_db
def test_anonymous_reaches_only_public_pages(client):
    world = World()
    for (name, method), _table in MATRIX.items():
        if method != "GET" or name == "admin:index":
            continue
        response = client.get(url_for(name, world))
        if name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302 and response["Location"].startswith("/login/"), name


@pytest.mark.django_db
def test_previous_leader_has_no_leader_rights_on_the_new_term(client):
    world = World()
    client.force_login(world.users["previous_leader"])
    assert client.get(url_for("blocs:elect", world)).status_code == 403
    assert Term.objects.get(pk=world.prev_term.pk).memberships.get(unit=world.prev_unit).role == Role.LEADER
    assert Membership.objects.get(term=world.term, unit=world.prev_unit).role == Role.MEMBER
