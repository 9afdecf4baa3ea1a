"""`manage.py load_bench`: the benchmark's large province, here at its small size."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.models import Agreement, AgreementStatus
from ballots.models import Ballot, BallotState
from bench import data as bench_data
from blocs.documents import sha256
from blocs.models import AuditEvent, Role, Term, TermStatus
from scoring.models import (
    CriteriaSet,
    Criterion,
    FinalScore,
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)

pytestmark = pytest.mark.django_db
SIZE = bench_data.SMALL


@pytest.fixture
def loaded(tmp_path):
    path = tmp_path / "personas.json"
    out = StringIO()
    call_command("load_bench", "--small", "--personas", str(path), stdout=out)
    return json.loads(path.read_text()), out.getvalue()


def test_past_years_are_complete_and_closed(loaded):
    past = Term.objects.filter(year__lt=SIZE.year)
    assert past.count() == SIZE.blocs * (SIZE.years - 1)
    for term in past:
        assert term.status == TermStatus.CLOSED
        agreement = term.agreements.get()
        assert agreement.status == AgreementStatus.SIGNED
        with agreement.final_pdf.open("rb") as stored:
            assert sha256(stored.read()) == agreement.final_sha256
        assert len(agreement.frozen["members"]) == SIZE.members
        criteria_set = CriteriaSet.objects.get(term=term)
        assert criteria_set.state == ScoringState.LOCKED and criteria_set.published_at is not None
        scorable = Criterion.objects.filter(criteria_set=criteria_set).scorable().count()
        assert scorable == SIZE.criteria
        assert FinalScore.objects.filter(criteria_set=criteria_set).count() == SIZE.members * scorable
        ballots = Ballot.objects.filter(term=term)
        assert ballots.count() == 2 and all(b.state == BallotState.CLOSED and b.valid for b in ballots)
        assert all(b.result["selected"] for b in ballots)


def test_the_current_year_is_open_with_sheets_being_drafted(loaded):
    personas, _ = loaded
    term = Term.objects.get(pk=personas["blocs"][0]["term"])
    assert term.year == SIZE.year and term.is_open
    assert term.agreements.get().status == AgreementStatus.DRAFT
    criteria_set = CriteriaSet.objects.get(term=term)
    assert criteria_set.state == ScoringState.OPEN and criteria_set.deadline > timezone.now()
    drafts = Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.SELF, status=SheetStatus.DRAFT)
    assert drafts.exists()
    assert {m.unit.users.get().username for m in (d.subject for d in drafts)} == set(
        personas["blocs"][0]["drafting"]
    )
    # Reviews only of submitted sheets; final scores only for them.
    submitted = Sheet.objects.filter(
        criteria_set=criteria_set, layer=Layer.SELF, status=SheetStatus.SUBMITTED
    ).values_list("subject_id", flat=True)
    reviewed = Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.LEADER)
    assert set(reviewed.values_list("subject_id", flat=True)) == set(submitted)
    assert set(
        FinalScore.objects.filter(criteria_set=criteria_set).values_list("subject_id", flat=True)
    ) == set(submitted)


def test_every_score_has_its_audit_event_and_the_accounts_log_in(loaded, client):
    personas, output = loaded
    assert (
        AuditEvent.objects.filter(action__in=["score.self", "score.review"]).count() == Score.objects.count()
    )
    assert bench_data.BENCH_PASSWORD in output
    leader = personas["blocs"][0]["leader"]
    assert client.login(username=leader, password=personas["password"])
    term = Term.objects.get(pk=personas["blocs"][0]["term"])
    assert term.memberships.get(role=Role.LEADER).unit.users.get().username == leader
    assert client.get(f"/scoring/{personas['blocs'][0]['criteria_set']}/grid/").status_code == 200
    assert client.login(username=personas["board"][0], password=personas["password"])
    assert client.get("/overview/").status_code == 200


def test_loading_again_changes_nothing_but_a_deadline_that_came_close(loaded):
    rows = bench_data.row_counts()
    CriteriaSet.objects.filter(state=ScoringState.OPEN).update(deadline=timezone.now() + timedelta(days=1))
    out = StringIO()
    call_command("load_bench", "--small", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert bench_data.row_counts() == rows
    assert all(
        s.deadline > timezone.now() + timedelta(days=20) for s in CriteriaSet.objects.filter(state="open")
    )
    assert Agreement.objects.count() == SIZE.blocs * SIZE.years
