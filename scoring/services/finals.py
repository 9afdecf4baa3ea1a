"""Final scores: derived, never typed. `final_scores_refresh` recomputes a member's rows from its
submitted sheets under the term's rule whenever one of them changes, in the same transaction."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from blocs.models import Membership
from scoring import arithmetic
from scoring.models import (
    CriteriaSet,
    Explanation,
    FinalRule,
    FinalScore,
    FinalSource,
    Layer,
    Score,
    Sheet,
    SheetStatus,
)


def _reviewed(criteria_set: CriteriaSet, subject_ids) -> dict[tuple[int, int], tuple[Decimal, str]]:
    """The reviewed score per (subject, criterion) under the set's rule, from submitted reviews."""
    layer = Layer.LEADER if criteria_set.final_rule == FinalRule.LEADER else Layer.CROSS
    rows = Score.objects.filter(
        sheet__criteria_set=criteria_set,
        sheet__subject_id__in=subject_ids,
        sheet__layer=layer,
        sheet__status=SheetStatus.SUBMITTED,
    ).values_list("sheet__subject_id", "criterion_id", "points")
    if layer == Layer.LEADER:
        return {(s, c): (p, FinalSource.LEADER) for s, c, p in rows}
    # The mean of the cross-checkers' sheets, half-up to 2 decimals. Decimal in Python, because
    # SQLite's AVG returns a float; the subject's own sheet is never a cross sheet (a constraint).
    collected: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for s, c, p in rows:
        collected[(s, c)].append(p)
    return {key: (arithmetic.round2(sum(v) / len(v)), FinalSource.CROSS) for key, v in collected.items()}


def reviewed_points(criteria_set: CriteriaSet, subject: Membership) -> dict[int, Decimal]:
    """The reviewed score of each criterion of one member under the rule (what an explanation answers)."""
    return {c: p for (_s, c), (p, _src) in _reviewed(criteria_set, [subject.pk]).items()}


def final_scores_refresh(*, criteria_set: CriteriaSet, subjects=None) -> None:
    """Recompute the final scores of `subjects` (all members when None): the decision on an
    explanation, else the reviewed score under the rule, else the self-assessment. Members without
    a submitted self-assessment have none (they are not ranked). Each row also keeps the self and
    reviewed scores, so that every total of the grid is a database sum."""
    members = list(subjects) if subjects is not None else list(criteria_set.term.memberships.all())
    ids = [m.pk for m in members]
    criteria = {c.pk: c for c in criteria_set.criteria.scorable()}
    submitted = set(
        Sheet.objects.filter(
            criteria_set=criteria_set, subject_id__in=ids, layer=Layer.SELF, status=SheetStatus.SUBMITTED
        ).values_list("subject_id", flat=True)
    )
    own = {
        (s, c): p
        for s, c, p in Score.objects.filter(
            sheet__criteria_set=criteria_set,
            sheet__subject_id__in=submitted,
            sheet__layer=Layer.SELF,
        ).values_list("sheet__subject_id", "criterion_id", "points")
    }
    reviewed = _reviewed(criteria_set, submitted)
    decided = {
        (s, c): p
        for s, c, p in Explanation.objects.filter(
            criteria_set=criteria_set, subject_id__in=submitted, decided_points__isnull=False
        ).values_list("subject_id", "criterion_id", "decided_points")
    }
    rows = []
    for key in sorted(set(own) | set(reviewed) | set(decided)):
        subject_id, criterion_id = key
        if criterion_id not in criteria:
            continue
        review = reviewed.get(key)
        if key in decided:
            points, source = decided[key], FinalSource.DECISION
        elif review is not None:
            points, source = review
        else:
            points, source = own[key], FinalSource.SELF
        criterion = criteria[criterion_id]
        rows.append(
            FinalScore(
                criteria_set=criteria_set,
                subject_id=subject_id,
                criterion_id=criterion_id,
                kind=criterion.kind,
                group_id=criterion.parent_id or criterion_id,
                self_points=own.get(key),
                reviewed_points=review[0] if review else None,
                points=points,
                source=source,
            )
        )
    FinalScore.objects.filter(criteria_set=criteria_set, subject_id__in=ids).delete()
    FinalScore.objects.bulk_create(rows)
