"""Writes of the scoring app: one transaction each, with its audit event (old value, new value).

Split by subject; everything is re-exported here, so callers write `services.sheet_save(...)`.
Reads (totals, the ranking, the grid) are in `scoring.selectors`; who may call which write, and
when, in `scoring.permissions` (the services check the time windows again inside their lock).
"""

from scoring.arithmetic import Cell
from scoring.services.criteria import (
    CRITERION_FIELDS,
    SETTING_FIELDS,
    criteria_import,
    criteria_set_create,
    criteria_settings_update,
    criterion_add,
    criterion_move,
    criterion_remove,
    criterion_update,
    ranking_publish,
    scoring_lock,
    scoring_open,
    scoring_reopen,
)
from scoring.services.finals import final_scores_refresh
from scoring.services.review import (
    cross_assign,
    cross_unassign,
    explanation_decide,
    explanation_file,
    leader_review_start,
    review_save,
    review_submit,
)
from scoring.services.sheets import (
    EVIDENCE_KINDS,
    evidence_add,
    evidence_remove,
    sheet_save,
    sheet_submit,
)

__all__ = [
    "CRITERION_FIELDS",
    "EVIDENCE_KINDS",
    "SETTING_FIELDS",
    "Cell",
    "criteria_import",
    "criteria_set_create",
    "criteria_settings_update",
    "criterion_add",
    "criterion_move",
    "criterion_remove",
    "criterion_update",
    "cross_assign",
    "cross_unassign",
    "evidence_add",
    "evidence_remove",
    "explanation_decide",
    "explanation_file",
    "final_scores_refresh",
    "leader_review_start",
    "ranking_publish",
    "review_save",
    "review_submit",
    "scoring_lock",
    "scoring_open",
    "scoring_reopen",
    "sheet_save",
    "sheet_submit",
]
