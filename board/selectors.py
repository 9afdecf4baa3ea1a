"""The board's reads: the overview of a year (every bloc's progress against the board's deadlines),
the Government-flag rule, and the proposals the board decides on, per term and per unit.

Reads run a fixed number of queries whatever the number of blocs (counts are correlated subqueries
of one query over the year's terms). A term's proposals are read by `ballots.selectors.proposals_of`,
as the printed proposal reads them: the leading unit is proposed for the provincial flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agreements.models import Agreement, AgreementStatus
from ballots.models import Ballot, BallotState
from ballots.selectors import closed_ballots, proposals_of
from blocs.models import Membership, Role, Term, Unit
from board.models import AwardDecision, BoardDeadline
from conferences.models import Document, DocumentKind, DocumentStatus
from province import catalogue
from province.models import AwardCode
from scoring.models import Layer, ScoringState, Sheet, SheetStatus

# Công văn 5007/BNV-TĐKT (2023): at most 20 % of the province's bloc-leading units may be proposed for
# the Government flag. A setting of the year in principle; there is no model for it yet.
GOVERNMENT_FLAG_SHARE_PERCENT = 20
# The documents the overview follows, in the order they are due; the mid-year report is shown but
# is not part of the year-end submission the board's deadline is about.
DOCUMENT_KINDS = (
    DocumentKind.REPORT_MIDYEAR,
    DocumentKind.REPORT_YEAREND,
    DocumentKind.MINUTES,
    DocumentKind.PROPOSAL,
)
YEAREND_DOCUMENTS = (DocumentKind.REPORT_YEAREND, DocumentKind.MINUTES, DocumentKind.PROPOSAL)
DOCUMENT_SHORT = {
    DocumentKind.REPORT_MIDYEAR: "Báo cáo sơ kết 6 tháng",
    DocumentKind.REPORT_YEAREND: "Báo cáo tổng kết",
    DocumentKind.MINUTES: "Biên bản bình xét",
    DocumentKind.PROPOSAL: "Tờ trình khen thưởng",
}
AGREEMENT_LABELS = {"": "Chưa có", **dict(AgreementStatus.choices)}
SCORING_LABELS = {"": "Chưa có bảng tiêu chí", **dict(ScoringState.choices)}
DOCUMENT_LABELS = {"": "Chưa có", DocumentStatus.DRAFT: "Dự thảo", DocumentStatus.SUBMITTED: "Đã gửi"}
Item = BoardDeadline.Item


# The overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One of the board's four milestones for one bloc: done or not, and overdue against its deadline."""

    item: str
    label: str
    done: bool
    due: date | None
    overdue: bool


@dataclass
class OverviewRow:
    term: Term
    members: int
    leader: Membership | None
    deputy: Membership | None
    agreement: str
    scoring: str
    deadline: datetime | None
    submitted: int
    ballots_draft: int
    ballots_open: int
    ballots_closed: int
    documents: dict[str, str]
    government_flag: int
    steps: dict[str, Step] = field(default_factory=dict)

    @property
    def bloc(self):
        return self.term.bloc

    @property
    def agreement_label(self) -> str:
        return AGREEMENT_LABELS[self.agreement]

    @property
    def scoring_label(self) -> str:
        return SCORING_LABELS[self.scoring]

    @property
    def ballots(self) -> int:
        return self.ballots_draft + self.ballots_open + self.ballots_closed

    @property
    def vote_label(self) -> str:
        if not self.ballots:
            return "Chưa có cuộc bỏ phiếu"
        if self.ballots_closed == self.ballots:
            return f"Đã kết thúc ({self.ballots_closed}/{self.ballots})"
        parts = []
        if self.ballots_open:
            parts.append(f"{self.ballots_open} đang bỏ phiếu")
        if self.ballots_draft:
            parts.append(f"{self.ballots_draft} đang chuẩn bị")
        return ", ".join(parts) + f"; đã kết thúc {self.ballots_closed}/{self.ballots}"

    @property
    def document_rows(self) -> list[tuple[str, str, str]]:
        """(kind, short name, status label) for each document the overview follows."""
        return [(k, DOCUMENT_SHORT[k], DOCUMENT_LABELS[self.documents[k]]) for k in DOCUMENT_KINDS]

    @property
    def steps_done(self) -> int:
        return sum(step.done for step in self.steps.values())

    @property
    def overdue(self) -> list[Step]:
        return [step for step in self.steps.values() if step.overdue]


def _count(queryset: QuerySet, by: str) -> Coalesce:
    """The number of rows of a correlated subquery, 0 when there are none."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _document_status(kind: str) -> Subquery:
    return Subquery(
        Document.objects.filter(term=OuterRef("pk"), kind=kind, ballot__isnull=True).values("status")[:1]
    )


def _terms_of(year: int, term_ids=None, *, steps_only: bool = False) -> QuerySet:
    """The year's terms with every count and status the overview shows, in one query (plus one for
    the leader and deputy). `steps_only`: only what the board's four steps need, without the
    leadership (a dashboard's deadlines)."""
    ballots = Ballot.objects.filter(term=OuterRef("pk"))
    current = Agreement.objects.current().filter(term=OuterRef("pk"))
    terms = Term.objects.for_year(year) if term_ids is None else Term.objects.filter(pk__in=term_ids)
    shown = {
        "agreement_status": Coalesce(Subquery(current.values("status")[:1]), Value("")),
        "scoring_state": Coalesce(F("criteria_set__state"), Value("")),
        "n_closed": _count(ballots.filter(state=BallotState.CLOSED), "term"),
        **{
            f"doc_{kind}": Coalesce(_document_status(kind), Value(""))
            for kind in (YEAREND_DOCUMENTS if steps_only else DOCUMENT_KINDS)
        },
    }
    if steps_only:
        shown["n_open"] = _count(ballots.exclude(state=BallotState.CLOSED), "term")  # open or draft
    else:
        terms = terms.with_leadership()
        shown |= {
            "n_members": _count(Membership.objects.filter(term=OuterRef("pk")), "term"),
            "scoring_deadline": F("criteria_set__deadline"),
            "n_submitted": _count(
                Sheet.objects.filter(
                    criteria_set__term=OuterRef("pk"), layer=Layer.SELF, status=SheetStatus.SUBMITTED
                ),
                "criteria_set",
            ),
            "n_draft": _count(ballots.filter(state=BallotState.DRAFT), "term"),
            "n_open": _count(ballots.filter(state=BallotState.OPEN), "term"),
        }
    return terms.select_related("bloc").annotate(**shown).order_by("bloc__name")


def deadlines_for(year: int) -> dict[str, date]:
    return dict(BoardDeadline.objects.filter(year=year).values_list("item", "due"))


def government_flag_proposals(year: int) -> dict[int, set[int]]:
    """The units proposed for the Government flag, per term: those selected on the year's closed
    ballots for that award (a run-off's selection included). One query."""
    ballots = closed_ballots().filter(term__year=year, award=AwardCode.FLAG_GOVERNMENT)
    proposed: dict[int, set[int]] = {}
    for proposal in proposals_of(ballots):
        proposed.setdefault(proposal.ballot.term_id, set()).add(proposal.membership_id)
    return proposed


def government_flag_allowed(blocs: int) -> int:
    """20 % of the bloc-leading units (one per bloc), rounded down."""
    return blocs * GOVERNMENT_FLAG_SHARE_PERCENT // 100


def government_flag_count(year: int) -> tuple[int, int]:
    """(units proposed for the Government flag province-wide, the most that may be proposed)."""
    blocs = Term.objects.for_year(year).count()
    proposed = sum(len(units) for units in government_flag_proposals(year).values())
    return proposed, government_flag_allowed(blocs)


def government_flag_summary(rows: Sequence[OverviewRow]) -> dict:
    """The Government-flag line of the overview, from its rows (`government_flag_count` without its
    queries: a unit is in one bloc a year, so the blocs' proposals add up to the province's)."""
    proposed = sum(row.government_flag for row in rows)
    allowed = government_flag_allowed(len(rows))
    return {
        "proposed": proposed,
        "allowed": allowed,
        "blocs": len(rows),
        "share": GOVERNMENT_FLAG_SHARE_PERCENT,
        "over": proposed > allowed,
        "excess": max(proposed - allowed, 0),
    }


def _steps(row: OverviewRow, deadlines: Mapping[str, date], today: date) -> dict[str, Step]:
    done = {
        Item.AGREEMENT_SIGNED: row.agreement == AgreementStatus.SIGNED,
        Item.SCORING_LOCKED: row.scoring == ScoringState.LOCKED,
        Item.VOTE_CLOSED: row.ballots > 0 and row.ballots_closed == row.ballots,
        Item.DOCUMENTS_SUBMITTED: all(
            row.documents[k] == DocumentStatus.SUBMITTED for k in YEAREND_DOCUMENTS
        ),
    }
    steps = {}
    for item, label in Item.choices:
        due = deadlines.get(item)
        steps[item] = Step(item, label, done[item], due, due is not None and due < today and not done[item])
    return steps


def overview_rows(
    year: int | None,
    *,
    today: date | None = None,
    deadlines: Mapping[str, date] | None = None,
    term_ids=None,
    steps_only: bool = False,
) -> list[OverviewRow]:
    """One row per bloc with a term in `year`, by bloc name; overdue against the board's deadlines
    (`deadlines_for(year)` unless given) as of `today` (the local date by default). Four queries
    whatever the number of blocs (three when the deadlines are given). `steps_only` (a dashboard's
    deadlines): one query, and rows that carry only what their steps need (no leader, deputy,
    member or sheet count, scoring deadline or Government-flag count; draft and open ballots
    counted together as open; the year-end documents only)."""
    if year is None:
        return []
    today = today or timezone.localdate()
    deadlines = deadlines_for(year) if deadlines is None else deadlines
    flags = {} if steps_only else government_flag_proposals(year)
    rows = []
    kinds = YEAREND_DOCUMENTS if steps_only else DOCUMENT_KINDS
    for term in _terms_of(year, term_ids, steps_only=steps_only):
        leadership = {} if steps_only else {m.role: m for m in term.leadership}
        row = OverviewRow(
            term=term,
            members=getattr(term, "n_members", 0),
            leader=leadership.get(Role.LEADER),
            deputy=leadership.get(Role.DEPUTY),
            agreement=term.agreement_status,
            scoring=term.scoring_state,
            deadline=getattr(term, "scoring_deadline", None),
            submitted=getattr(term, "n_submitted", 0),
            ballots_draft=getattr(term, "n_draft", 0),
            ballots_open=term.n_open,
            ballots_closed=term.n_closed,
            documents={kind: getattr(term, f"doc_{kind}") for kind in kinds},
            government_flag=len(flags.get(term.pk, ())),
        )
        row.steps = _steps(row, deadlines, today)
        rows.append(row)
    return rows


# The province's decisions on a term's proposals ------------------------------------------------


@dataclass
class AwardProposal:
    """A unit a term proposed for an award (`ballots.selectors.Proposal`), with its membership of that
    year and the province's decision on it if any."""

    term: Term
    membership: Membership
    award: str
    ballot: Ballot
    votes: int | None
    pct: Decimal | None
    decision: AwardDecision | None = None

    @property
    def award_label(self) -> str:
        return catalogue.label(self.award)

    @property
    def key(self) -> str:
        return f"{self.membership.pk}-{self.award}"


def _with_decisions(ballots, memberships: Mapping[int, Membership], decisions) -> list[AwardProposal]:
    found = [
        AwardProposal(
            term=memberships[p.membership_id].term,
            membership=memberships[p.membership_id],
            award=p.award,
            ballot=p.ballot,
            votes=p.votes,
            pct=p.pct,
        )
        for p in proposals_of(ballots)
        if p.membership_id in memberships
    ]
    by_key = {(p.membership.pk, p.award): p for p in found}
    for decision in decisions:
        proposal = by_key.get((decision.membership_id, decision.award))
        if proposal is not None:
            proposal.decision = decision
    return found


def is_proposed(term: Term, *, membership: Membership, award: str) -> bool:
    """Whether the term proposes the unit for the award, as the decisions page lists it. One query."""
    proposals = proposals_of(closed_ballots().filter(term=term))
    return any(p.membership_id == membership.pk and p.award == award for p in proposals)


def term_proposals(term: Term) -> list[AwardProposal]:
    """The units the term proposes per award, by award then votes, each with the province's
    decision. Three queries."""
    memberships = {m.pk: m for m in term.memberships.select_related("unit").with_unit_name()}
    for m in memberships.values():
        m.term = term
    ballots = closed_ballots().filter(term=term)
    proposals = _with_decisions(ballots, memberships, AwardDecision.objects.filter(term=term))
    proposals.sort(key=lambda p: (catalogue.position(p.award), -(p.votes or 0), p.membership.position))
    return proposals


def unit_award_history(unit: Unit) -> list[AwardProposal]:
    """Every proposal of the unit across the years, latest year first, with the decisions. Three
    queries whatever the number of years."""
    memberships = {
        m.pk: m
        for m in Membership.objects.filter(unit=unit).select_related("term__bloc", "unit").with_unit_name()
    }
    ballots = closed_ballots().filter(term_id__in={m.term_id for m in memberships.values()})
    decisions = AwardDecision.objects.filter(membership__unit=unit)
    proposals = _with_decisions(ballots, memberships, decisions)
    proposals.sort(key=lambda p: (-p.term.year, catalogue.position(p.award)))
    return proposals
