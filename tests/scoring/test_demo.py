"""The demo's scoring: Nội chính 2023 scored end to end, Nội chính 2024 open with sheets missing."""

import pytest

from ballots.models import Ballot
from blocs.models import AuditEvent
from demo.agreements import NOI_CHINH
from scoring import permissions, selectors
from scoring.models import CriteriaSet, CriterionKind, Evidence, Explanation, Layer, Sheet

pytestmark = pytest.mark.django_db


def test_2023_is_a_complete_scored_year(demo):
    criteria_set = CriteriaSet.objects.get(term__bloc__name=NOI_CHINH, term__year=2023)
    assert criteria_set.state == "locked" and criteria_set.published_at is not None
    assert set(criteria_set.criteria.values_list("kind", flat=True)) == set(CriterionKind.values)
    assert CriteriaSet.objects.with_nominal_max().get(pk=criteria_set.pk).nominal_max == 100
    members = criteria_set.term.memberships.count()
    sheets = Sheet.objects.filter(criteria_set=criteria_set)
    assert sheets.filter(layer=Layer.SELF, status="submitted").count() == members
    assert sheets.filter(layer=Layer.LEADER, status="submitted").count() == members
    assert Evidence.objects.filter(sheet__criteria_set=criteria_set).count() == members
    explanation = Explanation.objects.get(criteria_set=criteria_set)
    assert explanation.decided_points is not None
    ranked = selectors.ranking(criteria_set)
    assert [m.rank for m in ranked] == list(range(1, members + 1))
    assert any(m.reviewed_total < m.self_total for m in ranked)  # the review lowered some
    ballots = {b.kind: b for b in Ballot.objects.filter(term=criteria_set.term)}
    assert set(ballots) == {"leading", "award"} and all(b.state == "closed" for b in ballots.values())
    assert ballots["leading"].mode == "online" and ballots["award"].mode == "paper"
    leading_unit = ballots["leading"].result["selected"][0]["membership"]
    assert leading_unit == ranked[0].pk  # the first-ranked unit was elected to lead
    assert leading_unit not in [s["membership"] for s in ballots["award"].result["selected"]]
    assert len(ballots["award"].result["selected"]) == 3


def test_2024_scoring_is_open_with_sheets_missing(demo):
    criteria_set = CriteriaSet.objects.get(term__bloc__name=NOI_CHINH, term__year=2024)
    assert criteria_set.state == "open" and permissions.accepting_self_assessment(criteria_set)
    submitted = Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.SELF, status="submitted")
    assert 0 < submitted.count() < criteria_set.term.memberships.count()
    # The member persona's unit has not started: it has something to do.
    assert not Sheet.objects.filter(criteria_set=criteria_set, subject__unit__name="Sở Tư pháp").exists()


def test_scoring_is_in_the_audit_trail(demo):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "scoring.open",
        "score.self",
        "sheet.submit",
        "score.leader",
        "explanation.decide",
        "scoring.lock",
    } <= actions


def test_2023_conferences_and_documents_were_recorded_and_sent_which_closed_the_year(demo):
    from blocs.models import Term
    from conferences.models import Conference, Document

    term = Term.objects.get(bloc__name=NOI_CHINH, year=2023)
    assert set(Conference.objects.filter(term=term).values_list("kind", flat=True)) == {
        "signing",
        "midyear",
        "yearend",
    }
    documents = Document.objects.filter(term=term)
    assert set(documents.values_list("kind", flat=True)) == {
        "report_yearend", "report_midyear", "minutes", "proposal", "count_minutes"
    }  # fmt: skip
    assert all(d.is_submitted and len(d.sha256) == 64 for d in documents)
    assert not term.is_open
    closing = AuditEvent.objects.get(action="term.close", term=term)
    assert closing.reason.startswith("Đã gửi báo cáo, biên bản, tờ trình")  # closed by sending, as in life
