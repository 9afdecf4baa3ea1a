"""Scoring of a term: the criteria set (bảng tiêu chí), the members' sheets in their layers (self-
assessment, the leader's review, cross-checks), evidence and explanations.

Scores are decimals. The rules a single row can state are database constraints; the rules that need
the criterion (maximum, step, cap) are checked by `scoring.arithmetic` in the services, in one transaction.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from blocs.models import Membership, Term, User


class ScoringState(models.TextChoices):
    SETUP = "setup", "Đang xây dựng bảng tiêu chí"
    OPEN = "open", "Đang chấm điểm"
    LOCKED = "locked", "Đã khóa"


class FinalRule(models.TextChoices):
    LEADER = "leader", "Điểm thẩm định của trưởng khối"
    CROSS_MEAN = "cross_mean", "Trung bình điểm chấm chéo (không tính phiếu tự chấm)"


class CriterionKind(models.TextChoices):
    GROUP = "group", "Nhóm tiêu chí"
    POINTS = "points", "Chấm điểm"
    PASS_FAIL = "pass_fail", "Đạt / không đạt"
    OCCURRENCE = "occurrence", "Điểm theo số lần"
    TARGET = "target", "Theo tỷ lệ chỉ tiêu đăng ký"
    BONUS = "bonus", "Điểm thưởng"
    DEDUCTION = "deduction", "Điểm trừ"


# Kinds whose maxima add up to the nominal maximum (bonus and deduction do not).
SCORED_KINDS = (CriterionKind.POINTS, CriterionKind.PASS_FAIL, CriterionKind.OCCURRENCE, CriterionKind.TARGET)
STEPPED_KINDS = (CriterionKind.POINTS, CriterionKind.BONUS, CriterionKind.DEDUCTION)
RATED_KINDS = (CriterionKind.OCCURRENCE, CriterionKind.TARGET)


class CriteriaSetQuerySet(models.QuerySet):
    def with_nominal_max(self):
        """`nominal_max`: the sum of the maxima of the scored criteria (bonus and deduction excluded)."""
        return self.annotate(
            nominal_max=models.functions.Coalesce(
                Sum("criteria__max_points", filter=Q(criteria__kind__in=SCORED_KINDS)),
                Decimal("0"),
                output_field=models.DecimalField(max_digits=10, decimal_places=2),
            )
        )

    def templates(self):
        return self.filter(term__isnull=True)

    def nominal_max_of(self, pk: int) -> Decimal:
        return self.with_nominal_max().values_list("nominal_max", flat=True).get(pk=pk)


class CriteriaSet(models.Model):
    """A term's criteria and its scoring settings; with no term, a template kept by the board."""

    term = models.OneToOneField(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="criteria_set"
    )
    name = models.CharField("tên bảng tiêu chí", max_length=300)
    state = models.CharField(
        "trạng thái", max_length=10, choices=ScoringState.choices, default=ScoringState.SETUP
    )
    deadline = models.DateTimeField("hạn nộp phiếu tự chấm", null=True, blank=True)
    explanation_deadline = models.DateTimeField("hạn giải trình", null=True, blank=True)
    final_rule = models.CharField(
        "cách tính điểm cuối cùng", max_length=12, choices=FinalRule.choices, default=FinalRule.LEADER
    )
    # Ordered tie-break rules, e.g. [{"rule": "group", "criterion": 12}, {"rule": "fewer_deductions"}].
    tie_break = models.JSONField("thứ tự xét khi bằng điểm", default=list, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField("công bố xếp hạng lúc", null=True, blank=True, editable=False)
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = "bảng tiêu chí"
        verbose_name_plural = "bảng tiêu chí"
        constraints = [
            models.CheckConstraint(
                condition=Q(term__isnull=False) | Q(state=ScoringState.SETUP),
                name="criteria_template_never_opens",
            ),
            models.CheckConstraint(
                condition=Q(state=ScoringState.SETUP) | Q(deadline__isnull=False, opened_at__isnull=False),
                name="criteria_open_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(state=ScoringState.LOCKED) | Q(locked_at__isnull=False),
                name="criteria_locked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("scoring:criteria", args=[self.pk])

    @property
    def is_template(self) -> bool:
        return self.term_id is None

    @property
    def is_setup(self) -> bool:
        return self.state == ScoringState.SETUP


class CriterionQuerySet(models.QuerySet):
    def in_order(self):
        """Groups and their criteria in print order: a group, then its children, then the next group."""
        return self.annotate(
            group_position=models.functions.Coalesce(F("parent__position"), F("position")),
            is_child=models.Case(
                models.When(parent__isnull=True, then=models.Value(0)), default=models.Value(1)
            ),
        ).order_by("group_position", "is_child", "position", "pk")

    def scorable(self):
        return self.exclude(kind=CriterionKind.GROUP)


class Criterion(models.Model):
    """A group (I, II, III…) or a criterion inside a group or at the top level."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="nhóm"
    )
    position = models.PositiveIntegerField("thứ tự")
    code = models.CharField("số thứ tự in", max_length=20, blank=True)
    text = models.TextField("nội dung tiêu chí", max_length=2000)
    kind = models.CharField("loại", max_length=12, choices=CriterionKind.choices)
    max_points = models.DecimalField(
        "điểm tối đa", max_digits=8, decimal_places=2, default=Decimal("0"),
        help_text="Điểm thưởng: mức trần; điểm trừ: mức trừ tối đa.",
    )  # fmt: skip
    step = models.DecimalField("bước điểm", max_digits=6, decimal_places=2, null=True, blank=True)
    unit_points = models.DecimalField(
        "điểm cho mỗi lần / mỗi 1 %", max_digits=8, decimal_places=2, null=True, blank=True
    )
    indicator = models.CharField(
        "chỉ tiêu đăng ký", max_length=300, blank=True,
        help_text="Tên chỉ tiêu trong bản đăng ký của thành viên (loại theo tỷ lệ chỉ tiêu).",
    )  # fmt: skip
    guidance = models.TextField("hướng dẫn chấm, minh chứng", max_length=2000, blank=True)

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["criteria_set", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_max_not_negative"),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.GROUP, max_points=0, parent__isnull=True)
                | (~Q(kind=CriterionKind.GROUP) & Q(max_points__gt=0)),
                name="criterion_group_top_level_without_max",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=STEPPED_KINDS) | Q(step__gt=0),
                name="criterion_stepped_has_step",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=RATED_KINDS) | Q(unit_points__gt=0),
                name="criterion_rated_has_unit_points",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.TARGET) | ~Q(indicator=""),
                name="criterion_target_names_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()[:120]

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP


class Layer(models.TextChoices):
    SELF = "self", "Tự chấm"
    LEADER = "leader", "Thẩm định"
    CROSS = "cross", "Chấm chéo"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", "Đang chấm"
    SUBMITTED = "submitted", "Đã nộp"


class Sheet(models.Model):
    """One sheet: the scores of one member (`subject`) in one layer. A self-assessment has no
    reviewer; the leader's review and each cross-check name the reviewing member."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="sheets")
    subject = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="sheets")
    layer = models.CharField("lớp điểm", max_length=8, choices=Layer.choices)
    reviewer = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews_made"
    )
    status = models.CharField(max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    submitted_at = models.DateTimeField("nộp lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        # The table keeps the name of the model's first name (Assessment).
        db_table = "scoring_assessment"
        verbose_name = "phiếu chấm"
        verbose_name_plural = "phiếu chấm"
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "subject"],
                condition=Q(layer=Layer.SELF),
                name="assessment_one_self_sheet",
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "subject"],
                condition=Q(layer=Layer.LEADER),
                name="assessment_one_leader_review",
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "subject", "reviewer"],
                condition=Q(layer=Layer.CROSS),
                name="assessment_cross_check_once",
            ),
            models.CheckConstraint(
                condition=Q(layer=Layer.SELF, reviewer__isnull=True)
                | (~Q(layer=Layer.SELF) & Q(reviewer__isnull=False)),
                name="assessment_reviewer_iff_review",
            ),
            models.CheckConstraint(condition=~Q(reviewer=F("subject")), name="assessment_not_own_review"),
            models.CheckConstraint(
                condition=Q(status=SheetStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="assessment_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_layer_display()} – {self.subject}"

    @property
    def is_submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class Score(models.Model):
    """One cell of a sheet. `points` is what counts; for a count or a target it is computed from
    `quantity` (the count, or the value achieved) and never typed."""

    sheet = models.ForeignKey(
        Sheet, on_delete=models.PROTECT, related_name="scores", db_column="assessment_id"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    # Copied from the criterion so that the sign rule is a database constraint.
    kind = models.CharField(max_length=12, choices=CriterionKind.choices, editable=False)
    points = models.DecimalField("điểm", max_digits=8, decimal_places=2)
    quantity = models.DecimalField(
        "số lần / giá trị đạt", max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        "chỉ tiêu đăng ký", max_digits=14, decimal_places=2, null=True, blank=True
    )
    note = models.TextField("ghi chú, minh chứng", max_length=5000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "điểm"
        verbose_name_plural = "điểm"
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_sheet"),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.DEDUCTION, points__lte=0)
                | (~Q(kind=CriterionKind.DEDUCTION) & Q(points__gte=0)),
                name="score_sign_by_kind",
            ),
            models.CheckConstraint(condition=~Q(kind=CriterionKind.GROUP), name="score_not_on_group"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0), name="score_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


def evidence_path(instance: Evidence, filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    suffix = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "docx": "docx", "xlsx": "xlsx"}[instance.file_kind]
    return f"scoring/{instance.sheet.criteria_set_id}/{instance.sheet_id}/{stamp}.{suffix}"


class Evidence(models.Model):
    """A file attached to one cell of a sheet; served only through a view that checks the sheet."""

    sheet = models.ForeignKey(
        Sheet, on_delete=models.PROTECT, related_name="evidence", db_column="assessment_id"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    file_kind = models.CharField(max_length=8, editable=False)
    original_name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"
        ordering = ["sheet", "criterion", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Explanation(models.Model):
    """The member's explanation (giải trình) of a criterion a reviewer lowered, and the leader's
    decision on it."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="explanations")
    subject = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="explanations")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="explanations")
    text = models.TextField("nội dung giải trình", max_length=5000)
    filed_at = models.DateTimeField(default=timezone.now)
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    decided_points = models.DecimalField(
        "điểm quyết định", max_digits=8, decimal_places=2, null=True, blank=True
    )
    decision_note = models.TextField("ý kiến của trưởng khối", max_length=5000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "giải trình"
        verbose_name_plural = "giải trình"
        constraints = [
            models.UniqueConstraint(fields=["subject", "criterion"], name="explanation_once_per_criterion"),
            models.CheckConstraint(
                condition=Q(decided_points__isnull=True) | Q(decided_at__isnull=False),
                name="explanation_decision_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Giải trình của {self.subject}: {self.criterion}"


class FinalSource(models.TextChoices):
    SELF = "self", "Tự chấm (chưa thẩm định)"
    LEADER = "leader", "Thẩm định của trưởng khối"
    CROSS = "cross", "Trung bình chấm chéo"
    DECISION = "decision", "Quyết định sau giải trình"


class FinalScore(models.Model):
    """The final score of one member on one criterion, derived by `scoring.services.review` from
    the layers under the term's rule (never typed). Kept as rows so that totals and ranks are
    plain database sums and windows."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="final_scores")
    subject = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="final_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="final_scores")
    kind = models.CharField(max_length=12, choices=CriterionKind.choices, editable=False)
    # The criterion's group (or itself at the top level), for subtotals by group.
    group = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    self_points = models.DecimalField("điểm tự chấm", max_digits=8, decimal_places=2, null=True, blank=True)
    reviewed_points = models.DecimalField(
        "điểm thẩm định", max_digits=8, decimal_places=2, null=True, blank=True
    )
    points = models.DecimalField("điểm cuối cùng", max_digits=8, decimal_places=2)
    source = models.CharField("nguồn", max_length=10, choices=FinalSource.choices)

    class Meta:
        verbose_name = "điểm cuối cùng"
        verbose_name_plural = "điểm cuối cùng"
        constraints = [
            models.UniqueConstraint(fields=["subject", "criterion"], name="final_score_once"),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.DEDUCTION, points__lte=0)
                | (~Q(kind=CriterionKind.DEDUCTION) & Q(points__gte=0)),
                name="final_score_sign_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} – {self.criterion}: {self.points}"


# Kept for the historical migrations 0002 and 0004, which name them; the models that use them moved
# to the ballots and conferences apps, which define their own.


def _random_id() -> str:
    return secrets.token_hex(16)


def document_path(instance, filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"documents/{instance.term_id}/{instance.kind}-{instance.ballot_id or 0}-{stamp}.pdf"
