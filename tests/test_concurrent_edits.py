"""Two people saving the same thing at the same moment, on PostgreSQL, with real concurrent
transactions: two threads, two browser sessions, two POSTs released together by a barrier.

- A score, a commitment, a registration, the province's decision on an award: both read the same
  version; one save wins, the other is told "someone changed this; reload" and its values are not
  written over the winner's.
- A double click: the same POST twice at once creates one record, and both answers lead to the
  same page.

SQLite serialises every write, so the race only exists on PostgreSQL; the same rules are checked
one request after the other on both databases (tests/*/test_permission_matrix.py, test_services).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from agreements.models import Commitment, Registration
from scoring.models import Layer, Score, Sheet
from tests.agreements.test_permission_matrix import AgreementWorld
from tests.factories import make_user
from tests.scoring.test_permission_matrix import ScoringWorld
from tests.together import run_together

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write"),
    pytest.mark.django_db(transaction=True),
]

STALE = "Người khác vừa sửa"


def race(requests: dict[str, tuple]) -> dict[str, object]:
    """POST every (user, url, data) from its own session and thread, released at the same moment."""
    clients = {}
    for name, (user, _url, _data) in requests.items():
        clients[name] = Client()
        clients[name].force_login(user)
    calls = {name: (lambda n=name: clients[n].post(requests[n][1], requests[n][2])) for name in requests}
    responses = run_together(calls)
    assert all(not isinstance(r, Exception) for r in responses.values()), responses
    return responses


def one_wins(responses: dict[str, object]) -> tuple[str, str]:
    """The name of the request that was saved and of the one told to reload."""
    saved = [name for name, r in responses.items() if r.status_code == 302]
    told = [name for name, r in responses.items() if r.status_code != 302 and STALE in r.content.decode()]
    assert len(saved) == 1 and len(told) == 1, {
        n: (r.status_code, r.content.decode()[:300]) for n, r in responses.items()
    }
    return saved[0], told[0]


def test_two_people_saving_the_same_score_at_once():
    world = ScoringWorld("open")
    member = world.term.memberships.get(unit=world.member_unit)
    sheet = Sheet.objects.get(criteria_set=world.criteria_set, subject=member, layer=Layer.SELF)
    criterion = world.judged()[0]
    url = f"/scoring/{world.criteria_set.pk}/sheet/"
    version = str(sheet.lock_version)
    colleague = make_user(unit=world.member_unit)
    points = {"first": "6", "second": "9"}
    responses = race(
        {
            "first": (
                world.users["member"],
                url,
                {f"c{criterion.pk}": points["first"], "lock_version": version},
            ),
            "second": (colleague, url, {f"c{criterion.pk}": points["second"], "lock_version": version}),
        }
    )
    winner, _ = one_wins(responses)
    score = Score.objects.get(sheet=sheet, criterion=criterion)
    assert score.points == Decimal(points[winner])
    assert Sheet.objects.get(pk=sheet.pk).lock_version == sheet.lock_version + 1


def test_two_people_editing_the_same_commitment_at_once():
    world = AgreementWorld("draft")
    agreement, commitment = world.agreement, world.commitment
    url = f"/agreements/{agreement.pk}/commitments/{commitment.pk}/edit/"
    version = str(agreement.lock_version)
    texts = {"leader": "Nội dung do Trưởng khối sửa", "deputy": "Nội dung do Phó khối sửa"}
    responses = race(
        {who: (world.users[who], url, {"text": text, "lock_version": version}) for who, text in texts.items()}
    )
    winner, _ = one_wins(responses)
    assert Commitment.objects.get(pk=commitment.pk).text == texts[winner]


def test_two_people_of_one_unit_registering_at_once():
    world = AgreementWorld("draft")
    member = world.term.memberships.get(unit=world.member_unit)
    existing = Registration.objects.filter(agreement=world.agreement, membership=member).first()
    version = str(existing.lock_version if existing else 0)
    url = f"/agreements/{world.agreement.pk}/registration/"
    colleague = make_user(unit=world.member_unit)

    def data(slogan: str) -> dict:
        return {
            "awards": ["co_tinh"],
            "slogan": slogan,
            "signer_title": "Giám đốc",
            "signer_name": "Nguyễn Văn An",
            "lock_version": version,
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-MIN_NUM_FORMS": "0",
            "targets-MAX_NUM_FORMS": "50",
            "targets-0-indicator": f"Chỉ tiêu của {slogan}",
            "targets-0-value": "95",
            "targets-0-unit_of_measure": "%",
        }

    slogans = {"first": "Đoàn kết, kỷ cương", "second": "Sáng tạo, hiệu quả"}
    responses = race(
        {
            "first": (world.users["member"], url, data(slogans["first"])),
            "second": (colleague, url, data(slogans["second"])),
        }
    )
    winner, _ = one_wins(responses)
    registration = Registration.objects.get(agreement=world.agreement, membership=member)
    assert registration.slogan == slogans[winner]
    assert [t.indicator for t in registration.targets.all()] == [f"Chỉ tiêu của {slogans[winner]}"]


def test_two_board_staff_correcting_the_same_award_decision_at_once():
    from board.models import AwardDecision
    from tests.board.test_overview import decision_post, make_proposals

    term, members = make_proposals()
    first, second = make_user(board=True), make_user(board=True)
    url = f"/terms/{term.pk}/decisions/"
    client = Client()
    client.force_login(first)
    assert (
        client.post(url, decision_post(members[0], "co_tinh", awarded="0", note="Ban đầu")).status_code == 302
    )
    notes = {"first": "Sửa của người thứ nhất", "second": "Sửa của người thứ hai"}
    responses = race(
        {
            who: (
                user,
                url,
                decision_post(members[0], "co_tinh", awarded="0", note=notes[who], lock_version="0"),
            )
            for who, user in (("first", first), ("second", second))
        }
    )
    winner, _ = one_wins(responses)
    decision = AwardDecision.objects.get()
    assert (decision.note, decision.lock_version) == (notes[winner], 1)


def test_a_double_click_creates_one_commitment():
    world = AgreementWorld("draft")
    agreement = world.agreement
    before = Commitment.objects.filter(agreement=agreement).count()
    url = f"/agreements/{agreement.pk}/commitments/add/"
    data = {"text": "Một nội dung mới, bấm hai lần", "csrfmiddlewaretoken": "one-render-of-the-form"}
    leader = world.users["leader"]
    responses = race({"click": (leader, url, data), "again": (leader, url, data)})
    assert Commitment.objects.filter(agreement=agreement).count() == before + 1
    assert {r.status_code for r in responses.values()} == {302}
    assert len({r["Location"] for r in responses.values()}) == 1
