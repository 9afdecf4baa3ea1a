"""Totals and the ranking, computed by the database from the final scores: sums per member, then a
window ranking by total and the term's tie-break rules. A tie the rules cannot break is a shared
rank, flagged for a vote."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank, Round
from django.utils import timezone

from blocs.audit import audit_record
from blocs.models import Membership, Term, User
from scoring.models import (
    SCORED_KINDS,
    CriteriaSet,
    Criterion,
    CriterionKind,
    FinalScore,
    Layer,
    ScoringState,
    Sheet,
    SheetStatus,
)
from scoring.services.common import _locked_set

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=10, decimal_places=2))
FEWER_DEDUCTIONS = "fewer_deductions"


def _sum(field: str, condition: Q | None = None, *, empty=ZERO):
    """A member's sum of final-score rows, rounded to 2 decimals in SQL: SQLite adds decimals as
    floats, and rounding makes equal totals compare equal in the ranking window there too."""
    rows = (
        FinalScore.objects.filter(condition or Q(), subject=OuterRef("pk"))
        .order_by()
        .values("subject")
        .annotate(total=Round(Sum(field), 2))
        .values("total")
    )
    total = Subquery(rows, output_field=DecimalField(max_digits=10, decimal_places=2))
    return total if empty is None else Coalesce(total, empty)


@dataclass(frozen=True)
class TieRule:
    key: str
    label: str


def tie_rules(criteria_set: CriteriaSet, groups: dict[int, Criterion] | None = None) -> list[TieRule]:
    """The set's tie-break rules, in order, with the words the ranking page states them in."""
    if groups is None:
        groups = {c.pk: c for c in criteria_set.criteria.filter(kind=CriterionKind.GROUP)}
    rules = []
    for item in criteria_set.tie_break or []:
        if item.get("rule") == FEWER_DEDUCTIONS:
            rules.append(TieRule(FEWER_DEDUCTIONS, "ít điểm trừ hơn"))
        elif item.get("rule") == "group" and item.get("criterion") in groups:
            group = groups[item["criterion"]]
            rules.append(TieRule(f"group:{group.pk}", f"điểm nhóm {group.code or group.text[:40]} cao hơn"))
    return rules


def _tie_expression(rule: TieRule):
    if rule.key == FEWER_DEDUCTIONS:
        return _sum("points", Q(kind=CriterionKind.DEDUCTION))  # negative: higher means fewer
    return _sum("points", Q(group_id=int(rule.key.split(":")[1])))


def with_totals(criteria_set: CriteriaSet):
    """The term's members with their totals (self, reviewed, bonus, deductions, final) and whether
    their self-assessment was submitted."""
    submitted = Sheet.objects.filter(
        criteria_set=criteria_set, subject=OuterRef("pk"), layer=Layer.SELF, status=SheetStatus.SUBMITTED
    )
    return (
        Membership.objects.filter(term_id=criteria_set.term_id)
        .with_unit_name()
        .select_related("unit")
        .annotate(
            submitted=Exists(submitted),
            self_total=_sum("self_points"),
            reviewed_total=_sum("reviewed_points", Q(reviewed_points__isnull=False), empty=None),
            base_total=_sum("points", Q(kind__in=SCORED_KINDS)),
            bonus_total=_sum("points", Q(kind=CriterionKind.BONUS)),
            deduction_total=_sum("points", Q(kind=CriterionKind.DEDUCTION)),
            total=_sum("points"),
        )
    )


def ranking(criteria_set: CriteriaSet, rules: list[TieRule] | None = None) -> list[Membership]:
    """Members ranked by final total then the tie-break rules (`rank`, `tied` on each), followed by
    those whose self-assessment is missing (`rank` None: "chưa nộp"). One query (two without
    `rules`, the set's `tie_rules()`): the window ranks those who submitted and those who did not
    apart."""
    rules = tie_rules(criteria_set) if rules is None else rules
    keys = {f"tie_{i}": _tie_expression(rule) for i, rule in enumerate(rules)}
    order = [F("total").desc(), *(F(name).desc() for name in keys)]
    rows = list(
        with_totals(criteria_set)
        .annotate(**keys)
        .annotate(rank=Window(Rank(), partition_by=[F("submitted")], order_by=order))
        .order_by("position", "pk")
    )
    ranked = sorted((r for r in rows if r.submitted), key=lambda r: r.rank)  # stable: position, pk
    shared = {r.rank for r in ranked if sum(1 for o in ranked if o.rank == r.rank) > 1}
    for row in ranked:
        row.tied = row.rank in shared
        row.tie_values = [getattr(row, name) for name in keys]
    missing = [r for r in rows if not r.submitted]
    for row in missing:
        row.rank, row.tied, row.tie_values = None, False, []
    return ranked + missing


def ranked_memberships(term: Term) -> list[Membership]:
    """The term's members in rank order (for ballots' default candidates); by position when the
    term has no ranking yet."""
    criteria_set = CriteriaSet.objects.filter(term=term).first()
    if criteria_set is None or criteria_set.state == ScoringState.SETUP:
        return list(term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"))
    return ranking(criteria_set)


def group_totals(criteria_set: CriteriaSet) -> dict[tuple[int, int], Decimal]:
    """{(member, group): final points} in one query, for the chart of totals by group."""
    rows = (
        FinalScore.objects.filter(criteria_set=criteria_set)
        .values("subject_id", "group_id")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return {(r["subject_id"], r["group_id"]): r["total"] for r in rows}


@transaction.atomic
def ranking_publish(*, criteria_set: CriteriaSet, by: User | None) -> CriteriaSet:
    """The leader publishes the ranking to the members, once scoring is locked."""
    criteria_set = _locked_set(criteria_set)
    if criteria_set.state != ScoringState.LOCKED:
        raise ValidationError("Khóa chấm điểm trước khi công bố xếp hạng.")
    if criteria_set.published_at is not None:
        return criteria_set
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["published_at"])
    audit_record(
        actor=by,
        action="ranking.publish",
        obj=criteria_set,
        term=criteria_set.term,
        new={"published_at": criteria_set.published_at.isoformat()},
    )
    return criteria_set
