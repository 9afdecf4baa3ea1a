"""Final scores: derived, never typed. `final_scores_refresh` recomputes a member's rows from its
submitted sheets under the term's rule whenever one of them changes, in the same transaction (how
they add up to totals and ranks: `scoring.selectors`)."""

from __future__ import annotations

from scoring.models import CriteriaSet, Explanation, FinalScore, FinalSource, Layer, Score, Sheet, SheetStatus
from scoring.selectors import reviewed_scores


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
    reviewed = reviewed_scores(criteria_set, submitted)
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
