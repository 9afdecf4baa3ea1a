"""What the benchmark's province is made of: accounts, names, texts, the kinds of criteria, and the
small helpers that make its rows (bench/builder.py puts them together)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from blocs.models import (
    AuditEvent,
    Term,
)
from province.models import AwardCode
from scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
)

BENCH_PASSWORD = "thidua-bench-2026"  # noqa: S105 -- public by design: the bench's throwaway accounts
BOARD_USERNAME = "bench-bantdkt"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal

KINDS = [
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Chi cục Thuế khu vực",
    "Trung tâm Phục vụ hành chính công",
    "Bảo hiểm xã hội khu vực",
    "Kho bạc Nhà nước khu vực",
    "Đài Phát thanh và Truyền hình",
    "Trường Cao đẳng Kỹ thuật",
]
HEADS = ["Nguyễn Văn", "Trần Thị", "Lê Quang", "Phạm Minh", "Hoàng Thị", "Vũ Đức", "Đặng Thu", "Bùi Văn"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Khoa", "Lan", "Minh", "Nam", "Phúc", "Tâm"]
COMMITMENTS = [
    "Tổ chức triển khai thực hiện có hiệu quả phong trào thi đua yêu nước, gắn với thực hiện tốt các "
    "nhiệm vụ chính trị, chuyên môn của từng cơ quan, đơn vị.",
    "Đẩy mạnh tuyên truyền, quán triệt tư tưởng thi đua ái quốc của Chủ tịch Hồ Chí Minh; các chủ trương "
    "của Đảng, chính sách pháp luật của Nhà nước về công tác thi đua, khen thưởng.",
    "Tăng cường kỷ luật, kỷ cương hành chính, đạo đức công vụ; nâng cao trách nhiệm người đứng đầu.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số; nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "Phát hiện, bồi dưỡng, nhân rộng và tuyên truyền các điển hình tiên tiến.",
    "Nâng cao chất lượng hoạt động của Hội đồng Thi đua - Khen thưởng các đơn vị.",
    "Xây dựng tổ chức đảng, đoàn thể trong sạch, vững mạnh; xây dựng cơ quan văn hóa.",
    "Gắn công tác khen thưởng với kết quả thực hiện nhiệm vụ chính trị của từng cơ quan, đơn vị.",
]
CRITERIA_TEXT = [
    "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm được giao trong năm",
    "Chất lượng tham mưu, tổ chức thực hiện nhiệm vụ chuyên môn",
    "Cải cách hành chính, ứng dụng công nghệ thông tin, chuyển đổi số",
    "Ban hành kế hoạch, phát động phong trào thi đua năm",
    "Tin, bài tuyên truyền điển hình tiên tiến",
    "Tham gia đầy đủ các hoạt động chung của Khối",
    "Gửi báo cáo đầy đủ, đúng hạn theo yêu cầu",
    "Tổ chức đảng, đoàn thể hoàn thành tốt nhiệm vụ trở lên",
    "Chấp hành kỷ luật, kỷ cương hành chính, đạo đức công vụ",
    "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng",
    "Giải quyết đơn thư, khiếu nại, tố cáo đúng thời hạn",
    "Công tác bảo vệ bí mật nhà nước, an toàn thông tin",
]
GROUPS = [
    "Thực hiện nhiệm vụ chính trị, chuyên môn",
    "Công tác thi đua, khen thưởng",
    "Xây dựng Đảng, đoàn thể",
]
INDICATORS = [
    ("Tỷ lệ hoàn thành nhiệm vụ trọng tâm theo kế hoạch", D(100), "%"),
    ("Tỷ lệ hồ sơ giải quyết đúng hạn", D(98), "%"),
    ("Tỷ lệ văn bản điện tử có chữ ký số", D(95), "%"),
]
AWARD_SETS = [
    [AwardCode.LABOR_EXCELLENT, AwardCode.FLAG_PROVINCE],
    [AwardCode.LABOR_EXCELLENT, AwardCode.MERIT_PROVINCE],
    [AwardCode.LABOR_ADVANCED],
]
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Size:
    blocs: int = 30
    members: int = 15
    years: int = 5
    criteria: int = 60
    # The last year is the open one; by default the current calendar year.
    last_year: int = 0
    # Prefixes every name and username, so that two data sets can live in one database (tests).
    prefix: str = ""

    @property
    def first_year(self) -> int:
        return self.year - self.years + 1

    @property
    def year(self) -> int:
        return self.last_year or timezone.localdate().year


DEFAULT_SIZE = Size()


def _kinds(n: int) -> tuple[list[str], list[str], list[str]]:
    """The kinds of a table of `n` criteria: bonus and deduction items, and the scored ones mostly
    judged points with targets, pass/fail and per-occurrence items among them."""
    extra = max(1, n // 30) if n >= 4 else 0
    scored = n - 2 * extra
    kinds = []
    for i in range(scored):
        k = i % 20
        kinds.append(
            CriterionKind.TARGET
            if k == 0 and i // 20 < len(INDICATORS)
            else CriterionKind.PASS_FAIL
            if k == 7
            else CriterionKind.OCCURRENCE
            if k == 13
            else CriterionKind.POINTS
        )
    return kinds, [CriterionKind.BONUS] * extra, [CriterionKind.DEDUCTION] * extra


def _criterion(criteria_set: CriteriaSet, group: Criterion, position: int, kind: str, i: int) -> Criterion:
    text = CRITERIA_TEXT[i % len(CRITERIA_TEXT)]
    fields: dict = {"max_points": D(20), "step": D("0.5")}
    if kind == CriterionKind.TARGET:
        indicator = INDICATORS[i // 20][0]
        text, fields = indicator, {"max_points": D(20), "unit_points": D("0.2"), "indicator": indicator}
    elif kind == CriterionKind.PASS_FAIL:
        fields = {"max_points": D(10)}
    elif kind == CriterionKind.OCCURRENCE:
        fields = {"max_points": D(10), "unit_points": D(2)}
    elif kind == CriterionKind.BONUS:
        text, fields = "Có sáng kiến được công nhận cấp tỉnh", {"max_points": D(10), "step": D(1)}
    elif kind == CriterionKind.DEDUCTION:
        text, fields = "Chậm gửi báo cáo theo yêu cầu của Khối", {"max_points": D(10), "step": D("0.5")}
    return Criterion(
        criteria_set=criteria_set, parent=group, position=position, code=str(position), text=text, kind=kind,
        guidance="Minh chứng: báo cáo tổng kết năm của đơn vị." if i % 4 == 0 else "", **fields,
    )  # fmt: skip


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=TZ)


def _event(actor, action: str, obj, term: Term, at: datetime, *, old=None, new=None) -> AuditEvent:
    return AuditEvent(
        at=at, actor=actor, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        object_repr=str(obj)[:255], term=term, old=old, new=new,
    )  # fmt: skip
