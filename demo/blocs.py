"""The demo province, built from the source articles in shared/seeds/.

The articles come from several provinces (Cao Bằng, Đắk Lắk, Hà Nam…); the demo merges them into one
province without a name ("tỉnh"). Where an article gives a fact (a membership list, a leader, a
formation decision) the demo follows it; the years between are filled with plausible rotations,
computed by the same rotation service the users see (`rotation_propose`).

Everything goes through the services, so the demo also writes the audit trail a real year would.
Loading is idempotent: units and accounts are found by name, a term that exists is left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q

from blocs import services
from blocs.models import Bloc, ChosenBy, Term, Unit, UnitKind, User
from blocs.roles import ensure_board_group

DEMO_PASSWORD = "thidua-2024"  # noqa: S105 -- public by design: printed for the demo logins
YEARS = range(2018, 2025)
OPEN_YEAR = 2024

BOARD = "Ban Thi đua – Khen thưởng tỉnh"

# name: (short name, parent line of the letterhead, head's title, head's name)
UNITS: dict[str, tuple[str, str, str, str]] = {
    BOARD: ("Ban TĐKT", "SỞ NỘI VỤ", "Trưởng ban", "Lê Văn Thành"),
    "Tỉnh ủy": ("Tỉnh ủy", "ĐẢNG CỘNG SẢN VIỆT NAM", "Bí thư Tỉnh ủy", "Hoàng Văn Minh"),
    # Nội chính
    "Thanh tra tỉnh": ("Thanh tra", "UBND TỈNH", "Chánh Thanh tra tỉnh", "Hoàng Tiến Khang"),
    "Sở Tư pháp": ("STP", "UBND TỈNH", "Giám đốc", "Nông Thanh Khoa"),
    "Bộ Chỉ huy Quân sự tỉnh": ("BCH Quân sự", "QUÂN KHU", "Chỉ huy trưởng", "Phạm Quốc Dũng"),
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh": ("BĐBP", "BỘ ĐỘI BIÊN PHÒNG", "Chỉ huy trưởng", "Lường Văn Hải"),
    "Công an tỉnh": ("Công an tỉnh", "BỘ CÔNG AN", "Giám đốc", "Vũ Hồng Quang"),
    "Viện Kiểm sát nhân dân tỉnh": ("VKSND tỉnh", "VIỆN KSND TỐI CAO", "Viện trưởng", "Trần Thị Mai"),
    "Tòa án nhân dân tỉnh": ("TAND tỉnh", "TÒA ÁN NHÂN DÂN TỐI CAO", "Chánh án", "Đỗ Văn Long"),
    "Cục Thi hành án dân sự tỉnh": ("Cục THADS", "BỘ TƯ PHÁP", "Cục trưởng", "Bế Thị Hồng"),
    "Sở Nội vụ": ("SNV", "UBND TỈNH", "Giám đốc", "Nguyễn Thị Lan"),
    "Trại giam Đắk Tân": ("TG Đắk Tân", "BỘ CÔNG AN", "Giám thị", "Lê Quang Vinh"),
    "Trại giam Đắk Trung": ("TG Đắk Trung", "BỘ CÔNG AN", "Giám thị", "Y Bhin Niê"),
    "Trung đoàn Cảnh sát cơ động Tây Nguyên": (
        "Trung đoàn CSCĐ",
        "BỘ CÔNG AN",
        "Trung đoàn trưởng",
        "Hà Văn Tú",
    ),
    "Lữ đoàn 198, Bộ Tư lệnh Đặc công": (
        "Lữ đoàn 198",
        "BỘ TƯ LỆNH ĐẶC CÔNG",
        "Lữ đoàn trưởng",
        "Nguyễn Minh Mạnh",
    ),
    # The Party committee's boards and agencies
    "Văn phòng Tỉnh ủy": ("VPTU", "TỈNH ỦY", "Chánh Văn phòng", "Lại Thế Nguyên"),
    "Ban Tổ chức Tỉnh ủy": ("BTC", "TỈNH ỦY", "Trưởng ban", "Đặng Đình Thoảng"),
    "Ủy ban Kiểm tra Tỉnh ủy": ("UBKT", "TỈNH ỦY", "Chủ nhiệm", "Trần Xuân Dưỡng"),
    "Ban Tuyên giáo Tỉnh ủy": ("BTG", "TỈNH ỦY", "Trưởng ban", "Trần Thị Thanh Thủy"),
    "Ban Dân vận Tỉnh ủy": ("BDV", "TỈNH ỦY", "Trưởng ban", "Nguyễn Thị Hương"),
    "Ban Nội chính Tỉnh ủy": ("BNC", "TỈNH ỦY", "Trưởng ban", "Lê Văn Bình"),
    "Đảng ủy Khối các cơ quan tỉnh": ("ĐUK CQ", "TỈNH ỦY", "Bí thư", "Phạm Thị Hạnh"),
    "Đảng ủy Khối Doanh nghiệp tỉnh": ("ĐUK DN", "TỈNH ỦY", "Bí thư", "Vũ Đức Thắng"),
    "Trường Chính trị tỉnh": ("Trường Chính trị", "TỈNH ỦY", "Hiệu trưởng", "Đinh Văn Tiến"),
    # Tổng hợp
    "Văn phòng UBND tỉnh": ("VP UBND", "UBND TỈNH", "Chánh Văn phòng", "Trịnh Văn Sơn"),
    "Sở Kế hoạch và Đầu tư": ("KHĐT", "UBND TỈNH", "Giám đốc", "Mai Xuân Trường"),
    "Sở Tài chính": ("STC", "UBND TỈNH", "Giám đốc", "Đoàn Thị Ngọc"),
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh": (
        "VP Đoàn ĐBQH và HĐND",
        "HĐND TỈNH",
        "Chánh Văn phòng",
        "Lý Văn Khải",
    ),
    "Kho bạc Nhà nước tỉnh": ("KBNN tỉnh", "KHO BẠC NHÀ NƯỚC", "Giám đốc", "Cao Thị Thu"),
    "Cục Thuế tỉnh": ("Cục Thuế", "TỔNG CỤC THUẾ", "Cục trưởng", "Đinh Quang Huy"),
    "Cục Thống kê tỉnh": ("Cục Thống kê", "TỔNG CỤC THỐNG KÊ", "Cục trưởng", "Lưu Thị Yến"),
    "Sở Ngoại vụ": ("SNgV", "UBND TỈNH", "Giám đốc", "Tạ Văn Phúc"),
    # Kinh tế - kỹ thuật
    "Sở Công Thương": ("SCT", "UBND TỈNH", "Giám đốc", "Hồ Văn Lợi"),
    "Sở Nông nghiệp và Phát triển nông thôn": ("SNN&PTNT", "UBND TỈNH", "Giám đốc", "Phan Văn Nam"),
    "Sở Xây dựng": ("SXD", "UBND TỈNH", "Giám đốc", "Dương Văn Hòa"),
    "Sở Giao thông vận tải": ("SGTVT", "UBND TỈNH", "Giám đốc", "Kiều Minh Tâm"),
    "Sở Tài nguyên và Môi trường": ("STNMT", "UBND TỈNH", "Giám đốc", "Ngô Thị Bích"),
    "Sở Khoa học và Công nghệ": ("SKHCN", "UBND TỈNH", "Giám đốc", "Vương Đình Khôi"),
    "Sở Thông tin và Truyền thông": ("STTTT", "UBND TỈNH", "Giám đốc", "Chu Văn Đạt"),
    "Ban Quản lý các khu công nghiệp tỉnh": ("BQL KCN", "UBND TỈNH", "Trưởng ban", "Lâm Thị Kiều"),
    # Văn hóa - xã hội
    "Sở Giáo dục và Đào tạo": ("SGDĐT", "UBND TỈNH", "Giám đốc", "Tô Văn Hưng"),
    "Sở Y tế": ("SYT", "UBND TỈNH", "Giám đốc", "Đàm Thị Thanh"),
    "Sở Lao động - Thương binh và Xã hội": ("SLĐTBXH", "UBND TỈNH", "Giám đốc", "La Văn Cường"),
    "Sở Văn hóa, Thể thao và Du lịch": ("SVHTTDL", "UBND TỈNH", "Giám đốc", "Quách Thị Nga"),
    "Bảo hiểm xã hội tỉnh": ("BHXH tỉnh", "BẢO HIỂM XÃ HỘI VIỆT NAM", "Giám đốc", "Triệu Văn Lực"),
    "Đài Phát thanh và Truyền hình tỉnh": ("Đài PT-TH", "UBND TỈNH", "Giám đốc", "Mạc Thị Duyên"),
    "Ban Dân tộc tỉnh": ("Ban Dân tộc", "UBND TỈNH", "Trưởng ban", "Hầu A Lềnh"),
}

# Seeds 000 and 003 call it "Cục Thi hành án dân sự tỉnh"; the demo renames it from 2024 on, so that
# pages about earlier years show the old name.
RENAME = ("Cục Thi hành án dân sự tỉnh", "Thi hành án dân sự tỉnh", "THADS tỉnh", 2024)

NOI_CHINH_2018 = [  # seed 004, in its order
    "Thanh tra tỉnh",
    "Sở Tư pháp",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Công an tỉnh",
    "Viện Kiểm sát nhân dân tỉnh",
    "Tòa án nhân dân tỉnh",
    "Cục Thi hành án dân sự tỉnh",
]
NOI_CHINH_2022 = [  # seed 003's twelve units, in its order
    "Thanh tra tỉnh",
    "Trại giam Đắk Tân",
    "Viện Kiểm sát nhân dân tỉnh",
    "Tòa án nhân dân tỉnh",
    "Sở Tư pháp",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Cục Thi hành án dân sự tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Công an tỉnh",
    "Trại giam Đắk Trung",
    "Trung đoàn Cảnh sát cơ động Tây Nguyên",
    "Lữ đoàn 198, Bộ Tư lệnh Đặc công",
]
NOI_CHINH_2023 = [  # seed 000: Quyết định số 42/QĐ-UBND ngày 12/01/2023, in its order
    "Thanh tra tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Công an tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Viện Kiểm sát nhân dân tỉnh",
    "Tòa án nhân dân tỉnh",
    "Cục Thi hành án dân sự tỉnh",
]
PARTY = [
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ban Tuyên giáo Tỉnh ủy",
    "Ban Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Đảng ủy Khối các cơ quan tỉnh",
    "Đảng ủy Khối Doanh nghiệp tỉnh",
    "Trường Chính trị tỉnh",
]
TONG_HOP = [
    "Văn phòng UBND tỉnh",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "Cục Thuế tỉnh",
    "Cục Thống kê tỉnh",
]
# Sở Nội vụ moves to the Nội chính bloc in 2023 (seed 000); Sở Ngoại vụ takes its place.
TONG_HOP_2023 = [u for u in TONG_HOP if u != "Sở Nội vụ"] + ["Sở Ngoại vụ"]
KINH_TE = [
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông",
]
VAN_HOA = [
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Bảo hiểm xã hội tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Ban Dân tộc tỉnh",
]


@dataclass(frozen=True)
class Year:
    """One term of a bloc. Leadership left out (None) is taken from the rotation proposal."""

    members: list[str]
    decision: tuple[str, date] | None = None
    leader: tuple[str, str] | None = None  # (unit, how chosen)
    deputy: tuple[str, str] | None = None
    supervised: bool = False


@dataclass(frozen=True)
class BlocSpec:
    name: str
    short_name: str
    number: str
    description: str
    years: dict[int, Year]
    issuer: str = "UBND tỉnh"


E, A, N = ChosenBy.ELECTED, ChosenBy.ACCLAIMED, ChosenBy.NOMINATED


def _rotating(members_by_year: dict[int, list[str]], number: int) -> dict[int, Year]:
    """Departments' blocs: the first two members lead in 2018, the rotation proposes the rest."""
    years = {}
    for year, members in members_by_year.items():
        first = year == min(members_by_year)
        years[year] = Year(
            members=members,
            decision=(f"{number + 10 * (year - 2017)}/QĐ-UBND", date(year, 1, 10)),
            leader=(members[0], E) if first else None,
            deputy=(members[1], E) if first else None,
        )
    return years


BLOCS = [
    BlocSpec(
        name="Khối thi đua các cơ quan Nội chính tỉnh",
        short_name="Khối thi đua Nội chính",
        number="Khối thi đua số 3",
        description=(
            "Các cơ quan thanh tra, tư pháp, kiểm sát, xét xử, thi hành án, quân sự và công an của tỉnh."
        ),
        years={
            # Seed 004: Thanh tra tỉnh leads 2018 with Sở Tư pháp as deputy. Seed 002 (another
            # province) has the Nội chính bloc elect Cục Thi hành án dân sự tỉnh as its 2018 leader;
            # the issue asks for seed 004's version, so the demo follows it.
            2018: Year(
                NOI_CHINH_2018, ("05/QĐ-UBND", date(2018, 1, 8)), ("Thanh tra tỉnh", E), ("Sở Tư pháp", E)
            ),
            2019: Year(NOI_CHINH_2018, ("12/QĐ-UBND", date(2019, 1, 9))),
            2020: Year(
                NOI_CHINH_2018 + ["Trại giam Đắk Tân", "Trại giam Đắk Trung"],
                ("09/QĐ-UBND", date(2020, 1, 7)),
            ),
            # The twelve units of seed 003 from 2021; seed 003 has Thanh tra tỉnh leading in 2022,
            # which the conference of 2021 chose over the rotation's proposal.
            2021: Year(NOI_CHINH_2022, ("15/QĐ-UBND", date(2021, 1, 11)), None, ("Thanh tra tỉnh", E)),
            2022: Year(
                NOI_CHINH_2022,
                ("18/QĐ-UBND", date(2022, 1, 12)),
                ("Thanh tra tỉnh", E),
                ("Viện Kiểm sát nhân dân tỉnh", E),
            ),
            # Seed 000: eight agencies, Thanh tra tỉnh leads again.
            2023: Year(
                NOI_CHINH_2023,
                ("42/QĐ-UBND", date(2023, 1, 12)),
                ("Thanh tra tỉnh", E),
                ("Viện Kiểm sát nhân dân tỉnh", E),
            ),
            2024: Year(NOI_CHINH_2023, ("35/QĐ-UBND", date(2024, 1, 10))),
        },
    ),
    BlocSpec(
        name="Khối thi đua các Ban xây dựng Đảng và cơ quan trực thuộc Tỉnh ủy",
        short_name="Khối thi đua các Ban Đảng",
        number="Khối thi đua số 5",
        description="Các ban xây dựng Đảng, Ủy ban Kiểm tra, Văn phòng Tỉnh ủy và các đảng ủy khối.",
        issuer="Ban Thường vụ Tỉnh ủy",
        years={
            # Seed 002: the 2018 conference acclaimed (suy tôn) Văn phòng Tỉnh ủy as leader.
            2018: Year(
                PARTY, ("1052-QĐ/TU", date(2018, 1, 5)), ("Văn phòng Tỉnh ủy", A), ("Ban Dân vận Tỉnh ủy", E)
            ),
            2019: Year(PARTY, ("1310-QĐ/TU", date(2019, 1, 4)), None, ("Ban Nội chính Tỉnh ủy", E)),
            2020: Year(PARTY, ("1488-QĐ/TU", date(2020, 1, 6)), None, ("Đảng ủy Khối các cơ quan tỉnh", E)),
            2021: Year(PARTY, ("25-QĐ/TU", date(2021, 1, 8)), None, ("Ban Tuyên giáo Tỉnh ủy", E)),
            2022: Year(PARTY, ("214-QĐ/TU", date(2022, 1, 7)), None, ("Ban Tổ chức Tỉnh ủy", E)),
            # Seed 001: Ban Tổ chức Tỉnh ủy led 2023; the 2023 year-end conference nominated (giới
            # thiệu) Ủy ban Kiểm tra Tỉnh ủy to lead 2024 and Đảng ủy Khối Doanh nghiệp tỉnh as deputy.
            # Đinh Thị Lụa, Phó Bí thư Thường trực Tỉnh ủy, supervises the bloc.
            2023: Year(
                PARTY,
                ("402-QĐ/TU", date(2023, 1, 6)),
                ("Ban Tổ chức Tỉnh ủy", E),
                ("Ủy ban Kiểm tra Tỉnh ủy", E),
                supervised=True,
            ),
            2024: Year(
                PARTY,
                ("577-QĐ/TU", date(2024, 1, 5)),
                ("Ủy ban Kiểm tra Tỉnh ủy", N),
                ("Đảng ủy Khối Doanh nghiệp tỉnh", N),
                supervised=True,
            ),
        },
    ),
    BlocSpec(
        name="Khối thi đua các cơ quan tổng hợp",
        short_name="Khối thi đua Tổng hợp",
        number="Khối thi đua số 1",
        description="Các cơ quan tham mưu tổng hợp, kế hoạch, tài chính và thống kê trên địa bàn tỉnh.",
        years=_rotating({y: TONG_HOP if y < 2023 else TONG_HOP_2023 for y in YEARS}, 1),
    ),
    BlocSpec(
        name="Khối thi đua các sở kinh tế - kỹ thuật",
        short_name="Khối thi đua Kinh tế - Kỹ thuật",
        number="Khối thi đua số 2",
        description="Các sở quản lý nhà nước về kinh tế, hạ tầng, tài nguyên và khoa học.",
        years=_rotating(
            {y: KINH_TE + (["Ban Quản lý các khu công nghiệp tỉnh"] if y >= 2020 else []) for y in YEARS}, 2
        ),
    ),
    BlocSpec(
        name="Khối thi đua các sở văn hóa - xã hội",
        short_name="Khối thi đua Văn hóa - Xã hội",
        number="Khối thi đua số 4",
        description="Các cơ quan giáo dục, y tế, lao động, văn hóa và an sinh xã hội.",
        years=_rotating(dict.fromkeys(YEARS, VAN_HOA), 4),
    ),
]


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    job_title: str
    unit: str
    role: str  # what the persona shows, printed with the logins


PERSONAS = [
    Persona(
        "bantdkt", "Nguyễn Thị Thu Hà", "Chuyên viên Ban Thi đua – Khen thưởng", BOARD, "Cán bộ Ban TĐKT"
    ),
    Persona(
        "truongkhoi",
        "Trần Văn Hùng",
        "Chánh Văn phòng",
        "Viện Kiểm sát nhân dân tỉnh",
        "Trưởng Khối thi đua Nội chính năm 2024",
    ),
    Persona(
        "phokhoi",
        "Vũ Minh Tuấn",
        "Trưởng phòng Tham mưu",
        "Công an tỉnh",
        "Phó trưởng Khối Nội chính năm 2024",
    ),
    Persona("thanhvien", "Lê Thị Hoa", "Chánh Văn phòng Sở", "Sở Tư pháp", "Thành viên Khối Nội chính"),
    Persona(
        "truongkhoicu",
        "Phạm Văn Sáu",
        "Phó Chánh Thanh tra tỉnh",
        "Thanh tra tỉnh",
        "Trưởng Khối Nội chính năm 2023 (năm đã kết thúc)",
    ),
    Persona(
        "phutrach",
        "Đinh Thị Lụa",
        "Phó Bí thư Thường trực Tỉnh ủy",
        "Tỉnh ủy",
        "Lãnh đạo phụ trách Khối các Ban Đảng",
    ),
    Persona(
        "truongkhoidang",
        "Hồ Thị Minh",
        "Chánh Văn phòng Ủy ban Kiểm tra Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",
        "Trưởng Khối các Ban Đảng năm 2024: dự thảo giao ước chờ các thành viên đăng ký",
    ),
    Persona(
        "khoidang",
        "Lương Văn Tâm",
        "Chánh Văn phòng Trường",
        "Trường Chính trị tỉnh",
        "Thành viên Khối các Ban Đảng, chưa đăng ký giao ước năm 2024",
    ),
    Persona(
        "ngoaikhoi", "Đoàn Văn Nam", "Chánh Văn phòng Sở", "Sở Tài chính", "Thành viên khối khác (Tổng hợp)"
    ),
]


def _unit(name: str) -> Unit:
    """The unit called `name`, now or in an earlier year (the demo may have renamed it)."""
    found = Unit.objects.filter(Q(name=name) | Q(former_names__name=name)).distinct().first()
    if found is not None:
        return found
    short_name, parent, head_title, head_name = UNITS[name]
    kind = UnitKind.BOARD if name == BOARD else UnitKind.AGENCY
    return Unit.objects.create(
        kind=kind,
        name=name,
        short_name=short_name,
        parent_name=parent,
        head_title=head_title,
        head_name=head_name,
    )


def _account(persona: Persona, *, by: User | None) -> User:
    user = User.objects.filter(username=persona.username).first()
    if user is None:
        user = services.account_create(
            unit=_unit(persona.unit),
            username=persona.username,
            full_name=persona.full_name,
            job_title=persona.job_title,
            password=DEMO_PASSWORD,
            by=by,
        )
    return user


def _term(spec: BlocSpec, bloc: Bloc, year: int, *, by: User, supervisor: User, on_open_term) -> Term:
    plan = spec.years[year]
    number, decided = plan.decision or ("", None)
    term = services.term_create(
        bloc=bloc,
        year=year,
        by=by,
        decision_number=number,
        decision_date=decided,
        decision_issuer=spec.issuer,
        supervisor=supervisor if plan.supervised else None,
        supervisor_title=supervisor.job_title if plan.supervised else "",
    )
    for position, name in enumerate(plan.members, start=1):
        services.membership_add(term=term, unit=_unit(name), position=position, by=by)
    leader, deputy = plan.leader, plan.deputy
    if leader is None or deputy is None:
        proposal = services.rotation_propose(Term.objects.get(bloc=bloc, year=year - 1))
        leader = leader or (proposal.leader.unit.name, E)
        deputy = deputy or (proposal.deputy.unit.name, E)
    services.leadership_set(
        term=term,
        leader=_unit(leader[0]),
        deputy=_unit(deputy[0]),
        leader_chosen_by=leader[1],
        deputy_chosen_by=deputy[1],
        by=by,
        reason=f"Hội nghị tổng kết năm {year - 1}",
    )
    if on_open_term is not None:
        on_open_term(term, by)
    term.refresh_from_db()
    if year < OPEN_YEAR and term.is_open:  # an app's part may have closed it (documents submitted)
        services.term_close(term=term, by=by, reason="Dữ liệu mẫu: năm đã tổng kết")
    return term


@transaction.atomic
def load_demo(on_open_term=None) -> tuple[list[Persona], int]:
    """Build the demo province; return the personas and how many terms were created.

    `on_open_term(term, by)` lets the apps built on blocs add their part of the demo (agreements,
    scores) while a term is still open: before a past year is closed, and on this year's terms.
    """
    ensure_board_group()
    for name in UNITS:
        _unit(name)
    board_user = _account(PERSONAS[0], by=None)
    users = {p.username: _account(p, by=board_user) for p in PERSONAS}
    created = 0
    for spec in BLOCS:
        bloc, _ = Bloc.objects.get_or_create(
            name=spec.name,
            defaults={"short_name": spec.short_name, "number": spec.number, "description": spec.description},
        )
        for year in sorted(spec.years):
            term = Term.objects.filter(bloc=bloc, year=year).first()
            if term is None:
                _term(
                    spec, bloc, year, by=board_user, supervisor=users["phutrach"], on_open_term=on_open_term
                )
                created += 1
            elif term.is_open and on_open_term is not None:
                on_open_term(term, board_user)
    old_name, new_name, new_short, from_year = RENAME
    renamed = _unit(old_name)
    if renamed.name == old_name:
        services.unit_rename(
            unit=renamed, new_name=new_name, new_short_name=new_short, from_year=from_year, by=board_user
        )
    return PERSONAS, created
