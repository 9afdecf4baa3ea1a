"""The conferences of a term and their documents (reports, minutes, the proposal).

The tables keep the names they had in the scoring app (`db_table`), so that moving the models moved
no row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ballots.models import Ballot
from blocs.models import Membership, Term, User


class ConferenceKind(models.TextChoices):
    SIGNING = "signing", "Hội nghị phát động và ký kết giao ước thi đua"
    MIDYEAR = "midyear", "Hội nghị sơ kết 6 tháng"
    YEAREND = "yearend", "Hội nghị tổng kết, bình xét, suy tôn"


ENDS_AFTER_START = "Giờ kết thúc phải sau giờ bắt đầu."


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
        "số thành viên thông qua biên bản",
        null=True,
        blank=True,
        error_messages={"min_value": "Số thông qua không được âm."},
    )
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        db_table = "scoring_conference"
        verbose_name = "hội nghị"
        verbose_name_plural = "hội nghị"
        ordering = ["term", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind"],
                name="conference_once_per_kind",
                violation_error_message="Hội nghị này của năm đã được ghi nhận.",
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="conference_ends_after_start",
                violation_error_message=ENDS_AFTER_START,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} năm {self.term.year}"

    def clean(self) -> None:
        # On the end time, where the form shows it: the constraint above cannot name a field.
        if self.start_time is not None and self.end_time is not None and self.end_time <= self.start_time:
            raise ValidationError({"end_time": ENDS_AFTER_START})


class ConferenceAttendance(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    representative = models.CharField("người đại diện", max_length=200, blank=True)

    class Meta:
        db_table = "scoring_conferenceattendance"
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
        db_table = "scoring_document"
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
