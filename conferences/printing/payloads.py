"""What each conference document prints: the builders' output, frozen into `Document.frozen` on
submission, and what its template reads as `data`. Plain JSON typed as TypedDicts, checked by
`blocs.documents.Shape` whenever a document is built or a frozen one loaded.

A field added to a builder is added here, as NotRequired when documents frozen before it lack it:
every payload stored since the documents first printed must keep loading and printing the same.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from blocs.documents import Shape
from conferences.models import DocumentKind

# Shared parts ------------------------------------------------------------------------------------


class Header(TypedDict):
    issuer_lines: list[str]
    number: str
    number_line: str
    place: str
    date: str | None
    date_line: str


class Signer(TypedDict):
    prefix: str
    title: str
    unit: str
    head_title: str
    name: str


class Signature(TypedDict):
    title: str
    name: str


class Person(TypedDict):
    name: str
    title: str


class Base(TypedDict):
    kind: str
    header: Header
    title: str
    subject: str
    year: int


# The reports ------------------------------------------------------------------------------------


class ReportMember(TypedDict):
    position: int
    unit: str
    role: str


class Target(TypedDict):
    indicator: str
    value: str
    unit_of_measure: str


class RegisteredRow(TypedDict):
    unit: str
    awards: list[str]
    targets: list[Target]


class RegisteredAgreement(TypedDict):
    title: str
    version: int
    status: str


class Registrations(TypedDict):
    agreement: RegisteredAgreement | None
    rows: list[RegisteredRow]
    missing: NotRequired[list[str]]  # absent when the term has no agreement


class ReportScoreRow(TypedDict):
    rank: int
    tied: bool
    unit: str
    self: str
    reviewed: str
    bonus: str
    deductions: str
    total: str


class ReportScores(TypedDict):
    name: str
    locked: bool
    nominal_max: str
    rows: list[ReportScoreRow]
    missing: list[str]
    tie_rules: list[str]
    tied: bool


class ReportCandidate(TypedDict):
    unit: str
    votes: int
    pct: str
    selected: bool


class ReportBallot(TypedDict):
    title: str
    award: str
    runoff: bool
    present: int | None
    counts: dict[str, Any]  # the ballot's frozen result's own counts
    quota: int | None
    threshold: str
    base: str
    denominator: int | None
    candidates: list[ReportCandidate]
    selected: list[str]
    tie: list[str]


class Proposed(TypedDict):
    award: str
    units: list[str]


class Chosen(TypedDict):
    unit: str
    verb: str


class NextYear(TypedDict):
    year: int
    leader: Chosen | None
    deputy: Chosen | None


class MidyearReport(Base):
    bloc: str
    bloc_full: str
    sections: dict[str, list[str]]
    formation: str
    members: list[ReportMember]
    member_count: int
    leader: str
    deputy: str
    supervisor: Person
    registrations: Registrations
    signer: Signer
    recipients: list[str]


class YearendReport(MidyearReport):
    scores: ReportScores | None
    ballots: list[ReportBallot]
    proposals: list[Proposed]
    next: NextYear | None


# The minutes -----------------------------------------------------------------------------------


class ConferenceFacts(TypedDict):
    recorded: bool
    date: str | None
    day: str
    start: str
    end: str
    place: str
    chair: Person
    secretary: Person
    agenda: list[str]
    notes: list[str]
    approved_count: int | None


class Present(TypedDict):
    unit: str
    role: str
    representative: str


class Absent(TypedDict):
    unit: str
    role: str


class Attendance(TypedDict):
    known: bool
    total: int
    present_count: int
    absent_count: int
    quorum: bool
    present: list[Present]
    absent: list[Absent]


class ScoreRow(TypedDict):
    membership: int
    unit: str
    submitted: bool
    rank: int | None
    tied: bool
    self: str
    reviewed: str
    bonus: str
    deductions: str
    total: str


class ScoringTable(TypedDict):
    available: bool
    locked: bool
    rows: list[ScoreRow]
    tie_rules: list[str]
    tied: bool


class Candidate(TypedDict):
    membership: int
    unit: str
    votes: int
    pct: str
    passed: bool
    selected: bool
    tied: bool
    outcome: str


class BallotSummary(TypedDict):
    id: int
    title: str
    kind: str
    is_runoff: bool
    runoff_of: str
    award: str
    award_label: str
    mode: str
    mode_label: str
    quota: int
    closed: bool
    state_label: str
    runoff: str
    counts: dict[str, Any]  # the ballot's frozen result's own counts
    present: int | None
    denominator: int | None
    rule: str
    candidates: list[Candidate]
    selected: list[str]
    tie: list[str]
    seats_left: int


class Outcome(TypedDict):
    membership: int
    unit: str
    votes: int
    pct: str
    ballot: str
    award: str


class AwardOutcome(TypedDict):
    award: str
    label: str
    units: list[Outcome]


class Pending(TypedDict):
    ballot: str
    units: list[str]
    seats_left: int


class Outcomes(TypedDict):
    leading: list[Outcome]
    awards: list[AwardOutcome]
    pending: list[Pending]


class Successor(TypedDict):
    unit: str
    chosen_by: str


class NextLeadership(TypedDict):
    year: int
    leader: Successor | None
    deputy: Successor | None


class VoteMinutes(Base):
    bloc: str
    bloc_short: str
    conference: ConferenceFacts
    attendance: Attendance
    scores: ScoringTable
    ballots: list[BallotSummary]
    outcomes: Outcomes
    next_year: NextLeadership
    notes: list[str]
    signatures: list[Signature]


class Excluded(TypedDict):
    unit: str
    reason: str


class CountMinutes(Base):
    bloc: str
    bloc_short: str
    conference: ConferenceFacts
    members_total: int
    present_count: int | None
    ballot: BallotSummary
    listed: list[str]
    excluded: list[Excluded]
    notes: list[str]
    committee_lines: list[int]
    signatures: list[Signature]


# The proposal -----------------------------------------------------------------------------------


class ProposedUnit(TypedDict):
    membership: int
    unit: str
    total: str
    rank: int | None
    votes: int
    pct: str
    leading: bool


class ProposedAward(TypedDict):
    award: str
    label: str
    count: str
    units: list[ProposedUnit]


class Proposal(Base):
    bloc: str
    bloc_short: str
    addressees: list[str]
    basis: str
    intro: str
    awards: list[ProposedAward]
    proposed_count: int
    notes: list[str]
    conclusion: str
    signer: Signer
    recipients: list[str]


K = DocumentKind
PAYLOADS: dict[str, Shape] = {
    K.REPORT_YEAREND: Shape(YearendReport),
    K.REPORT_MIDYEAR: Shape(MidyearReport),
    K.MINUTES: Shape(VoteMinutes),
    K.COUNT_MINUTES: Shape(CountMinutes),
    K.PROPOSAL: Shape(Proposal),
}
