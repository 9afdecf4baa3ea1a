"""Units, blocs, yearly terms, memberships with leadership, users and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone


class UnitKind(models.TextChoices):
    AGENCY = "agency", "Cơ quan, đơn vị"
    BOARD = "board", "Ban Thi đua – Khen thưởng"


class UnitQuerySet(models.QuerySet):
    def agencies(self):
        return self.filter(kind=UnitKind.AGENCY)


class Unit(models.Model):
    """An agency. Its current name is `name`; earlier names live in UnitName."""

    kind = models.CharField("loại", max_length=10, choices=UnitKind.choices, default=UnitKind.AGENCY)
    name = models.CharField("tên hiện nay", max_length=200, unique=True)
    short_name = models.CharField("tên viết tắt", max_length=100, blank=True)
    parent_name = models.CharField(
        "cơ quan chủ quản",
        max_length=200,
        blank=True,
        help_text="Dòng trên cùng của tiêu đề văn bản, ví dụ “UBND TỈNH QUẢNG NGÃI”.",
    )
    head_title = models.CharField("chức vụ người đứng đầu", max_length=120, blank=True)
    head_name = models.CharField("họ tên người đứng đầu", max_length=120, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def name_in(self, year: int) -> str:
        earlier = self.former_names.filter(until_year__gte=year).order_by("until_year").first()
        return earlier.name if earlier else self.name


class UnitName(models.Model):
    """A name the unit carried up to and including `until_year`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="former_names")
    name = models.CharField("tên cũ", max_length=200)
    short_name = models.CharField("tên viết tắt cũ", max_length=100, blank=True)
    until_year = models.PositiveSmallIntegerField("dùng đến hết năm")

    class Meta:
        verbose_name = "tên cũ của đơn vị"
        verbose_name_plural = "tên cũ của đơn vị"
        ordering = ["unit", "until_year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "until_year"], name="unitname_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (đến {self.until_year})"


class Bloc(models.Model):
    name = models.CharField("tên khối", max_length=200, unique=True)
    short_name = models.CharField(
        "tên gọn",
        max_length=120,
        blank=True,
        help_text="Dùng trong văn bản, ví dụ “Khối thi đua Nội chính”.",
    )
    number = models.CharField("số hiệu", max_length=40, blank=True, help_text="Ví dụ “Khối thi đua số 3”.")
    description = models.TextField("mô tả", blank=True)

    class Meta:
        verbose_name = "khối thi đua"
        verbose_name_plural = "khối thi đua"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blocs:bloc_detail", args=[self.pk])


class TermStatus(models.TextChoices):
    OPEN = "open", "Đang hoạt động"
    CLOSED = "closed", "Đã kết thúc"


class TermQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)

    def open(self):
        return self.filter(status=TermStatus.OPEN)

    def with_leadership(self):
        """Attach the leader and deputy memberships (with their units) in two extra queries at most."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role__in=[Role.LEADER, Role.DEPUTY])
                .select_related("unit")
                .with_unit_name(),
                to_attr="leadership",
            )
        )

    def with_member_count(self):
        """`member_count`, as a correlated subquery: right after any filter on the memberships too
        (`visible_to` joins them, and a Count over that join would count only the user's row)."""
        counted = Membership.objects.filter(term=OuterRef("pk")).order_by().values("term")
        return self.annotate(
            member_count=Coalesce(Subquery(counted.annotate(n=models.Count("pk")).values("n")), 0)
        )

    def visible_to(self, user):
        from blocs.permissions import is_board

        if is_board(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(memberships__unit_id=user.unit_id) | Q(supervisor=user)).distinct()


def decision_upload_to(instance: Term, filename: str) -> str:
    return f"terms/{instance.bloc_id}/{instance.year}/decision-{timezone.now():%Y%m%d%H%M%S}.pdf"


class Term(models.Model):
    """One bloc in one year (năm thi đua của khối)."""

    bloc = models.ForeignKey(Bloc, on_delete=models.PROTECT, related_name="terms")
    year = models.PositiveSmallIntegerField("năm")
    decision_number = models.CharField(
        "số quyết định thành lập", max_length=60, blank=True, help_text="Ví dụ “42/QĐ-UBND”."
    )
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_issuer = models.CharField("cơ quan ban hành", max_length=120, blank=True, default="UBND tỉnh")
    decision_scan = models.FileField("bản chụp quyết định", upload_to=decision_upload_to, blank=True)
    supervisor = models.ForeignKey(
        "User",
        verbose_name="lãnh đạo phụ trách khối",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_terms",
    )
    supervisor_title = models.CharField("chức vụ người phụ trách", max_length=200, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=TermStatus.choices, default=TermStatus.OPEN
    )
    closed_at = models.DateTimeField("ngày kết thúc", null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = "năm thi đua của khối"
        verbose_name_plural = "năm thi đua của khối"
        ordering = ["bloc__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="term_one_per_bloc_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="term_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(status=TermStatus.OPEN, closed_at__isnull=True)
                | Q(status=TermStatus.CLOSED, closed_at__isnull=False),
                name="term_closed_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bloc} – năm {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("blocs:term_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == TermStatus.OPEN

    @property
    def decision_label(self) -> str:
        if not self.decision_number:
            return ""
        label = f"Quyết định số {self.decision_number}"
        if self.decision_date:
            label += f" ngày {self.decision_date:%d/%m/%Y}"
        if self.decision_issuer:
            label += f" của {self.decision_issuer}"
        return label


class Role(models.TextChoices):
    MEMBER = "member", "Thành viên"
    LEADER = "leader", "Trưởng khối"
    DEPUTY = "deputy", "Phó trưởng khối"


class ChosenBy(models.TextChoices):
    ELECTED = "elected", "Bầu"
    ACCLAIMED = "acclaimed", "Suy tôn"
    NOMINATED = "nominated", "Giới thiệu"
    APPOINTED = "appointed", "Chỉ định trong quyết định"


class MembershipQuerySet(models.QuerySet):
    def with_unit_name(self):
        """The unit's name as it was in the term's year (a rename later does not change history)."""
        former = UnitName.objects.filter(unit=OuterRef("unit_id"), until_year__gte=OuterRef("year")).order_by(
            "until_year"
        )
        return self.annotate(
            unit_name=Coalesce(Subquery(former.values("name")[:1]), F("unit__name")),
            unit_short_name=Coalesce(Subquery(former.values("short_name")[:1]), F("unit__short_name")),
        )

    def leaders(self):
        return self.filter(role=Role.LEADER)


class Membership(models.Model):
    """A unit in a term. Leadership is a role on the membership, so the database itself guarantees
    that the leader and deputy are members of that term and are different units."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    # Copied from the term on save, so that "one bloc per unit per year" is a plain unique constraint.
    year = models.PositiveSmallIntegerField("năm", editable=False)
    position = models.PositiveSmallIntegerField(
        "thứ tự trong quyết định", help_text="Thứ tự sắp xếp danh sách và khối chữ ký."
    )
    role = models.CharField("vai trò", max_length=10, choices=Role.choices, default=Role.MEMBER)
    chosen_by = models.CharField(
        "hình thức chọn", max_length=12, choices=ChosenBy.choices, blank=True, default=""
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "thành viên"
        verbose_name_plural = "thành viên"
        ordering = ["term", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="membership_one_bloc_per_unit_year"),
            models.UniqueConstraint(fields=["term", "unit"], name="membership_unit_once_per_term"),
            models.UniqueConstraint(
                fields=["term"], condition=Q(role="leader"), name="membership_one_leader_per_term"
            ),
            models.UniqueConstraint(
                fields=["term"], condition=Q(role="deputy"), name="membership_one_deputy_per_term"
            ),
            models.CheckConstraint(
                condition=Q(role="member", chosen_by="") | (~Q(role="member") & ~Q(chosen_by="")),
                name="membership_chosen_by_only_for_leadership",
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="membership_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.term})"

    def save(self, *args, **kwargs):
        self.year = self.term.year
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return getattr(self, "unit_name", None) or self.unit.name_in(self.year)


class User(AbstractUser):
    """A person. Belongs to one unit; rights on a bloc come from that unit's role in each term."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    job_title = models.CharField("chức vụ", max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xóa.")


class AuditEvent(models.Model):
    """Append-only: who did what to which object, with the old and new values and the reason."""

    at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name="người thực hiện",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("hành động", max_length=64)
    object_type = models.CharField("loại đối tượng", max_length=64)
    object_id = models.CharField("mã đối tượng", max_length=64)
    object_repr = models.CharField("đối tượng", max_length=255)
    term = models.ForeignKey(
        Term, verbose_name="năm thi đua", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old = models.JSONField("giá trị cũ", null=True, blank=True)
    new = models.JSONField("giá trị mới", null=True, blank=True)
    reason = models.TextField("lý do", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Nhật ký chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Nhật ký chỉ được ghi thêm, không được xóa.")


class SubmitReceipt(models.Model):
    """One posted form, by its fingerprint (blocs/submits.py): a second identical POST of the same
    person finds the first's receipt and is answered with the first's redirect instead of being
    done again. Kept for settings.DUPLICATE_SUBMIT_WINDOW seconds."""

    key = models.CharField(max_length=64, unique=True)
    user_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty while the first request is being processed; its redirect target once it succeeded.
    location = models.CharField(max_length=2000, blank=True)

    class Meta:
        verbose_name = "biên nhận lần gửi"
        verbose_name_plural = "biên nhận lần gửi"

    def __str__(self) -> str:
        return self.key
