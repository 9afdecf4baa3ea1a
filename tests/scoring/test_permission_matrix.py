"""Who may open and post to every URL of the scoring app, on objects that exist.

Same personas and rules as the blocs matrix: 404 for what a user may not see, 403 for what they may
see but not change, and every refused POST leaves the database exactly as it was. A draft sheet is
its own unit's business only: the leader does not see it either.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blocs.models import Role
from scoring import services
from scoring.models import CriteriaSet, CriterionKind
from scoring.outstanding import lock_outstanding
from scoring.services import Cell
from tests.blocs.test_permission_matrix import (
    PERSONAS,
    SIGNED_IN,
    VIEWERS,
    World,
    check_case,
    expect,
)
from tests.factories import make_criteria_set

BOARD = ["board"]
EDITORS = ["leader", "deputy"]
MEMBERS = ["member", "deputy", "leader", "previous_leader"]  # units that are members of the open term
POST_ONLY = {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302}
NOT_EDITORS = ["member", "previous_leader", "supervisor", "board"]
NOT_LEADER = ["member", "deputy", "previous_leader", "supervisor", "board"]
OVERSEERS = ["leader", "deputy", "supervisor", "board"]
CSV = (
    "STT;Loại;Nội dung;Điểm tối đa;Bước điểm;Điểm mỗi lần / 1%;Chỉ tiêu;Hướng dẫn\r\n"
    "I;Nhóm;Nhiệm vụ;;;;;\r\n"
    "1;Chấm điểm;Tiêu chí;10;0,5;;;\r\n"
)


def submit_all(criteria_set, membership, judged):
    sheet = services.sheet_save(
        criteria_set=criteria_set, membership=membership,
        cells={c.pk: Cell(points=Decimal(8)) for c in judged}, lock_version=None, by=None,
    )  # fmt: skip
    return services.sheet_submit(sheet=sheet, lock_version=None, by=None)


class ScoringWorld(World):
    def __init__(self, state: str):
        super().__init__()
        self.criteria_set = self.criterion = self.evidence = self.submitted = None
        if state == "none":
            return
        self.criteria_set = make_criteria_set(self.term, state="setup" if state == "setup" else "open")
        self.criterion = (
            self.criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position").last()
        )
        self.judged = lambda: list(
            self.criteria_set.criteria.filter(kind=CriterionKind.POINTS).order_by("position")
        )
        if state == "setup":
            return
        judged = list(self.criteria_set.criteria.filter(kind=CriterionKind.POINTS))
        member = self.term.memberships.get(unit=self.member_unit)
        services.sheet_save(
            criteria_set=self.criteria_set, membership=member,
            cells={judged[0].pk: Cell(points=Decimal(5))}, lock_version=None, by=self.users["member"],
        )  # fmt: skip
        self.evidence = services.evidence_add(
            criteria_set=self.criteria_set, membership=member, criterion=judged[0],
            upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n"), by=self.users["member"],
        )  # fmt: skip
        full = services.sheet_save(
            criteria_set=self.criteria_set, membership=self.member2,
            cells={c.pk: Cell(points=Decimal(8)) for c in judged}, lock_version=None, by=None,
        )  # fmt: skip
        self.submitted = services.sheet_submit(sheet=full, lock_version=None, by=None)
        if state in ("review", "locked"):
            self._reviews(judged)
        if state == "locked":
            # The explanation decided and the window closed: nothing refuses the lock.
            services.explanation_decide(explanation=self.explanation, points=Decimal(5), note="", by=None)
            CriteriaSet.objects.filter(pk=self.criteria_set.pk).update(explanation_deadline=timezone.now())
            services.scoring_lock(criteria_set=self.criteria_set, by=None)

    def _reviews(self, judged):
        """Submitted self-assessments; the leader lowered criterion 1 of M and M2, M2 explained it;
        the leader's review of P is a draft; D (deputy) is not reviewed yet; D cross-checks M."""
        cs, leader = self.criteria_set, self.users["leader"]
        members = {
            name: self.term.memberships.get(unit=getattr(self, f"{name}_unit"))
            for name in ("member", "prev", "deputy")
        }
        self.members = members | {"member2": self.member2}
        for name in ("prev", "deputy"):
            submit_all(cs, self.members[name], judged)
        submit_all(cs, self.members["member"], judged)
        for name in ("member", "member2"):
            sheet = services.leader_review_start(criteria_set=cs, subject=self.members[name], by=leader)
            cells = {c.pk: Cell(points=Decimal(8)) for c in judged}
            cells[judged[0].pk] = Cell(points=Decimal(5), note="Thiếu minh chứng")
            services.review_save(sheet=sheet, cells=cells, lock_version=None, by=leader)
            services.review_submit(sheet=sheet, by=leader)
        self.explanation = services.explanation_file(
            criteria_set=cs, subject=self.member2, criterion=judged[0], text="Có báo cáo số 7", by=None
        )
        self.lowered = judged[0]
        self.draft_review = services.leader_review_start(
            criteria_set=cs, subject=self.members["prev"], by=leader
        )
        self.cross_sheet = services.cross_assign(
            criteria_set=cs, reviewer=self.members["deputy"], subject=self.members["member"], by=leader
        )


STATE = {
    "scoring:term_scoring": "none",
    "scoring:templates": "none",
    "scoring:own_sheet": "open",
    "scoring:evidence_add": "open",
    "scoring:evidence": "open",
    "scoring:evidence_remove": "open",
    "scoring:sheet": "open",
    "scoring:lock": "open",
    "scoring:reopen": "locked",
    "scoring:review": "review",
    "scoring:review_start": "review",
    "scoring:cross": "review",
    "scoring:cross_remove": "review",
    "scoring:explain": "review",
    "scoring:decide": "review",
    "scoring:grid": "review",
    "scoring:grid_export": "review",
    "scoring:ranking": "review",
    "scoring:ranking_export": "review",
    "scoring:publish": "locked",
}


def url_for(name: str, w: ScoringWorld) -> str:
    if name == "scoring:term_scoring":
        return f"/terms/{w.term.pk}/scoring/"
    if name == "scoring:templates":
        return "/scoring/templates/"
    if name == "scoring:sheet":
        return f"/scoring/sheets/{w.submitted.pk}/"
    review_urls = {
        "scoring:review": lambda: f"/scoring/reviews/{w.draft_review.pk}/",
        "scoring:cross_remove": lambda: f"/scoring/reviews/{w.cross_sheet.pk}/unassign/",
        "scoring:review_start": lambda: (
            f"/scoring/{w.criteria_set.pk}/members/{w.members['deputy'].pk}/review/"
        ),
        "scoring:explain": lambda: f"/scoring/{w.criteria_set.pk}/explain/{w.lowered.pk}/",
        "scoring:decide": lambda: f"/scoring/explanations/{w.explanation.pk}/decide/",
    }
    if name in review_urls:
        return review_urls[name]()
    if name in ("scoring:evidence", "scoring:evidence_remove"):
        return f"/scoring/evidence/{w.evidence.pk}/" + ("remove/" if name.endswith("remove") else "")
    if name in ("scoring:criterion_edit", "scoring:criterion_move", "scoring:criterion_remove"):
        return f"/scoring/criteria/{w.criterion.pk}/{name.removeprefix('scoring:criterion_')}/"
    tail = {
        "scoring:criteria": "",
        "scoring:criterion_add": "criteria/add/",
        "scoring:settings": "settings/",
        "scoring:open": "open/",
        "scoring:lock": "lock/",
        "scoring:reopen": "reopen/",
        "scoring:import": "import/",
        "scoring:export": "export.xlsx",
        "scoring:own_sheet": "sheet/",
        "scoring:evidence_add": "sheet/evidence/",
        "scoring:cross": "cross/",
        "scoring:grid": "grid/",
        "scoring:grid_export": "grid.xlsx",
        "scoring:ranking": "ranking/",
        "scoring:ranking_export": "ranking.xlsx",
        "scoring:publish": "publish/",
    }[name]
    return f"/scoring/{w.criteria_set.pk}/{tail}"


def post_data(name: str, w: ScoringWorld) -> dict:
    later = "31/12/2099 17:00"
    c = w.criterion
    data = {
        "scoring:term_scoring": lambda: {"source": ""},
        "scoring:templates": lambda: {"name": "Mẫu khối cơ quan"},
        "scoring:criterion_add": lambda: {
            "kind": "points",
            "text": "Tiêu chí mới",
            "max_points": "5",
            "step": "0,5",
        },
        "scoring:criterion_edit": lambda: {
            "kind": "points",
            "text": "Tiêu chí đã sửa",
            "max_points": "10",
            "step": "0,5",
            "parent": c.parent_id,
        },
        "scoring:criterion_move": lambda: {"direction": "up"},
        "scoring:criterion_remove": lambda: {},
        "scoring:settings": lambda: {
            "name": "Bảng tiêu chí (sửa)",
            "final_rule": "cross_mean",
            "lock_version": "0",
        },
        "scoring:open": lambda: {"deadline": later},
        "scoring:lock": lambda: {
            "confirmed": "yes",
            "acknowledged": [str(pk) for pk in lock_outstanding(w.criteria_set).acknowledged],
        },
        "scoring:reopen": lambda: {"deadline": later, "reason": "Một đơn vị nộp muộn có lý do"},
        "scoring:import": lambda: {"file": SimpleUploadedFile("tieu-chi.csv", CSV.encode("utf-8-sig"))},
        "scoring:own_sheet": lambda: {f"c{c.pk}": "7,5", f"n{c.pk}": "Theo báo cáo"},
        "scoring:evidence_add": lambda: {
            "criterion": c.pk,
            "file": SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
        },
        "scoring:evidence_remove": lambda: {},
        "scoring:review": lambda: {f"c{j.pk}": "8" for j in w.judged()} | {"save": ""},
        "scoring:review_start": lambda: {},
        "scoring:cross": lambda: {"reviewer": w.member2.pk, "subject": w.members["deputy"].pk},
        "scoring:cross_remove": lambda: {},
        "scoring:explain": lambda: {"text": "Đơn vị đã gửi báo cáo số 12 kèm minh chứng"},
        "scoring:decide": lambda: {"points": "7,5", "note": "Chấp nhận một phần"},
        "scoring:publish": lambda: {"confirmed": "yes"},
    }
    return data[name]()


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("scoring:term_scoring", "GET"): expect(VIEWERS + BOARD, 200),
    ("scoring:term_scoring", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:templates", "GET"): expect(BOARD, 200, seen_by=[p for p in SIGNED_IN if p != "board"]),
    ("scoring:templates", "POST"): expect(BOARD, 302, seen_by=[p for p in SIGNED_IN if p != "board"]),
    ("scoring:criteria", "GET"): expect(VIEWERS + BOARD, 200),
    ("scoring:criterion_add", "GET"): POST_ONLY,
    ("scoring:criterion_add", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:criterion_edit", "GET"): expect(EDITORS, 200, seen_by=NOT_EDITORS),
    ("scoring:criterion_edit", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:criterion_move", "GET"): POST_ONLY,
    ("scoring:criterion_move", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:criterion_remove", "GET"): POST_ONLY,
    ("scoring:criterion_remove", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:settings", "GET"): expect(EDITORS, 200, seen_by=NOT_EDITORS),
    ("scoring:settings", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:open", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("scoring:open", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("scoring:lock", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("scoring:lock", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("scoring:reopen", "GET"): expect(BOARD, 200, seen_by=VIEWERS),
    ("scoring:reopen", "POST"): expect(BOARD, 302, seen_by=VIEWERS),
    ("scoring:import", "GET"): expect(EDITORS, 200, seen_by=NOT_EDITORS),
    ("scoring:import", "POST"): expect(EDITORS, 302, seen_by=NOT_EDITORS),
    ("scoring:export", "GET"): expect(VIEWERS + BOARD, 200),
    # The sheet is the own unit's: the supervisor and board staff have none (403), outsiders see nothing.
    ("scoring:own_sheet", "GET"): expect(MEMBERS, 200, seen_by=["supervisor", "board"]),
    ("scoring:own_sheet", "POST"): expect(MEMBERS, 302, seen_by=["supervisor", "board"]),
    ("scoring:evidence_add", "GET"): POST_ONLY,
    ("scoring:evidence_add", "POST"): expect(MEMBERS, 302, seen_by=["supervisor", "board"]),
    # Evidence of a draft sheet: its own unit only.
    ("scoring:evidence", "GET"): expect(["member"], 200),
    ("scoring:evidence_remove", "GET"): POST_ONLY,
    ("scoring:evidence_remove", "POST"): expect(["member"], 302),
    # Another member's submitted sheet: leader, deputy, supervisor and board staff.
    ("scoring:sheet", "GET"): expect(OVERSEERS, 200),
    # A draft review is its reviewer's (the leader's unit) only.
    ("scoring:review", "GET"): expect(["leader"], 200),
    ("scoring:review", "POST"): expect(["leader"], 302),
    ("scoring:review_start", "GET"): POST_ONLY,
    ("scoring:review_start", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("scoring:cross", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("scoring:cross", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("scoring:cross_remove", "GET"): POST_ONLY,
    # The leader manages assignments (without seeing the reviewer's draft itself).
    ("scoring:cross_remove", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    # Explaining is the member's own: M's criterion 1 was lowered. Units without a lowered
    # criterion get the form with the service's refusal (nothing changes).
    ("scoring:explain", "GET"): expect(MEMBERS, 200, seen_by=["supervisor", "board"]),
    ("scoring:explain", "POST"): expect(["member"], 302, seen_by=["supervisor", "board"])
    | {"deputy": 400, "leader": 400, "previous_leader": 400},
    ("scoring:decide", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("scoring:decide", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
    ("scoring:grid", "GET"): expect(OVERSEERS, 200, seen_by=["member", "previous_leader"]),
    ("scoring:grid_export", "GET"): expect(OVERSEERS, 200, seen_by=["member", "previous_leader"]),
    # Before publishing, only those who oversee the term see the ranking.
    ("scoring:ranking", "GET"): expect(OVERSEERS, 200, seen_by=["member", "previous_leader"]),
    ("scoring:ranking_export", "GET"): expect(OVERSEERS, 200, seen_by=["member", "previous_leader"]),
    ("scoring:publish", "GET"): expect(["leader"], 200, seen_by=NOT_LEADER),
    ("scoring:publish", "POST"): expect(["leader"], 302, seen_by=NOT_LEADER),
}

MUTATING = {key for key in MATRIX if key[1] == "POST"}
CASES = [
    (name, method, persona, status)
    for (name, method), table in MATRIX.items()
    for persona, status in table.items()
]


@pytest.fixture(scope="module")
def worlds(module_db):
    """One world per state, built once for the module; every case runs in a rolled-back transaction."""
    return {state: ScoringWorld(state) for state in ("none", "setup", "open", "review", "locked")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, worlds, name, method, persona, status):
    world = worlds[STATE.get(name, "setup")]
    check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_draft_sheet_is_seen_by_its_own_unit_only(client):
    world = ScoringWorld("open")
    draft = world.evidence.sheet
    for persona in PERSONAS[1:]:
        client.force_login(world.users[persona])
        status = client.get(f"/scoring/sheets/{draft.pk}/").status_code
        assert status == (200 if persona == "member" else 404), persona
    assert draft.subject.role == Role.MEMBER


def test_every_url_has_a_succeeding_persona():
    for (name, _method), table in MATRIX.items():
        assert any(200 <= s < 400 for s in table.values()), name
