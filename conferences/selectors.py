"""Reads of the conferences that both their pages and their printed documents need."""

from __future__ import annotations

from dataclasses import dataclass

from ballots.models import BallotPresence, BallotState
from blocs.models import Membership, Term
from conferences.models import Conference, ConferenceAttendance, ConferenceKind


@dataclass
class Attendance:
    """Who was there, from wherever that fact lives, and the quorum."""

    present: list  # [(membership, representative)]
    absent: list  # [membership]
    source: str  # where the list comes from, as the page says it

    @property
    def quorum(self) -> bool:
        """More than half of the members present."""
        return len(self.present) * 2 > len(self.present) + len(self.absent)


def attendance(term: Term, kind: str, conference: Conference | None, members: list[Membership]) -> Attendance:
    """The conference's attendance in two queries at most, whatever the number of members."""
    if kind == ConferenceKind.YEAREND:
        # Only ballots that were opened: a draft lists every member as present until it is edited.
        rows = (
            BallotPresence.objects.filter(ballot__term=term)
            .exclude(ballot__state=BallotState.DRAFT)
            .order_by("ballot__created_at", "ballot_id", "pk")
            .values_list("membership_id", "representative")
        )
        source = "Danh sách thành viên có mặt của các cuộc bỏ phiếu bình xét, suy tôn."
    else:
        rows = (
            ConferenceAttendance.objects.filter(conference=conference).values_list(
                "membership_id", "representative"
            )
            if conference is not None
            else []
        )
        source = ""
    found: dict[int, str] = {}
    for membership_id, representative in rows:
        found[membership_id] = found.get(membership_id) or representative
    present = [(m, found[m.pk]) for m in members if m.pk in found]
    absent = [m for m in members if m.pk not in found]
    return Attendance(present=present, absent=absent, source=source)
