"""The members' sheets in their layers (self-assessment, the leader's review, cross-checks), their
scores and evidence, the explanations, and the final scores derived from them."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from blocs.models import Membership, User
from blocs.numbers import grouped
from scoring.models.criteria import SIGN_BY_KIND, CriteriaSet, Criterion, CriterionKind


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
                violation_error_message="Đơn vị đã có phiếu tự chấm.",
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "subject"],
                condition=Q(layer=Layer.LEADER),
                name="assessment_one_leader_review",
                violation_error_message="Phiếu của đơn vị này đã có phiếu thẩm định.",
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "subject", "reviewer"],
                condition=Q(layer=Layer.CROSS),
                name="assessment_cross_check_once",
                violation_error_message="Đã phân công đơn vị này chấm chéo phiếu đó.",
            ),
            models.CheckConstraint(
                condition=Q(layer=Layer.SELF, reviewer__isnull=True)
                | (~Q(layer=Layer.SELF) & Q(reviewer__isnull=False)),
                name="assessment_reviewer_iff_review",
                violation_error_message="Phiếu thẩm định ghi đơn vị chấm; phiếu tự chấm thì không.",
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=F("subject")),
                name="assessment_not_own_review",
                violation_error_message="Một đơn vị không chấm chéo phiếu của chính mình.",
            ),
            models.CheckConstraint(
                condition=Q(status=SheetStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="assessment_submitted_has_time",
                violation_error_message="Phiếu đã nộp phải ghi thời điểm nộp.",
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
            models.UniqueConstraint(
                fields=["sheet", "criterion"],
                name="score_once_per_sheet",
                violation_error_message="Tiêu chí này đã có điểm trong phiếu.",
            ),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.DEDUCTION, points__lte=0)
                | (~Q(kind=CriterionKind.DEDUCTION) & Q(points__gte=0)),
                name="score_sign_by_kind",
                violation_error_message=SIGN_BY_KIND,
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.GROUP),
                name="score_not_on_group",
                violation_error_message="Nhóm tiêu chí không chấm điểm.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="score_quantity_not_negative",
                violation_error_message="Số lần, giá trị đạt không được âm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {grouped(self.points)}"


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
    text = models.TextField(
        "nội dung giải trình", max_length=5000, error_messages={"blank": "Ghi nội dung giải trình."}
    )
    filed_at = models.DateTimeField(default=timezone.now)
    # None for a caller without a user (a command, the demo).
    filed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
            models.UniqueConstraint(
                fields=["subject", "criterion"],
                name="explanation_once_per_criterion",
                violation_error_message="Đơn vị đã giải trình tiêu chí này (mỗi tiêu chí một lần).",
            ),
            models.CheckConstraint(
                condition=Q(decided_points__isnull=True) | Q(decided_at__isnull=False),
                name="explanation_decision_has_time",
                violation_error_message="Quyết định điểm phải ghi thời điểm quyết định.",
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
    """The final score of one member on one criterion, derived by `scoring.services.finals` from
    the layers under the term's rule (never typed: its constraints need no message for a user).
    Kept as rows so that totals and ranks are plain database sums and windows."""

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
        return f"{self.subject} – {self.criterion}: {grouped(self.points)}"


# Kept for the historical migrations 0002 and 0004, which name them; the models that use them moved
# to the ballots and conferences apps, which define their own.


def _random_id() -> str:
    return secrets.token_hex(16)


def document_path(instance, filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"documents/{instance.term_id}/{instance.kind}-{instance.ballot_id or 0}-{stamp}.pdf"
