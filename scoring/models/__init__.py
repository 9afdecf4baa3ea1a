"""Scoring of a term: the criteria set (bảng tiêu chí), the members' sheets in their layers (self-
assessment, the leader's review, cross-checks), evidence and explanations.

Scores are decimals. The rules of a single row are declared here once: field validators, `clean()`,
and database constraints with a Vietnamese `violation_error_message`; the services enforce them with
`full_clean()`, so a caller without a form gets the same message. The rules of a score that need
its criterion (maximum, step, cap) are checked by `scoring.arithmetic` in the services.
"""

from scoring.models.criteria import (
    GROUP_SHAPE,
    INDICATOR_NEEDED,
    MAX_POSITIVE,
    RATED_KINDS,
    SCORED_KINDS,
    SIGN_BY_KIND,
    STEP_NEEDED,
    STEPPED_KINDS,
    UNIT_POINTS_NEEDED,
    CriteriaSet,
    CriteriaSetQuerySet,
    Criterion,
    CriterionKind,
    CriterionQuerySet,
    FinalRule,
    ScoringState,
)
from scoring.models.sheets import (
    Evidence,
    Explanation,
    FinalScore,
    FinalSource,
    Layer,
    Score,
    Sheet,
    SheetStatus,
    _random_id,
    document_path,
    evidence_path,
)

__all__ = [
    "GROUP_SHAPE",
    "INDICATOR_NEEDED",
    "MAX_POSITIVE",
    "RATED_KINDS",
    "SCORED_KINDS",
    "SIGN_BY_KIND",
    "STEPPED_KINDS",
    "STEP_NEEDED",
    "UNIT_POINTS_NEEDED",
    "CriteriaSet",
    "CriteriaSetQuerySet",
    "Criterion",
    "CriterionKind",
    "CriterionQuerySet",
    "Evidence",
    "Explanation",
    "FinalRule",
    "FinalScore",
    "FinalSource",
    "Layer",
    "Score",
    "ScoringState",
    "Sheet",
    "SheetStatus",
    "_random_id",
    "document_path",
    "evidence_path",
]
