"""Scoring of a term: the criteria set (bảng tiêu chí), the members' sheets in their layers (self-
assessment, the leader's review, cross-checks), evidence and explanations.

Scores are decimals. The rules a single row can state are database constraints; the rules that need
the criterion (maximum, step, cap) are checked by `scoring.rules` in the services, in one transaction.
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


class Assessment(models.Model):
    """One sheet: the scores of one member (`subject`) in one layer. A self-assessment has no
    reviewer; the leader's review and each cross-check name the reviewing member."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="assessments")
    subject = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="assessments")
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

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="scores")
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
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once_per_sheet"),
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
    return f"scoring/{instance.assessment.criteria_set_id}/{instance.assessment_id}/{stamp}.{suffix}"


class Evidence(models.Model):
    """A file attached to one cell of a sheet; served only through a view that checks the sheet."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="evidence")
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
        ordering = ["assessment", "criterion", "pk"]

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


# The vote (bình xét, suy tôn) --------------------------------------------------------------------


class BallotKind(models.TextChoices):
    LEADING = "leading", "Đơn vị dẫn đầu khối"
    AWARD = "award", "Đề nghị khen thưởng"
    RUNOFF = "runoff", "Bầu lại khi đồng phiếu"


class BallotMode(models.TextChoices):
    ONLINE = "online", "Bỏ phiếu kín trực tuyến"
    PAPER = "paper", "Phiếu giấy, nhập kết quả kiểm phiếu"


class BallotState(models.TextChoices):
    DRAFT = "draft", "Đang chuẩn bị"
    OPEN = "open", "Đang bỏ phiếu"
    CLOSED = "closed", "Đã kết thúc"


class ThresholdBase(models.TextChoices):
    PRESENT = "present", "Số thành viên có mặt"
    ALL = "all", "Tổng số thành viên của khối"
    ISSUED = "issued", "Số phiếu phát ra"


class Ballot(models.Model):
    """One vote of the year-end conference: the leading unit, the units proposed for an award, or a
    run-off. Its quota, threshold and the threshold's denominator are settings of the ballot."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField("loại", max_length=10, choices=BallotKind.choices)
    title = models.CharField("tên cuộc bỏ phiếu", max_length=300)
    # An AwardKind value of the agreements app (e.g. "co_tinh", "bk_tinh"), or blank.
    award = models.CharField("danh hiệu, hình thức khen thưởng", max_length=10, blank=True)
    mode = models.CharField("hình thức", max_length=8, choices=BallotMode.choices, default=BallotMode.ONLINE)
    state = models.CharField(max_length=8, choices=BallotState.choices, default=BallotState.DRAFT)
    quota = models.PositiveSmallIntegerField("số đơn vị được chọn tối đa", default=1)
    threshold_percent = models.DecimalField(
        "ngưỡng (%)", max_digits=5, decimal_places=2, default=Decimal("50")
    )
    threshold_strict = models.BooleanField(
        "phải vượt ngưỡng", default=True, help_text="Bật: “trên 50 %”; tắt: “từ 50 % trở lên”."
    )
    threshold_base = models.CharField(
        "tính tỷ lệ trên", max_length=8, choices=ThresholdBase.choices, default=ThresholdBase.PRESENT
    )
    runoff_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runoffs",
        verbose_name="bầu lại của",
    )
    # Counts: typed from the paper count, or computed when an online ballot closes.
    issued = models.PositiveIntegerField("số phiếu phát ra", null=True, blank=True)
    returned = models.PositiveIntegerField("số phiếu thu về", null=True, blank=True)
    valid = models.PositiveIntegerField("số phiếu hợp lệ", null=True, blank=True)
    invalid = models.PositiveIntegerField("số phiếu không hợp lệ", null=True, blank=True)
    # Frozen at closing: per candidate votes, percentage, passed; the selected; a tie to run off.
    result = models.JSONField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "cuộc bỏ phiếu"
        verbose_name_plural = "cuộc bỏ phiếu"
        ordering = ["term", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quota__gte=1), name="ballot_quota_positive"),
            models.CheckConstraint(
                condition=Q(threshold_percent__gt=0, threshold_percent__lte=100),
                name="ballot_threshold_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(state=BallotState.CLOSED) | Q(closed_at__isnull=False, result__isnull=False),
                name="ballot_closed_has_result",
            ),
            models.CheckConstraint(
                condition=Q(returned__isnull=True) | Q(issued__isnull=True) | Q(returned__lte=F("issued")),
                name="ballot_returned_within_issued",
            ),
            models.CheckConstraint(
                condition=Q(valid__isnull=True)
                | Q(invalid__isnull=True)
                | Q(returned__isnull=True)
                | Q(returned=F("valid") + F("invalid")),
                name="ballot_returned_is_valid_plus_invalid",
            ),
            models.CheckConstraint(
                condition=Q(kind=BallotKind.RUNOFF, runoff_of__isnull=False)
                | (~Q(kind=BallotKind.RUNOFF) & Q(runoff_of__isnull=True)),
                name="ballot_runoff_names_its_ballot",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scoring:ballot", args=[self.pk])


class BallotCandidate(models.Model):
    """A member on a ballot; an ineligible one stays listed with the leader's reason."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="candidates")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField("thứ tự")
    eligible = models.BooleanField("được bầu", default=True)
    ineligible_reason = models.CharField("lý do không đưa vào danh sách bầu", max_length=500, blank=True)
    # Typed from the paper count, or computed when an online ballot closes.
    votes = models.PositiveIntegerField("số phiếu", null=True, blank=True)

    class Meta:
        verbose_name = "ứng viên"
        verbose_name_plural = "ứng viên"
        ordering = ["ballot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "membership"], name="candidate_once_per_ballot"),
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(ineligible_reason=""), name="candidate_ineligible_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return str(self.membership)


class BallotPresence(models.Model):
    """A member present at the vote (the quorum; who gets a ballot paper or may vote online)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="present")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField("người đại diện", max_length=200, blank=True)

    class Meta:
        verbose_name = "thành viên có mặt"
        verbose_name_plural = "thành viên có mặt"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "membership"], name="presence_once_per_ballot"),
        ]

    def __str__(self) -> str:
        return str(self.membership)


class BallotParticipation(models.Model):
    """The register of who voted online: a unit, once per ballot (a database constraint), and no
    time and nothing that links it to the choices."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="participations")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "đơn vị đã bỏ phiếu"
        verbose_name_plural = "đơn vị đã bỏ phiếu"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "membership"], name="participation_once_per_ballot"),
        ]

    def __str__(self) -> str:
        return str(self.membership)


def _random_id() -> str:
    return secrets.token_hex(16)


class BallotChoice(models.Model):
    """One mark on one online ballot, for one candidate. A random key, no unit, no user, no time:
    nothing links it back to who voted. A ballot with no mark (blank) leaves no row."""

    id = models.CharField(primary_key=True, max_length=32, default=_random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="choices")
    candidate = models.ForeignKey(BallotCandidate, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        verbose_name = "lựa chọn"
        verbose_name_plural = "lựa chọn"

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.candidate_id}"


# Conferences and their documents ----------------------------------------------------------------


class ConferenceKind(models.TextChoices):
    SIGNING = "signing", "Hội nghị phát động và ký kết giao ước thi đua"
    MIDYEAR = "midyear", "Hội nghị sơ kết 6 tháng"
    YEAREND = "yearend", "Hội nghị tổng kết, bình xét, suy tôn"


class Conference(models.Model):
    """One conference of a term. One source for each fact: the signing conference's date and place
    are the agreement's, and the year-end conference's attendance is its ballots' list of members
    present; only the mid-year conference records its own attendance (ConferenceAttendance)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField("hội nghị", max_length=10, choices=ConferenceKind.choices)
    date = models.DateField("ngày", null=True, blank=True)
    start_time = models.TimeField("bắt đầu", null=True, blank=True)
    end_time = models.TimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=300, blank=True)
    chair_name = models.CharField("chủ trì (họ tên)", max_length=120, blank=True)
    chair_title = models.CharField("chủ trì (chức vụ, đơn vị)", max_length=300, blank=True)
    secretary_name = models.CharField("thư ký (họ tên)", max_length=120, blank=True)
    secretary_title = models.CharField("thư ký (chức vụ, đơn vị)", max_length=300, blank=True)
    agenda = models.TextField("chương trình", max_length=5000, blank=True)
    notes = models.TextField("diễn biến, kết luận", max_length=20000, blank=True)
    # How many of those present approved the minutes at the end of the conference.
    approved_count = models.PositiveSmallIntegerField(
        "số thành viên thông qua biên bản", null=True, blank=True
    )
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "hội nghị"
        verbose_name_plural = "hội nghị"
        ordering = ["term", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["term", "kind"], name="conference_once_per_kind"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="conference_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} năm {self.term.year}"


class ConferenceAttendance(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField("người đại diện", max_length=200, blank=True)

    class Meta:
        verbose_name = "thành viên dự hội nghị"
        verbose_name_plural = "thành viên dự hội nghị"
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "membership"], name="attendance_once_per_conference"
            ),
        ]

    def __str__(self) -> str:
        return str(self.membership)


class DocumentKind(models.TextChoices):
    REPORT_YEAREND = "report_yearend", "Báo cáo tổng kết công tác thi đua, khen thưởng"
    REPORT_MIDYEAR = "report_midyear", "Báo cáo sơ kết công tác thi đua, khen thưởng 6 tháng"
    MINUTES = "minutes", "Biên bản họp bình xét, suy tôn"
    COUNT_MINUTES = "count_minutes", "Biên bản kiểm phiếu"
    PROPOSAL = "proposal", "Tờ trình đề nghị khen thưởng"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã gửi Ban Thi đua – Khen thưởng"


def document_path(instance: Document, filename: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"documents/{instance.term_id}/{instance.kind}-{instance.ballot_id or 0}-{stamp}.pdf"


class Document(models.Model):
    """A document of the term's conferences: the leader writes its narrative (`sections`); the rest
    is filled from the term's data when it prints. Submitting freezes it: the data it printed is
    copied into `frozen`, its PDF stored once with its SHA-256, and it never changes again."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("văn bản", max_length=16, choices=DocumentKind.choices)
    # The ballot a vote-count minutes (biên bản kiểm phiếu) is about; empty for the other kinds.
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    number = models.CharField("số, ký hiệu", max_length=60, blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True)
    date = models.DateField("ngày văn bản", null=True, blank=True)
    # The narrative the leader writes, by section key (e.g. "situation", "results", "limitations",
    # "direction", "proposals"); which keys a kind has is the documents service's business.
    sections = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    frozen = models.JSONField(null=True, blank=True, editable=False)
    pdf = models.FileField(upload_to=document_path, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_scan = models.FileField(upload_to=document_path, blank=True, editable=False)
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["term", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind"], condition=Q(ballot__isnull=True), name="document_once_per_kind"
            ),
            models.UniqueConstraint(
                fields=["term", "kind", "ballot"],
                condition=Q(ballot__isnull=False),
                name="document_once_per_ballot",
            ),
            models.CheckConstraint(
                condition=Q(kind=DocumentKind.COUNT_MINUTES, ballot__isnull=False)
                | (~Q(kind=DocumentKind.COUNT_MINUTES) & Q(ballot__isnull=True)),
                name="document_ballot_iff_count_minutes",
            ),
            models.CheckConstraint(
                condition=Q(status=DocumentStatus.DRAFT)
                | (Q(frozen__isnull=False, submitted_at__isnull=False) & ~Q(sha256="")),
                name="document_submitted_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} năm {self.term.year}"

    @property
    def is_submitted(self) -> bool:
        return self.status == DocumentStatus.SUBMITTED


class AwardDecision(models.Model):
    """The province's decision on one unit proposed for one award in one term (board staff)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="award_decisions")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="award_decisions")
    award = models.CharField("danh hiệu, hình thức khen thưởng", max_length=10)
    awarded = models.BooleanField("được khen thưởng")
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Raised on every correction: two board staff correcting the same decision at once, the second is
    # told to reload instead of overwriting the first.
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        constraints = [
            models.UniqueConstraint(fields=["membership", "award"], name="award_decision_once"),
            models.CheckConstraint(
                condition=Q(awarded=False) | ~Q(decision_number=""), name="award_decision_awarded_has_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.award}"


class BoardDeadline(models.Model):
    """A deadline the board sets for every bloc of a year (e.g. the agreement signed by 31/03, the
    year-end documents submitted by 15/01); the overview highlights what is overdue."""

    class Item(models.TextChoices):
        AGREEMENT_SIGNED = "agreement_signed", "Ký giao ước thi đua"
        SCORING_LOCKED = "scoring_locked", "Khóa chấm điểm"
        VOTE_CLOSED = "vote_closed", "Bình xét, suy tôn"
        DOCUMENTS_SUBMITTED = "documents_submitted", "Gửi báo cáo, biên bản, tờ trình"

    year = models.PositiveSmallIntegerField("năm")
    item = models.CharField("việc", max_length=20, choices=Item.choices)
    due = models.DateField("hạn")

    class Meta:
        verbose_name = "hạn của Ban"
        verbose_name_plural = "hạn của Ban"
        constraints = [models.UniqueConstraint(fields=["year", "item"], name="board_deadline_once")]

    def __str__(self) -> str:
        return f"{self.get_item_display()} năm {self.year}: {self.due:%d/%m/%Y}"
