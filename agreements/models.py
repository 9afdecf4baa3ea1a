"""The emulation agreement of a term (bản giao ước thi đua), its versions, commitments and registrations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blocs.models import Membership, Term, User


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    FINAL = "final", "Đã hoàn thiện"
    SIGNED = "signed", "Đã ký"


class AgreementQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


def _upload_path(instance: Agreement, kind: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    return f"agreements/{instance.term_id}/v{instance.version}/{kind}-{stamp}.pdf"


def upload_rules(instance: Agreement, filename: str) -> str:
    return _upload_path(instance, "rules")


def upload_plan(instance: Agreement, filename: str) -> str:
    return _upload_path(instance, "plan")


def upload_final(instance: Agreement, filename: str) -> str:
    return _upload_path(instance, "final")


def upload_scan(instance: Agreement, filename: str) -> str:
    return _upload_path(instance, "signed")


class Agreement(models.Model):
    """One version of a term's agreement. Only the draft is edited; final and signed are frozen."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="agreements")
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    status = models.CharField(
        "trạng thái", max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    title = models.CharField("tiêu đề", max_length=200)
    number = models.CharField("số, ký hiệu", max_length=60, blank=True, help_text="Ví dụ “01/GƯ-KTĐNC”.")
    basis = models.TextField(
        "căn cứ",
        blank=True,
        help_text="Mỗi dòng một văn bản, ví dụ “Kế hoạch số 21/KH-UBND ngày 30/01/2023 của UBND tỉnh”.",
    )
    theme = models.TextField("chủ đề thi đua", blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True, help_text="Ví dụ “Quảng Ngãi”.")
    venue = models.CharField("nơi tổ chức hội nghị", max_length=200, blank=True)
    conference_date = models.DateField("ngày ký", null=True, blank=True)
    copies = models.PositiveSmallIntegerField("số bản", null=True, blank=True)
    closing_text = models.TextField("điều khoản thi hành", blank=True)
    rules_pdf = models.FileField("quy chế hoạt động (PDF)", upload_to=upload_rules, blank=True)
    plan_pdf = models.FileField("kế hoạch năm (PDF)", upload_to=upload_plan, blank=True)
    # Optimistic lock: each save of the draft increments it; a form posts the value it was read with.
    lock_version = models.PositiveIntegerField(default=0)
    # Frozen at finalization: everything the print shows, names and titles included.
    frozen = models.JSONField("nội dung đã chốt", null=True, blank=True, editable=False)
    final_pdf = models.FileField("bản PDF đã chốt", upload_to=upload_final, blank=True, editable=False)
    final_sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    verification_code = models.CharField(
        "mã xác thực", max_length=32, unique=True, null=True, blank=True, editable=False
    )
    finalized_at = models.DateTimeField("thời điểm hoàn thiện", null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    signed_scan = models.FileField("bản ký (PDF)", upload_to=upload_scan, blank=True, editable=False)
    signed_on = models.DateField("ngày ký", null=True, blank=True, editable=False)
    signed_at = models.DateTimeField("thời điểm tải bản ký", null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    superseded_at = models.DateTimeField("thời điểm thay thế", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", default=timezone.now, editable=False)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "giao ước thi đua"
        verbose_name_plural = "giao ước thi đua"
        ordering = ["term", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["term", "version"], name="agreement_version_once_per_term"),
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(superseded_at__isnull=True),
                name="agreement_one_current_per_term",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.DRAFT, superseded_at__isnull=True)
                | (
                    ~Q(status=AgreementStatus.DRAFT)
                    & Q(frozen__isnull=False, finalized_at__isnull=False, verification_code__isnull=False)
                    & ~Q(final_sha256="")
                ),
                name="agreement_final_is_frozen",
            ),
            models.CheckConstraint(
                condition=~Q(status=AgreementStatus.SIGNED)
                | Q(signed_on__isnull=False, signed_at__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == AgreementStatus.DRAFT

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def status_label(self) -> str:
        label = self.get_status_display()
        return f"{label}, đã được thay thế" if self.is_superseded else label


class Commitment(models.Model):
    """One numbered commitment (nội dung thi đua) of a draft."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="commitments")
    position = models.PositiveSmallIntegerField("thứ tự")
    text = models.TextField("nội dung")

    class Meta:
        verbose_name = "nội dung giao ước"
        verbose_name_plural = "nội dung giao ước"
        ordering = ["agreement", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=1), name="commitment_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class Registration(models.Model):
    """What one member registers in one agreement version: titles, slogan, targets, signatory."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="registrations")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="registrations")
    awards = models.JSONField("danh hiệu, hình thức khen thưởng đăng ký", default=list, blank=True)
    slogan = models.CharField("khẩu hiệu của đơn vị", max_length=300, blank=True)
    signer_prefix = models.CharField(
        "thẩm quyền ký",
        max_length=120,
        blank=True,
        help_text="Ví dụ “KT. GIÁM ĐỐC”; để trống khi thủ trưởng ký.",
    )
    signer_title = models.CharField("chức vụ người ký", max_length=120, blank=True)
    signer_name = models.CharField("họ tên người ký", max_length=120, blank=True)
    lock_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField("cập nhật lúc", default=timezone.now)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "đăng ký thi đua"
        verbose_name_plural = "đăng ký thi đua"
        ordering = ["agreement", "membership__position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "membership"], name="registration_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"Đăng ký của {self.membership}"

    @property
    def has_signatory(self) -> bool:
        return bool(self.signer_name.strip() and self.signer_title.strip())


class Target(models.Model):
    """A quantitative target a member registers (chỉ tiêu), scored against later."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="targets")
    position = models.PositiveSmallIntegerField("thứ tự")
    indicator = models.CharField("chỉ tiêu", max_length=300)
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=2)
    unit_of_measure = models.CharField("đơn vị tính", max_length=40, blank=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["registration", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
            models.UniqueConstraint(fields=["registration", "position"], name="target_position_once"),
        ]

    def __str__(self) -> str:
        return self.indicator
