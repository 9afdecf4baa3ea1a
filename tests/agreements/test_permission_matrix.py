"""Who may open and post to every URL of the agreements app, on agreements that exist.

Same personas and rules as the blocs matrix: 404 for what a user may not see, 403 for what they
may see but not change, and every refused POST leaves the database exactly as it was.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from tests.blocs.test_permission_matrix import (
    PERSONAS,
    SIGNED_IN,
    VIEWERS,
    World,
    check_case,
    expect,
)
from tests.factories import make_agreement

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"
BOARD = ["board"]
EDITORS = ["leader", "deputy"]
MEMBERS = ["member", "deputy", "leader", "previous_leader"]  # units that are members of the open term
ALL = PERSONAS
POST_ONLY = {**dict.fromkeys(SIGNED_IN, 405), "anonymous": 302}


@pytest.fixture(autouse=True)
def _quick_print(monkeypatch):
    """Rendering is tested elsewhere; here a stand-in PDF keeps the matrix fast."""
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)


class AgreementWorld(World):
    def __init__(self, state: str):
        super().__init__()
        self.previous = make_agreement(self.prev_term, commitments=3, register=False)
        self.agreement = self.commitment = None
        if state == "none":
            return
        self.agreement = make_agreement(self.term)
        self.agreement.rules_pdf.save("rules.pdf", ContentFile(TINY_PDF), save=True)
        self.commitment = self.agreement.commitments.order_by("position").first()
        if state == "final":
            self.agreement = services.agreement_finalize(agreement=self.agreement, by=self.users["leader"])


STATE = {
    "agreements:term_agreement": "none",
    "agreements:new_version": "final",
    "agreements:sign": "final",
    "agreements:verify_code": "final",
}


def url_for(name: str, w: AgreementWorld) -> str:
    if name == "agreements:term_agreement":
        return f"/terms/{w.term.pk}/agreement/"
    if name == "agreements:verify":
        return "/verify/"
    if name == "agreements:verify_code":
        return f"/verify/{w.agreement.verification_code}/"
    a, c = w.agreement.pk, w.commitment.pk
    tail = {
        "agreements:detail": "",
        "agreements:edit": "edit/",
        "agreements:attach": "attach/rules/",
        "agreements:download": "files/rules/",
        "agreements:commitment_add": "commitments/add/",
        "agreements:copy_previous": "commitments/copy-previous/",
        "agreements:commitment_edit": f"commitments/{c}/edit/",
        "agreements:commitment_move": f"commitments/{c}/move/",
        "agreements:commitment_remove": f"commitments/{c}/remove/",
        "agreements:register": "registration/",
        "agreements:finalize": "finalize/",
        "agreements:new_version": "new-version/",
        "agreements:sign": "sign/",
        "agreements:preview": "preview/",
        "agreements:pdf": "pdf/",
    }[name]
    return f"/agreements/{a}/{tail}"


def post_data(name: str, w: AgreementWorld) -> dict:
    pdf = SimpleUploadedFile("ban-ky.pdf", TINY_PDF, content_type="application/pdf")
    return {
        "agreements:term_agreement": {},
        "agreements:edit": {"title": "Giao ước thi đua năm 2024 (sửa)", "copies": "6", "lock_version": "0"},
        "agreements:attach": {"file": pdf},
        "agreements:commitment_add": {"text": "Nội dung mới"},
        "agreements:copy_previous": {},
        "agreements:commitment_edit": {"text": "Nội dung đã sửa", "lock_version": "0"},
        "agreements:commitment_move": {"direction": "down"},
        "agreements:commitment_remove": {},
        "agreements:register": {
            "awards": ["co_tinh"],
            "slogan": "Đoàn kết, kỷ cương",
            "signer_title": "Giám đốc",
            "signer_name": "Nguyễn Văn An",
            "lock_version": "0",
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "50",
            "targets-0-indicator": "Tỷ lệ giải quyết đơn thư",
            "targets-0-value": "95,5",
            "targets-0-unit_of_measure": "%",
        },
        "agreements:finalize": {"confirmed": "yes"},
        "agreements:new_version": {"confirmed": "yes"},
        "agreements:sign": {"signed_on": "05/02/2024", "scan": pdf},
    }[name]


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("agreements:term_agreement", "GET"): expect(VIEWERS + BOARD, 200),
    ("agreements:term_agreement", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:detail", "GET"): expect(VIEWERS + BOARD, 200),
    ("agreements:edit", "GET"): expect(
        EDITORS, 200, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:edit", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:attach", "GET"): POST_ONLY,
    ("agreements:attach", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:download", "GET"): expect(VIEWERS + BOARD, 200),
    ("agreements:commitment_add", "GET"): POST_ONLY,
    ("agreements:commitment_add", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:copy_previous", "GET"): POST_ONLY,
    ("agreements:copy_previous", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:commitment_edit", "GET"): expect(
        EDITORS, 200, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:commitment_edit", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:commitment_move", "GET"): POST_ONLY,
    ("agreements:commitment_move", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:commitment_remove", "GET"): POST_ONLY,
    ("agreements:commitment_remove", "POST"): expect(
        EDITORS, 302, seen_by=["member", "previous_leader", "supervisor", "board"]
    ),
    # Registration is the own unit's: users of units outside the term have none to see.
    ("agreements:register", "GET"): expect(MEMBERS, 200),
    ("agreements:register", "POST"): expect(MEMBERS, 302),
    ("agreements:finalize", "GET"): expect(
        ["leader"], 200, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:finalize", "POST"): expect(
        ["leader"], 302, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:new_version", "GET"): expect(
        ["leader"], 200, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:new_version", "POST"): expect(
        ["leader"], 302, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:sign", "GET"): expect(
        ["leader"], 200, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:sign", "POST"): expect(
        ["leader"], 302, seen_by=["member", "deputy", "previous_leader", "supervisor", "board"]
    ),
    ("agreements:preview", "GET"): expect(VIEWERS + BOARD, 200),
    ("agreements:pdf", "GET"): expect(VIEWERS + BOARD, 200),
    ("agreements:verify", "GET"): expect(ALL, 200, anonymous=200),
    ("agreements:verify_code", "GET"): expect(ALL, 200, anonymous=200),
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
    return {state: AgreementWorld(state) for state in ("none", "draft", "final")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "persona", "status"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_permission_matrix(client, worlds, name, method, persona, status):
    world = worlds[STATE.get(name, "draft")]
    check_case(
        client, world, persona, status, url=url_for(name, world), method=method,
        data=lambda: post_data(name, world), mutating=(name, method) in MUTATING,
    )  # fmt: skip


def test_every_url_has_a_succeeding_persona():
    for (name, _method), table in MATRIX.items():
        assert any(200 <= s < 400 for s in table.values()), name
