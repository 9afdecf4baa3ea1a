"""The criteria set (bảng tiêu chí) with its scoring settings, and its criteria: kinds, maxima,
steps, and the rules a single criterion must keep."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from blocs.models import Term


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

# A criterion's rules, told at its field by `Criterion.clean()` and by its constraints alike.
MAX_POSITIVE = "Điểm tối đa phải lớn hơn 0."
GROUP_SHAPE = "Nhóm tiêu chí ở cấp cao nhất và không có điểm tối đa; tiêu chí có điểm tối đa lớn hơn 0."
STEP_NEEDED = "Ghi bước điểm (ví dụ 0,5)."
UNIT_POINTS_NEEDED = "Ghi số điểm cho mỗi lần hoặc mỗi 1 % chỉ tiêu."
INDICATOR_NEEDED = "Ghi tên chỉ tiêu đăng ký dùng để tính điểm."
# The sign of a stored score: a deduction is kept negative, every other kind not negative.
SIGN_BY_KIND = "Điểm trừ phải là số âm; các loại điểm khác không được âm."


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
                violation_error_message="Bảng tiêu chí mẫu không dùng để chấm điểm.",
            ),
            models.CheckConstraint(
                condition=Q(state=ScoringState.SETUP) | Q(deadline__isnull=False, opened_at__isnull=False),
                name="criteria_open_has_deadline",
                violation_error_message="Đã mở chấm điểm thì phải có hạn nộp phiếu tự chấm.",
            ),
            models.CheckConstraint(
                condition=~Q(state=ScoringState.LOCKED) | Q(locked_at__isnull=False),
                name="criteria_locked_has_time",
                violation_error_message="Chấm điểm đã khóa phải ghi thời điểm khóa.",
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

    def top_level(self):
        """Groups and the criteria outside any group, in their order."""
        return self.filter(parent__isnull=True).order_by("position", "pk")


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
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="criterion_max_not_negative",
                violation_error_message=MAX_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(kind=CriterionKind.GROUP, max_points=0, parent__isnull=True)
                | (~Q(kind=CriterionKind.GROUP) & Q(max_points__gt=0)),
                name="criterion_group_top_level_without_max",
                violation_error_message=GROUP_SHAPE,
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=STEPPED_KINDS) | Q(step__gt=0),
                name="criterion_stepped_has_step",
                violation_error_message=STEP_NEEDED,
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=RATED_KINDS) | Q(unit_points__gt=0),
                name="criterion_rated_has_unit_points",
                violation_error_message=UNIT_POINTS_NEEDED.replace("%", "%%"),  # formatted with %(name)s
            ),
            models.CheckConstraint(
                condition=~Q(kind=CriterionKind.TARGET) | ~Q(indicator=""),
                name="criterion_target_names_indicator",
                violation_error_message=INDICATOR_NEEDED,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()[:120]

    def clean(self) -> None:
        """Clear what the kind does not use, then tell each rule of the constraints at its field."""
        if self.parent_id is not None:
            parent = self.parent
            if parent.criteria_set_id != self.criteria_set_id or not parent.is_group:
                raise ValidationError({"parent": "Chỉ xếp tiêu chí vào một nhóm của cùng bảng."})
            if self.is_group:
                raise ValidationError({"parent": "Nhóm tiêu chí phải ở cấp cao nhất."})
        if self.is_group:
            self.max_points = Decimal(0)
        if self.kind not in STEPPED_KINDS:
            self.step = None
        if self.kind not in RATED_KINDS:
            self.unit_points = None
        if self.kind != CriterionKind.TARGET:
            self.indicator = ""
        errors = {}
        if not self.is_group and (self.max_points is None or self.max_points <= 0):
            errors["max_points"] = MAX_POSITIVE
        if self.kind in STEPPED_KINDS:
            if self.step is None or self.step <= 0:
                errors["step"] = STEP_NEEDED
            elif self.max_points and self.max_points % self.step:
                errors["step"] = "Điểm tối đa phải là bội của bước điểm."
        if self.kind in RATED_KINDS and not (self.unit_points and self.unit_points > 0):
            errors["unit_points"] = UNIT_POINTS_NEEDED
        if self.kind == CriterionKind.TARGET and not self.indicator.strip():
            errors["indicator"] = INDICATOR_NEEDED
        if errors:
            raise ValidationError(errors)

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP
