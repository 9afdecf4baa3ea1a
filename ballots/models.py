"""The vote (bình xét, suy tôn) of the year-end conference: ballots, candidates, the members present,
the register of who voted online and the secret marks.

The tables keep the names they had in the scoring app (`db_table`), so that moving the models moved
no row.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from blocs.models import Membership, Term
from province import catalogue


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


# What the leader sets on a draft ballot; the same on creating and editing.
SETTING_FIELDS = [
    "title",
    "award",
    "mode",
    "quota",
    "threshold_percent",
    "threshold_strict",
    "threshold_base",
]
COUNT_FIELDS = ["issued", "returned", "valid", "invalid"]
MAX_QUOTA = 100
MAX_THRESHOLD = Decimal(100)
MAX_COUNT = 100_000
AWARD_REQUIRED = "Chọn danh hiệu, hình thức khen thưởng được đề nghị."
QUOTA_AT_LEAST_ONE = "Số đơn vị được chọn ít nhất là 1."
INELIGIBLE_NEEDS_REASON = "Ghi lý do không đưa đơn vị vào danh sách bầu."


def validate_award_code(value: str) -> None:
    """An award of the province's catalogue (a blank award is the field's own business)."""
    if value not in catalogue.codes():
        raise ValidationError(
            "Danh hiệu, hình thức khen thưởng không có trong danh sách.", code="unknown_award"
        )


def validate_threshold(value: Decimal) -> None:
    """A share of the votes: more than 0, at most 100 (%)."""
    if value <= 0:
        raise ValidationError("Ngưỡng phải lớn hơn 0.", code="threshold_zero")
    if value > MAX_THRESHOLD:
        raise ValidationError("Ngưỡng không được quá 100 (%).", code="threshold_over")


class Ballot(models.Model):
    """One vote of the year-end conference: the leading unit, the units proposed for an award, or a
    run-off. Its quota, threshold and the threshold's denominator are settings of the ballot."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField("loại", max_length=10, choices=BallotKind.choices)
    title = models.CharField(
        "tên cuộc bỏ phiếu", max_length=300, error_messages={"blank": "Ghi tên cuộc bỏ phiếu."}
    )
    # An award's code in the province's catalogue (e.g. "co_tinh", "bk_tinh"), or blank.
    award = models.CharField(
        "danh hiệu, hình thức khen thưởng", max_length=10, blank=True, validators=[validate_award_code]
    )
    mode = models.CharField(
        "hình thức",
        max_length=8,
        choices=BallotMode.choices,
        default=BallotMode.ONLINE,
        error_messages={"blank": "Chọn hình thức bỏ phiếu.", "invalid_choice": "Chọn hình thức bỏ phiếu."},
    )
    state = models.CharField(max_length=8, choices=BallotState.choices, default=BallotState.DRAFT)
    quota = models.PositiveSmallIntegerField(
        "số đơn vị được chọn tối đa",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUOTA)],
        error_messages={
            "min_value": QUOTA_AT_LEAST_ONE,
            "max_value": f"Số đơn vị được chọn tối đa là {MAX_QUOTA}.",
        },
    )
    threshold_percent = models.DecimalField(
        "ngưỡng (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[validate_threshold],
        error_messages={"max_decimal_places": "Ngưỡng có tối đa hai chữ số thập phân."},
    )
    threshold_strict = models.BooleanField(
        "phải vượt ngưỡng", default=True, help_text="Bật: “trên 50 %”; tắt: “từ 50 % trở lên”."
    )
    threshold_base = models.CharField(
        "tính tỷ lệ trên",
        max_length=8,
        choices=ThresholdBase.choices,
        default=ThresholdBase.PRESENT,
        error_messages={"blank": "Chọn cách tính tỷ lệ.", "invalid_choice": "Chọn cách tính tỷ lệ."},
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
        db_table = "scoring_ballot"
        verbose_name = "cuộc bỏ phiếu"
        verbose_name_plural = "cuộc bỏ phiếu"
        ordering = ["term", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quota__gte=1),
                name="ballot_quota_positive",
                violation_error_message=QUOTA_AT_LEAST_ONE,
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gt=0, threshold_percent__lte=100),
                name="ballot_threshold_in_range",
                violation_error_message="Ngưỡng phải lớn hơn 0 và không quá 100 (%).",
            ),
            models.CheckConstraint(
                condition=~Q(state=BallotState.CLOSED) | Q(closed_at__isnull=False, result__isnull=False),
                name="ballot_closed_has_result",
                violation_error_message="Cuộc bỏ phiếu đã kết thúc phải có kết quả.",
            ),
            models.CheckConstraint(
                condition=Q(returned__isnull=True) | Q(issued__isnull=True) | Q(returned__lte=F("issued")),
                name="ballot_returned_within_issued",
                violation_error_message="Số phiếu thu về không được vượt số phiếu phát ra.",
            ),
            models.CheckConstraint(
                condition=Q(valid__isnull=True)
                | Q(invalid__isnull=True)
                | Q(returned__isnull=True)
                | Q(returned=F("valid") + F("invalid")),
                name="ballot_returned_is_valid_plus_invalid",
                violation_error_message=(
                    "Số phiếu hợp lệ cộng số phiếu không hợp lệ phải bằng số phiếu thu về."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind=BallotKind.RUNOFF, runoff_of__isnull=False)
                | (~Q(kind=BallotKind.RUNOFF) & Q(runoff_of__isnull=True)),
                name="ballot_runoff_names_its_ballot",
                violation_error_message="Chỉ cuộc bầu lại gắn với cuộc bỏ phiếu mà nó bầu lại.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ballots:ballot", args=[self.pk])

    def clean(self) -> None:
        # On the award field, where the form shows it: the constraint above cannot name a field.
        if self.kind == BallotKind.AWARD and not self.award:
            raise ValidationError({"award": AWARD_REQUIRED})


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
        db_table = "scoring_ballotcandidate"
        verbose_name = "ứng viên"
        verbose_name_plural = "ứng viên"
        ordering = ["ballot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "membership"],
                name="candidate_once_per_ballot",
                violation_error_message="Đơn vị đã có trong danh sách bầu.",
            ),
            models.CheckConstraint(
                condition=Q(eligible=True) | ~Q(ineligible_reason=""),
                name="candidate_ineligible_has_reason",
                violation_error_message=INELIGIBLE_NEEDS_REASON,
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
        db_table = "scoring_ballotpresence"
        verbose_name = "thành viên có mặt"
        verbose_name_plural = "thành viên có mặt"
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "membership"],
                name="presence_once_per_ballot",
                violation_error_message="Đơn vị đã có trong danh sách thành viên có mặt.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.membership)


class BallotParticipation(models.Model):
    """The register of who voted online: a unit, once per ballot (a database constraint), and no
    time and nothing that links it to the choices."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="participations")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "scoring_ballotparticipation"
        verbose_name = "đơn vị đã bỏ phiếu"
        verbose_name_plural = "đơn vị đã bỏ phiếu"
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "membership"],
                name="participation_once_per_ballot",
                violation_error_message="Đơn vị đã bỏ phiếu.",
            ),
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
        db_table = "scoring_ballotchoice"
        verbose_name = "lựa chọn"
        verbose_name_plural = "lựa chọn"

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.candidate_id}"


# The paper count's rules ------------------------------------------------------------------------


def counts_errors(
    *,
    present: int,
    quota: int,
    issued: object,
    returned: object,
    valid: object,
    invalid: object,
    votes: Mapping[int, object],
) -> dict[str, str]:
    """Why a paper count cannot be right, by field (`issued`… and `v<candidate id>`), or {}: the
    ballot's figures against each other and against its candidates' votes (several rows, so the form
    and the service both ask here)."""
    errors: dict[str, str] = {}
    fields = {"issued": issued, "returned": returned, "valid": valid, "invalid": invalid}
    fields |= {f"v{cid}": value for cid, value in votes.items()}
    for name, value in fields.items():
        if not _is_count(value):
            errors[name] = "Nhập một số nguyên từ 0 trở lên."

    def ok(*names: str) -> bool:
        return not any(n in errors for n in names)

    if ok("issued") and issued > present:
        errors["issued"] = f"Số phiếu phát ra ({issued}) không được vượt số thành viên có mặt ({present})."
    if ok("issued", "returned") and returned > issued:
        errors["returned"] = f"Số phiếu thu về ({returned}) không được vượt số phiếu phát ra ({issued})."
    if ok("returned", "valid", "invalid") and valid + invalid != returned:
        errors["invalid"] = (
            f"Số phiếu hợp lệ ({valid}) cộng số phiếu không hợp lệ ({invalid}) phải bằng số phiếu thu về "
            f"({returned})."
        )
    if ok("valid"):
        for cid, value in votes.items():
            if ok(f"v{cid}") and value > valid:
                errors[f"v{cid}"] = f"Số phiếu bầu ({value}) không được vượt số phiếu hợp lệ ({valid})."
        if all(ok(f"v{cid}") for cid in votes):
            total = sum(votes.values())
            if total > valid * quota:
                errors[NON_FIELD_ERRORS] = (
                    f"Tổng số phiếu bầu cho các đơn vị ({total}) không được vượt số phiếu hợp lệ nhân "
                    f"số đơn vị được chọn ({valid} × {quota} = {valid * quota}). Phiếu chọn quá {quota} "
                    "đơn vị là phiếu không hợp lệ."
                )
    return errors


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT
