"""What the province sets for every bloc, read by the apps above: for now the catalogue of emulation
titles and award forms (danh hiệu thi đua, hình thức khen thưởng). Registrations, ballots and
decisions keep an award's code; its name and place in lists come from here."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class AwardCode:
    """The codes the rules name (the provincial flag goes to the unit leading its bloc, the Government
    flag is chosen among those units…). Names and order are the catalogue's."""

    LABOR_ADVANCED = "tt_ldtt"
    LABOR_EXCELLENT = "tt_ldxs"
    FLAG_PROVINCE = "co_tinh"
    FLAG_GOVERNMENT = "co_cp"
    MERIT_PROVINCE = "bk_tinh"
    MERIT_PRIME_MINISTER = "bk_ttg"
    LABOR_ORDER_3 = "hc_ld3"


class AwardCategory(models.TextChoices):
    TITLE = "title", "Danh hiệu thi đua"
    FORM = "form", "Hình thức khen thưởng"


class Award(models.Model):
    """One collective title or award form of the catalogue (Luật Thi đua, khen thưởng 2022)."""

    code = models.CharField("mã", max_length=10, unique=True)
    label = models.CharField("tên", max_length=200)
    category = models.CharField("loại", max_length=8, choices=AwardCategory.choices)
    position = models.PositiveSmallIntegerField("thứ tự")

    class Meta:
        verbose_name = "danh hiệu, hình thức khen thưởng"
        verbose_name_plural = "danh hiệu, hình thức khen thưởng"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(label=""),
                name="award_has_code_and_label",
                violation_error_message="Danh hiệu, hình thức khen thưởng phải có mã và tên.",
            ),
        ]

    def __str__(self) -> str:
        return self.label
