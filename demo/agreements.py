# ruff: noqa: E501 -- the commitments are quoted word for word from the source article
"""The demo province's agreements (seed 000), added while the demo's terms are still open."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from blocs.models import Role, Term, User
from config.pdf import render_pdf
from demo.blocs import load_demo as load_blocs
from province.models import AwardCode

NOI_CHINH = "Khối thi đua các cơ quan Nội chính tỉnh"
PARTY = "Khối thi đua các Ban xây dựng Đảng và cơ quan trực thuộc Tỉnh ủy"
PLACE = "Quảng Ngãi"

# Seed 000: what the Nội chính bloc's members committed to in 2023, word for word.
COMMITMENTS_2023 = [
    "Tổ chức triển khai thực hiện có hiệu quả phong trào thi đua yêu nước, gắn với thực hiện tốt các nhiệm vụ "
    "chính trị, nhiệm vụ chuyên môn của từng cơ quan, đơn vị, nhằm thực hiện đạt và vượt các chỉ tiêu công tác "
    "năm mà mỗi đơn vị đã đăng ký, góp phần thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội, quốc "
    "phòng, an ninh của tỉnh.",
    "Tiếp tục đẩy mạnh nghiên cứu, tuyên truyền, phổ biến, quán triệt sâu sắc tư tưởng của Chủ tịch Hồ Chí Minh "
    "về thi đua ái quốc; các chủ trương của Đảng, chính sách pháp luật của Nhà nước về công tác thi đua, khen "
    "thưởng.",
    "Tăng cường sự lãnh đạo của cấp ủy Đảng, chính quyền, sự phối hợp giữa chính quyền với Mặt trận Tổ quốc và "
    "các đoàn thể nhân dân trong việc chỉ đạo, tổ chức thực hiện các phong trào thi đua. Xây dựng tổ chức đảng, "
    "đoàn thể trong sạch, vững mạnh, xây dựng cơ quan văn hóa.",
    "Đẩy mạnh các phong trào thi đua yêu nước góp phần thực hiện thắng lợi các nhiệm vụ phát triển kinh tế, xã "
    "hội năm 2023 của tỉnh theo tinh thần của Chỉ thị số 01/CT-UBND ngày 03/01/2023.",
    "Tăng cường kỷ luật, kỷ cương hành chính, đạo đức công vụ; nâng cao trách nhiệm của cán bộ, công chức, viên "
    "chức, chiến sĩ, người lao động, nhất là trách nhiệm người đứng đầu trong các cơ quan, đơn vị trong Khối thi "
    "đua; kiên quyết ngăn chặn, đẩy lùi, xử lý nghiêm cán bộ, đảng viên suy thoái về tư tưởng chính trị, đạo "
    "đức, lối sống, biểu hiện “tự diễn biến”, “tự chuyển hóa”; thực hiện nghiêm quy định về những điều đảng "
    "viên không được làm; đẩy mạnh đấu tranh phòng, chống tham nhũng, tiêu cực, lãng phí, quan liêu.",
    "Đẩy mạnh công tác phát hiện, bồi dưỡng, nhân rộng, tuyên truyền điển hình tiên tiến.",
    "Nâng cao chất lượng hoạt động của Hội đồng Thi đua - Khen thưởng các đơn vị; nâng cao chất lượng cộng tác "
    "nghiên cứu khoa học, đề tài, sáng kiến kinh nghiệm ở cơ sở.",
    "Gắn công tác khen thưởng với kết quả thực hiện nhiệm vụ chính trị; sơ kết, tổng kết các phong trào thi "
    "đua, thực hiện kế hoạch, nhiệm vụ chính trị của từng cơ quan, đơn vị.",
]

PARTY_COMMITMENTS_2024 = [
    "Tiếp tục làm tốt công tác tuyên truyền, phổ biến, quán triệt tư tưởng thi đua yêu nước của Chủ tịch "
    "Hồ Chí Minh; Chỉ thị số 34-CT/TW ngày 07/4/2014 của Bộ Chính trị về đổi mới công tác thi đua, khen thưởng.",
    "Đẩy mạnh cải cách hành chính trong Đảng, tăng cường ứng dụng công nghệ thông tin; đổi mới tư duy, phong "
    "cách, lề lối, phương pháp làm việc, nâng cao chất lượng tham mưu.",
    "Thực hiện tốt công tác xây dựng Đảng gắn với xây dựng cơ quan, đoàn thể trong sạch, vững mạnh; nâng cao "
    "vai trò gương mẫu của người đứng đầu, đạo đức công vụ, văn hóa ứng xử của cán bộ, công chức, viên chức.",
    "Phấn đấu 100% thành viên của Khối hoàn thành và hoàn thành vượt mức các chỉ tiêu đề ra.",
]

AWARDS = [
    [AwardCode.LABOR_EXCELLENT, AwardCode.FLAG_PROVINCE],
    [AwardCode.LABOR_EXCELLENT, AwardCode.MERIT_PROVINCE],
    [AwardCode.LABOR_EXCELLENT, AwardCode.FLAG_GOVERNMENT],
    [AwardCode.LABOR_ADVANCED],
]
TARGETS = [
    ("Tỷ lệ hoàn thành nhiệm vụ trọng tâm theo kế hoạch", "100", "%"),
    ("Số sáng kiến, giải pháp được công nhận", "3", "sáng kiến"),
]


def _leader_user(term: Term, fallback: User) -> User:
    unit_id = term.memberships.filter(role=Role.LEADER).values_list("unit_id", flat=True).first()
    return User.objects.filter(unit_id=unit_id, is_active=True).first() or fallback


def _register(agreement, memberships, *, by: User) -> None:
    for i, membership in enumerate(memberships):
        data = {**services.registration_defaults(membership), "awards": list(AWARDS[i % len(AWARDS)])}
        if i % 3 == 1:  # some members sign through a deputy head
            data["signer_prefix"] = f"KT. {membership.unit.head_title.upper()}"
            data["signer_title"] = (
                f"Phó {membership.unit.head_title[:1].lower()}{membership.unit.head_title[1:]}"
            )
        targets = [(text, value, uom) for text, value, uom in TARGETS]
        services.registration_save(
            agreement=agreement, membership=membership, data=data, targets=targets, lock_version=None, by=by
        )


def _scan_of(agreement) -> SimpleUploadedFile:
    """A stand-in for the scanned paper: the demo has no real signatures to scan."""
    html = (
        "<html><body style='font-family: Liberation Serif'><h1>Bản chụp giao ước đã ký (dữ liệu mẫu)</h1>"
        f"<p>{agreement.title} – {agreement.term.bloc.name}</p></body></html>"
    )
    return SimpleUploadedFile("ban-ky.pdf", render_pdf(html), content_type="application/pdf")


def add_agreements(term: Term, by: User) -> None:
    if term.agreements.exists():
        return
    if term.bloc.name == NOI_CHINH and term.year == 2023:
        leader = _leader_user(term, by)
        agreement = services.agreement_start(term=term, by=leader)
        data = {
            "number": "01/GƯ-KTĐNC",
            "basis": "Kế hoạch số 21/KH-UBND ngày 30/01/2023 của UBND tỉnh\n"
            "Quyết định số 42/QĐ-UBND ngày 12/01/2023 của UBND tỉnh",
            "theme": "Đoàn kết, kỷ cương, đổi mới, sáng tạo, hoàn thành xuất sắc nhiệm vụ năm 2023",
            "place": PLACE,
            "venue": "Thanh tra tỉnh",
            "conference_date": date(2023, 2, 28),
        }
        services.agreement_update(agreement=agreement, data=data, lock_version=None, by=leader)
        for text in COMMITMENTS_2023:
            services.commitment_add(agreement=agreement, text=text, by=leader)
        _register(agreement, term.memberships.select_related("unit").order_by("position"), by=leader)
        agreement = services.agreement_finalize(agreement=agreement, by=leader)
        services.agreement_sign(
            agreement=agreement, scan=_scan_of(agreement), signed_on=date(2023, 2, 28), by=leader
        )
    elif term.bloc.name == NOI_CHINH and term.year == 2024:
        # Signed at the start of 2024 from last year's commitments; the year-end scoring (scoring
        # demo) scores against the targets registered here.
        leader = _leader_user(term, by)
        agreement = services.agreement_start(term=term, by=leader)
        data = {
            "number": "01/GƯ-KTĐNC",
            "basis": "Kế hoạch số 18/KH-UBND ngày 25/01/2024 của UBND tỉnh\n"
            "Quyết định số 35/QĐ-UBND ngày 10/01/2024 của UBND tỉnh",
            "theme": "Kỷ cương, trách nhiệm, hành động, hiệu quả",
            "place": PLACE,
            "venue": "Viện Kiểm sát nhân dân tỉnh",
            "conference_date": date(2024, 2, 27),
        }
        services.agreement_update(agreement=agreement, data=data, lock_version=None, by=leader)
        services.commitments_copy_previous(agreement=agreement, by=leader)
        _register(agreement, term.memberships.select_related("unit").order_by("position"), by=leader)
        agreement = services.agreement_finalize(agreement=agreement, by=leader)
        services.agreement_sign(
            agreement=agreement, scan=_scan_of(agreement), signed_on=date(2024, 2, 27), by=leader
        )
    elif term.bloc.name == PARTY and term.year == 2024:
        leader = _leader_user(term, by)
        agreement = services.agreement_start(term=term, by=leader)
        data = {
            "basis": "Kế hoạch số 15-KH/TU ngày 10/01/2024 của Ban Thường vụ Tỉnh ủy",
            "theme": "Đoàn kết, trách nhiệm, đổi mới, hiệu quả",
            "place": PLACE,
            "venue": "Ủy ban Kiểm tra Tỉnh ủy",
        }
        services.agreement_update(agreement=agreement, data=data, lock_version=None, by=leader)
        for text in PARTY_COMMITMENTS_2024:
            services.commitment_add(agreement=agreement, text=text, by=leader)
        # Some members have registered, the others not yet: the leader's page shows who is missing.
        members = list(term.memberships.select_related("unit").order_by("position"))
        _register(agreement, members[:5], by=leader)


def load_demo():
    return load_blocs(on_open_term=add_agreements)
