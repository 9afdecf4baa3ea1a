"""Reads of scoring: totals, the ranking, the grid, and what the pages and the services read.

How a member's total is computed:

1. Each layer of scores is a sheet (`Sheet`) of one score per criterion (`Score`): the member's
   self-assessment, the leader's review, the cross-checks. What is typed becomes points in
   `scoring.arithmetic` (a count or a target is converted and capped there; a deduction is stored
   negative), so a sheet's own totals are plain sums (`sheet_totals`).
2. Whenever a sheet is submitted or an explanation decided, `services.final_scores_refresh` writes
   one `FinalScore` row per member and criterion: the leader's decision on an explanation if
   there is one, else the reviewed score under the set's rule (`reviewed_scores`: the leader's
   review, or the mean of the cross-checks, half-up to 2 decimals), else the self-assessment.
   A member without a submitted self-assessment has no rows.
3. Totals are database sums of those rows (`with_totals`), each rounded to 2 decimals in SQL:
   `base_total` (scored criteria; their maxima add up to the set's nominal maximum), `bonus_total`,
   `deduction_total` (negative) and `total` (all of them: bonus points may lift it above the
   nominal maximum), beside `self_total` and `reviewed_total` for comparison.
4. The ranking (`ranking`) is a database window over `total`, then the set's tie-break rules
   (`tie_rules`: fewer deductions, a group's points). Members without a submitted
   self-assessment follow, unranked; a tie the rules cannot break is a shared rank, for a vote.

Nothing here writes; the services call these reads inside their transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank, Round

from agreements.models import Agreement, Target
from blocs.models import Membership, Role, Term
from scoring import arithmetic
from scoring.arithmetic import Cell
from scoring.models import (
    SCORED_KINDS,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Evidence,
    Explanation,
    FinalRule,
    FinalScore,
    FinalSource,
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=10, decimal_places=2))
FEWER_DEDUCTIONS = "fewer_deductions"
REVIEW_LAYERS = (Layer.LEADER, Layer.CROSS)


def previous_set(term: Term) -> CriteriaSet | None:
    """The bloc's most recent earlier criteria set, to copy from."""
    return (
        CriteriaSet.objects.filter(term__bloc_id=term.bloc_id, term__year__lt=term.year)
        .order_by("-term__year")
        .first()
    )


# Sheets and their cells -------------------------------------------------------------------------


def self_sheet(*, criteria_set: CriteriaSet, membership: Membership) -> Sheet | None:
    return Sheet.objects.filter(criteria_set=criteria_set, subject=membership, layer=Layer.SELF).first()


def scores_by_criterion(sheet: Sheet | None) -> dict[int, Score]:
    return {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}


def files_by_criterion(sheet: Sheet | None) -> dict[int, list[Evidence]]:
    files: dict[int, list[Evidence]] = {}
    for evidence in Evidence.objects.filter(sheet=sheet) if sheet else []:
        files.setdefault(evidence.criterion_id, []).append(evidence)
    return files


def registered_targets(membership: Membership) -> dict[str, Decimal]:
    """The member's targets in the term's current agreement, by normalized indicator name."""
    agreement = Agreement.objects.current().filter(term_id=membership.term_id).first()
    if agreement is None:
        return {}
    targets = Target.objects.filter(registration__agreement=agreement, registration__membership=membership)
    return {arithmetic.normalize_indicator(t.indicator): t.value for t in targets}


type Change = tuple[Criterion, Score | None, dict | None]


def cell_changes(
    criteria_set: CriteriaSet, membership: Membership, cells: dict[int, Cell], sheet: Sheet | None
) -> tuple[dict[str, str], list[Change]]:
    """Every cell checked against its criterion: the messages by `c<pk>`, and the changes to make
    to `sheet` (a score's new values, or None to clear it)."""
    criteria = {c.pk: c for c in criteria_set.criteria.scorable()}
    needs_targets = any(criteria[pk].kind == CriterionKind.TARGET for pk in cells if pk in criteria)
    targets = registered_targets(membership) if needs_targets else {}
    existing = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
    errors: dict[str, str] = {}
    changes: list[Change] = []
    for pk, cell in cells.items():
        criterion = criteria.get(pk)
        if criterion is None:
            raise ValidationError("Phiếu có tiêu chí không thuộc bảng tiêu chí này; hãy tải lại trang.")
        target = (
            targets.get(arithmetic.normalize_indicator(criterion.indicator)) if criterion.indicator else None
        )
        try:
            points = arithmetic.points_from_input(
                criterion, points=cell.points, quantity=cell.quantity, target=target
            )
        except arithmetic.Invalid as exc:
            errors[f"c{pk}"] = str(exc)
            continue
        old = existing.get(pk)
        if points is None:
            if old is not None:
                changes.append((criterion, old, None))
            continue
        values = {"points": points, "quantity": cell.quantity, "target_value": target, "note": cell.note}
        if old is None or any(getattr(old, k) != v for k, v in values.items()):
            changes.append((criterion, old, values))
    return errors, changes


def sheet_errors(
    *, criteria_set: CriteriaSet, membership: Membership, cells: dict[int, Cell]
) -> dict[str, str]:
    """The messages of the cells that do not fit their criteria, without saving anything."""
    return cell_changes(criteria_set, membership, cells, None)[0]


def self_points(criteria_set: CriteriaSet, subject: Membership) -> dict[int, Decimal]:
    return dict(
        Score.objects.filter(
            sheet__criteria_set=criteria_set, sheet__subject=subject, sheet__layer=Layer.SELF
        ).values_list("criterion_id", "points")
    )


def review_changes(sheet: Sheet, cells: dict[int, Cell]) -> tuple[dict[str, str], list[Change]]:
    """`cell_changes` of a review, plus a comment wherever the reviewed score differs from the
    self-assessment. A bonus or deduction the member left blank is 0: a reviewed 0 is no change."""
    errors, changes = cell_changes(sheet.criteria_set, sheet.subject, cells, sheet)
    own = self_points(sheet.criteria_set, sheet.subject)
    for criterion, _old, values in changes:
        key = f"c{criterion.pk}"
        if values is None or key in errors:
            continue
        blank = Decimal(0) if criterion.kind in (CriterionKind.BONUS, CriterionKind.DEDUCTION) else None
        if values["points"] != own.get(criterion.pk, blank) and not values["note"].strip():
            errors[key] = "Điểm thẩm định khác điểm tự chấm: ghi nhận xét, lý do."
    return errors, changes


def review_errors(*, sheet: Sheet, cells: dict[int, Cell]) -> dict[str, str]:
    """Cell messages of a review without saving."""
    return review_changes(sheet, cells)[0]


def sheet_totals(sheet: Sheet) -> dict[str, Decimal]:
    """The sheet's totals, computed by the database: scored criteria, bonus, deductions, total."""
    return Score.objects.filter(sheet=sheet).aggregate(
        base=Coalesce(Sum("points", filter=Q(kind__in=SCORED_KINDS)), ZERO),
        bonus=Coalesce(Sum("points", filter=Q(kind=CriterionKind.BONUS)), ZERO),
        deduction=Coalesce(Sum("points", filter=Q(kind=CriterionKind.DEDUCTION)), ZERO),
        total=Coalesce(Sum("points"), ZERO),
    )


def missing_for_submit(sheet: Sheet) -> list[Criterion]:
    """Scored criteria (bonus and deduction are optional) that the sheet has not filled in."""
    filled = sheet.scores.values("criterion_id")
    return list(sheet.criteria_set.criteria.filter(kind__in=SCORED_KINDS).exclude(pk__in=filled).in_order())


def leader_reviewer(criteria_set: CriteriaSet, subject: Membership) -> Membership:
    """Who reviews for the leader: the leader's unit, or the deputy's for the leader's own sheet."""
    role = Role.DEPUTY if subject.role == Role.LEADER else Role.LEADER
    reviewer = criteria_set.term.memberships.filter(role=role).first()
    if reviewer is None:
        raise ValidationError("Khối chưa có trưởng khối và phó trưởng khối để thẩm định phiếu này.")
    return reviewer


def submitted_reviews(criteria_set: CriteriaSet, subject: Membership) -> list[Sheet]:
    return list(
        Sheet.objects.filter(
            criteria_set=criteria_set, subject=subject, layer__in=REVIEW_LAYERS, status=SheetStatus.SUBMITTED
        ).select_related("reviewer__unit")
    )


def cross_assignments(criteria_set: CriteriaSet) -> list[Sheet]:
    return list(
        Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.CROSS)
        .select_related("reviewer__unit", "subject__unit")
        .order_by("subject__position", "reviewer__position")
    )


def members_with_self_sheets(criteria_set: CriteriaSet) -> tuple[list[Membership], int]:
    """The term's members in order, each with its self-assessment (`sheet`, or None), and how many
    submitted it."""
    members = list(criteria_set.term.memberships.with_unit_name().order_by("position", "pk"))
    sheets = {
        s.subject_id: s
        for s in Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.SELF).only(
            "pk", "subject_id", "status", "submitted_at"
        )
    }
    for member in members:
        member.sheet = sheets.get(member.pk)
    return members, sum(1 for m in members if m.sheet and m.sheet.is_submitted)


# Reviewed and final scores ----------------------------------------------------------------------


def reviewed_scores(criteria_set: CriteriaSet, subject_ids) -> dict[tuple[int, int], tuple[Decimal, str]]:
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
    collected: dict[tuple[int, int], list[Decimal]] = {}
    for s, c, p in rows:
        collected.setdefault((s, c), []).append(p)
    return {key: (arithmetic.round2(sum(v) / len(v)), FinalSource.CROSS) for key, v in collected.items()}


def reviewed_points(criteria_set: CriteriaSet, subject: Membership) -> dict[int, Decimal]:
    """The reviewed score of each criterion of one member under the rule (what an explanation answers)."""
    return {c: p for (_s, c), (p, _src) in reviewed_scores(criteria_set, [subject.pk]).items()}


def lowered(criteria_set: CriteriaSet, subject: Membership) -> dict[int, tuple[Decimal, Decimal]]:
    """Criteria where the reviewed score is below the self-assessment: {criterion: (self, reviewed)}."""
    own = self_points(criteria_set, subject)
    return {
        c: (own[c], p) for c, p in reviewed_points(criteria_set, subject).items() if c in own and p < own[c]
    }


def explanations_by_criterion(subject: Membership) -> dict[int, Explanation]:
    return {e.criterion_id: e for e in Explanation.objects.filter(subject=subject)}


# Totals and the ranking -------------------------------------------------------------------------


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


@dataclass(frozen=True)
class TieRule:
    """One tie-break rule: `key` ("fewer_deductions" or "group:<pk>"), and the group it compares."""

    key: str
    group: Criterion | None = None

    @property
    def label(self) -> str:
        """The rule as the ranking page and the printed documents state it."""
        if self.group is None:
            return "ít điểm trừ hơn"
        return f"điểm nhóm {self.group.code or self.group.text[:40]} cao hơn"


def tie_rule_options(groups) -> list[TieRule]:
    """Every rule a set with these groups may choose, in the order the settings offer them."""
    return [TieRule(FEWER_DEDUCTIONS), *(TieRule(f"group:{g.pk}", g) for g in groups)]


def tie_rules(criteria_set: CriteriaSet, groups: dict[int, Criterion] | None = None) -> list[TieRule]:
    """The set's tie-break rules, in order."""
    if groups is None:
        groups = {c.pk: c for c in criteria_set.criteria.filter(kind=CriterionKind.GROUP)}
    rules = []
    for item in criteria_set.tie_break or []:
        if item.get("rule") == FEWER_DEDUCTIONS:
            rules.append(TieRule(FEWER_DEDUCTIONS))
        elif item.get("rule") == "group" and item.get("criterion") in groups:
            group = groups[item["criterion"]]
            rules.append(TieRule(f"group:{group.pk}", group))
    return rules


def _tie_expression(rule: TieRule):
    if rule.group is None:
        return _sum("points", Q(kind=CriterionKind.DEDUCTION))  # negative: higher means fewer
    return _sum("points", Q(group_id=rule.group.pk))


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


# The leader's grid ------------------------------------------------------------------------------


def grid_rows(criteria_set: CriteriaSet) -> dict:
    """Every member × every criterion (self, reviewed and final scores), the members with their
    totals and sheets, and the explanations awaiting a decision: a fixed number of queries
    whatever the bloc or table size."""
    members = list(with_totals(criteria_set).order_by("position", "pk"))
    criteria = list(criteria_set.criteria.in_order())
    # Plain rows, not model instances: a large grid has members × criteria of them.
    finals = {
        (f.subject_id, f.criterion_id): f
        for f in FinalScore.objects.filter(criteria_set=criteria_set).values_list(
            "subject_id", "criterion_id", "self_points", "reviewed_points", "points", named=True
        )
    }
    explanations = {
        (e.subject_id, e.criterion_id): e
        for e in Explanation.objects.filter(criteria_set=criteria_set).select_related(
            "subject__unit", "criterion"
        )
    }
    _attach_sheets(criteria_set, members)
    rows = [
        {
            "criterion": c,
            "cells": [
                {"final": finals.get((m.pk, c.pk)), "explanation": explanations.get((m.pk, c.pk))}
                for m in members
            ],
        }
        for c in criteria
    ]
    return {
        "members": members,
        "rows": rows,
        "nominal_max": CriteriaSet.objects.nominal_max_of(criteria_set.pk),
        "submitted": SheetStatus.SUBMITTED,
        "pending": [e for e in explanations.values() if e.decided_points is None],
    }


def _attach_sheets(criteria_set: CriteriaSet, members: list[Membership]) -> None:
    """Each member's self-assessment status, the leader's review and the cross-checks, in one query."""
    sheets = Sheet.objects.filter(criteria_set=criteria_set).only(
        "pk", "subject_id", "layer", "status", "reviewer_id"
    )
    self_status, leader_review, crosses = {}, {}, {}
    for sheet in sheets:
        if sheet.layer == Layer.SELF:
            self_status[sheet.subject_id] = sheet.status
        elif sheet.layer == Layer.LEADER:
            leader_review[sheet.subject_id] = sheet
        else:
            crosses.setdefault(sheet.subject_id, []).append(sheet)
    for m in members:
        m.self_status = self_status.get(m.pk)
        m.leader_review = leader_review.get(m.pk)
        m.crosses = crosses.get(m.pk, [])
