"""Pages of scoring. Thin views: access helper, form, service, redirect."""

from scoring.views.criteria import (
    criteria,
    criteria_export,
    criteria_import,
    criterion_add,
    criterion_edit,
    criterion_move,
    criterion_remove,
    scoring_lock,
    scoring_open,
    scoring_reopen,
    settings_edit,
    templates,
    term_scoring,
)
from scoring.views.results import grid, grid_export, publish, ranking, ranking_export
from scoring.views.review import cross, cross_remove, decide, explain, review, review_start
from scoring.views.sheets import evidence_add, evidence_download, evidence_remove, own_sheet, sheet_detail

__all__ = [
    "criteria",
    "criteria_export",
    "criteria_import",
    "criterion_add",
    "criterion_edit",
    "criterion_move",
    "criterion_remove",
    "cross",
    "cross_remove",
    "decide",
    "evidence_add",
    "evidence_download",
    "evidence_remove",
    "explain",
    "grid",
    "grid_export",
    "own_sheet",
    "publish",
    "ranking",
    "ranking_export",
    "review",
    "review_start",
    "scoring_lock",
    "scoring_open",
    "scoring_reopen",
    "settings_edit",
    "sheet_detail",
    "templates",
    "term_scoring",
]
