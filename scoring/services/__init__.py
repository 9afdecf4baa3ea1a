"""Writes of the scoring app: one transaction each, with its audit event (old value, new value).

Split by subject; everything is re-exported here, so callers write `services.sheet_save(...)`.
"""

from scoring.services.common import STALE
from scoring.services.criteria import (
    CRITERION_FIELDS,
    SETTING_FIELDS,
    accepting_self_assessment,
    criteria_set_create,
    criteria_settings_update,
    criterion_add,
    criterion_move,
    criterion_remove,
    criterion_update,
    is_past_deadline,
    previous_set,
    scoring_lock,
    scoring_open,
    scoring_reopen,
)
from scoring.services.sheets import (
    EVIDENCE_KINDS,
    Cell,
    evidence_add,
    evidence_remove,
    missing_for_submit,
    registered_targets,
    self_sheet,
    sheet_errors,
    sheet_save,
    sheet_submit,
    sheet_totals,
)

__all__ = [
    "CRITERION_FIELDS",
    "EVIDENCE_KINDS",
    "SETTING_FIELDS",
    "STALE",
    "Cell",
    "accepting_self_assessment",
    "criteria_set_create",
    "criteria_settings_update",
    "criterion_add",
    "criterion_move",
    "criterion_remove",
    "criterion_update",
    "evidence_add",
    "evidence_remove",
    "is_past_deadline",
    "missing_for_submit",
    "previous_set",
    "registered_targets",
    "scoring_lock",
    "scoring_open",
    "scoring_reopen",
    "self_sheet",
    "sheet_errors",
    "sheet_save",
    "sheet_submit",
    "sheet_totals",
]
