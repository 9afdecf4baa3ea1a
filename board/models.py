"""What the board keeps of every bloc's year: its deadlines and the province's award decisions.

The tables keep the names they had in the scoring app (`db_table`), so that moving the models moved
no row.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from blocs.models import Membership, Term, User

AWARDED_NEEDS_NUMBER = "Được khen thưởng: ghi số quyết định."


def validate_not_future(value: date) -> None:
    """A decision already taken: not dated after today (the province's local date)."""
    if value > timezone.localdate():
        raise ValidationError("Ngày quyết định không được sau hôm nay.", code="future")


class AwardDecision(models.Model):
    """The province's decision on one unit proposed for one award in one term (board staff)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="award_decisions")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="award_decisions")
    award = models.CharField("danh hiệu, hình thức khen thưởng", max_length=10)
    awarded = models.BooleanField("được khen thưởng")
    decision_number = models.CharField(
        "số quyết định",
        max_length=60,
        blank=True,
        error_messages={"max_length": "Số quyết định tối đa 60 ký tự."},
    )
    decision_date = models.DateField(
        "ngày quyết định", null=True, blank=True, validators=[validate_not_future]
    )
    note = models.CharField(
        "ghi chú", max_length=500, blank=True, error_messages={"max_length": "Ghi chú tối đa 500 ký tự."}
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Raised on every correction: two board staff correcting the same decision at once, the second is
    # told to reload instead of overwriting the first.
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "scoring_awarddecision"
        verbose_name = "quyết định khen thưởng"
        verbose_name_plural = "quyết định khen thưởng"
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "award"],
                name="award_decision_once",
                violation_error_message="Đơn vị đã có quyết định cho hình thức khen thưởng này.",
            ),
            models.CheckConstraint(
                condition=Q(awarded=False) | ~Q(decision_number=""),
                name="award_decision_awarded_has_number",
                violation_error_message=AWARDED_NEEDS_NUMBER,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.award}"

    def clean(self) -> None:
        # On the fields the form shows them on, which the constraint above cannot name.
        errors = {}
        if self.awarded and not self.decision_number:
            errors["decision_number"] = AWARDED_NEEDS_NUMBER
        if self.awarded and self.decision_date is None:
            errors["decision_date"] = "Được khen thưởng: ghi ngày quyết định."
        if errors:
            raise ValidationError(errors)


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
        db_table = "scoring_boarddeadline"
        verbose_name = "hạn của Ban"
        verbose_name_plural = "hạn của Ban"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "item"],
                name="board_deadline_once",
                violation_error_message="Ban đã đặt hạn cho việc này trong năm.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} năm {self.year}: {self.due:%d/%m/%Y}"
