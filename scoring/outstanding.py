"""What still stands between open scoring and its lock (issue 15, item 2).

Two things refuse the lock: a lowered score that its member may still explain (the explanation
window is open and no explanation was filed), and a filed explanation that awaits the leader's
decision. Two more are listed and need the leader's confirmation, which names their consequence: a
member without a submitted self-assessment (no score, not ranked) and a submitted self-assessment
without a submitted review under the term's rule (its final score is the self-assessment).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef

from blocs.models import Membership
from scoring.models import CriteriaSet, Explanation, FinalRule, FinalScore, Layer, Sheet, SheetStatus
from scoring.permissions import explanation_open


@dataclass(frozen=True)
class Member:
    pk: int
    name: str


@dataclass(frozen=True)
class Outstanding:
    missing: list[Member] = field(default_factory=list)
    unreviewed: list[Member] = field(default_factory=list)
    # (member, number of lowered criteria it may still explain)
    unexplained: list[tuple[Member, int]] = field(default_factory=list)
    # (member, criterion code and text) of each explanation awaiting a decision
    undecided: list[tuple[Member, str]] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return bool(self.unexplained or self.undecided)

    @property
    def acknowledged(self) -> list[int]:
        """The members the leader confirms locking without (sorted pks, the confirmation's key)."""
        return sorted(m.pk for m in self.missing + self.unreviewed)

    @property
    def clear(self) -> bool:
        return not (self.blocking or self.missing or self.unreviewed)


def lock_outstanding(criteria_set: CriteriaSet) -> Outstanding:
    """Read in five queries whatever the bloc's size."""
    members = {
        m.pk: Member(m.pk, m.unit_name)
        for m in Membership.objects.filter(term_id=criteria_set.term_id)
        .with_unit_name()
        .order_by("position", "pk")
    }
    submitted = set(
        Sheet.objects.filter(
            criteria_set=criteria_set, layer=Layer.SELF, status=SheetStatus.SUBMITTED
        ).values_list("subject_id", flat=True)
    )
    layer = Layer.LEADER if criteria_set.final_rule == FinalRule.LEADER else Layer.CROSS
    reviewed = set(
        Sheet.objects.filter(
            criteria_set=criteria_set, layer=layer, status=SheetStatus.SUBMITTED
        ).values_list("subject_id", flat=True)
    )
    unexplained: dict[int, int] = {}
    if explanation_open(criteria_set):
        filed = Explanation.objects.filter(subject=OuterRef("subject"), criterion=OuterRef("criterion"))
        for subject_id in (
            FinalScore.objects.filter(criteria_set=criteria_set, reviewed_points__lt=F("self_points"))
            .exclude(Exists(filed))
            .values_list("subject_id", flat=True)
        ):
            unexplained[subject_id] = unexplained.get(subject_id, 0) + 1
    undecided = [
        (members[e.subject_id], f"{e.criterion.code} {e.criterion.text}".strip())
        for e in Explanation.objects.filter(criteria_set=criteria_set, decided_points__isnull=True)
        .select_related("criterion")
        .order_by("subject__position", "criterion__position")
        if e.subject_id in members
    ]
    return Outstanding(
        missing=[m for pk, m in members.items() if pk not in submitted],
        unreviewed=[m for pk, m in members.items() if pk in submitted and pk not in reviewed],
        unexplained=[(m, unexplained[pk]) for pk, m in members.items() if pk in unexplained],
        undecided=undecided,
    )
