"""The agreement's tasks on the dashboard follow the agreement through its life, per role."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Registration
from blocs.models import Role, Term, TermStatus
from tests.factories import make_agreement, make_term, make_user, unit_user

pytestmark = pytest.mark.django_db

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"


@pytest.fixture(autouse=True)
def _quick_print(monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)


def tasks(client, user) -> dict[str, str]:
    """The dashboard's tasks as {text: link}."""
    client.force_login(user)
    page = client.get("/?year=2024").content.decode()
    section = page.split('id="tasks-heading"', 1)[1].split('id="blocs-heading"', 1)[0]
    found = re.findall(r"</strong>: ([^<]+)</span>\s*<a href=\"([^\"]+)\"", section)
    return {text.strip(): url for text, url in found}


@pytest.fixture
def term():
    return make_term(year=2024, members=4)


def test_without_agreement_leader_and_deputy_are_asked_to_draft_it(client, term):
    expected = {"Soạn dự thảo giao ước thi đua": f"/terms/{term.pk}/agreement/"}
    for role in (Role.LEADER, Role.DEPUTY):
        assert expected.items() <= tasks(client, unit_user(term, role)).items()
    assert "Soạn dự thảo giao ước thi đua" not in tasks(client, unit_user(term, Role.MEMBER))
    assert "Soạn dự thảo giao ước thi đua" not in tasks(client, make_user(board=True))


def test_a_draft_asks_each_unregistered_member_to_register(client, term):
    agreement = make_agreement(term, commitments=0, register=False)
    register = f"/agreements/{agreement.pk}/registration/"
    member = unit_user(term, Role.MEMBER)
    assert tasks(client, member) == {"Đăng ký danh hiệu, chỉ tiêu và người ký giao ước": register}

    leader_tasks = tasks(client, unit_user(term, Role.LEADER))
    assert leader_tasks["Đăng ký danh hiệu, chỉ tiêu và người ký giao ước"] == register
    assert leader_tasks["Soạn nội dung thi đua của giao ước"] == f"/agreements/{agreement.pk}/"
    assert leader_tasks["Còn 4/4 thành viên chưa đăng ký giao ước"] == f"/agreements/{agreement.pk}/"
    deputy_tasks = tasks(client, unit_user(term, Role.DEPUTY))
    assert "Soạn nội dung thi đua của giao ước" in deputy_tasks
    assert not any(text.startswith("Còn ") for text in deputy_tasks)

    Registration.objects.create(agreement=agreement, membership=member.unit.memberships.get(term=term))
    assert tasks(client, member) == {}
    assert "Còn 3/4 thành viên chưa đăng ký giao ước" in tasks(client, unit_user(term, Role.LEADER))


def test_a_complete_draft_asks_the_leader_to_finalize_then_to_upload_the_scan(client, term):
    agreement = make_agreement(term)
    leader = unit_user(term, Role.LEADER)
    assert tasks(client, leader)["Hoàn thiện giao ước để in và ký"] == f"/agreements/{agreement.pk}/"
    assert (
        tasks(client, unit_user(term, Role.DEPUTY))
        .keys()
        .isdisjoint({"Hoàn thiện giao ước để in và ký", "Soạn nội dung thi đua của giao ước"})
    )

    services.agreement_finalize(agreement=agreement, by=leader)
    leader_tasks = tasks(client, leader)
    assert leader_tasks["Tải lên bản giao ước đã ký sau hội nghị"] == f"/agreements/{agreement.pk}/sign/"
    assert "Hoàn thiện giao ước để in và ký" not in leader_tasks
    assert tasks(client, unit_user(term, Role.MEMBER)) == {}
    assert "Tải lên bản giao ước đã ký sau hội nghị" not in tasks(client, unit_user(term, Role.DEPUTY))


def test_tasks_of_a_closed_term_disappear(client, term):
    make_agreement(term, register=False)
    Term.objects.filter(pk=term.pk).update(status=TermStatus.CLOSED, closed_at=timezone.now())
    assert tasks(client, unit_user(term, Role.MEMBER)) == {}


def test_an_outsider_gets_no_task_of_another_bloc(client, term):
    make_agreement(term, register=False)
    other = make_term(year=2024, members=3)
    assert tasks(client, unit_user(other, Role.MEMBER)) == {}
