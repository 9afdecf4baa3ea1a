"""The demo province's scoring, through the services (so the audit trail is real):

- Nội chính 2023: a complete scored year — a 100-point table with every criterion kind, every member's
  submitted sheet with evidence, the leader's review (the deputy's for the leader's own sheet), one
  explanation decided, scoring locked, the ranking published, and the closed votes (the leading unit
  online, the Bằng khen proposals from paper ballots);
- Nội chính 2024: scoring open, copied from 2023, with some sheets submitted and some missing.

The demo replays past years today, so deadlines are set to the year's dates after the services ran.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ballots import services as ballot_services
from ballots.models import BallotKind, BallotMode
from blocs.models import Term, User
from board import services as overview_services
from board.models import BoardDeadline
from conferences.services import conference as conference_services
from conferences.services import documents as document_services
from demo.agreements import NOI_CHINH, PLACE, _leader_user, add_agreements
from demo.blocs import PERSONAS
from demo.blocs import load_demo as load_blocs
from province.models import AwardCode
from scoring import services
from scoring.models import CriteriaSet
from scoring.models import CriterionKind as K
from scoring.services import Cell

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = Decimal

# A 100-point table in the shape provinces use (groups I–III = 100; IV bonus, V deductions).
TABLE = [
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", None, []),
    (
        "1",
        "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm đã đăng ký",
        K.TARGET,
        {
            "max_points": D(20),
            "unit_points": D("0.2"),
            "indicator": "Tỷ lệ hoàn thành nhiệm vụ trọng tâm theo kế hoạch",
            "guidance": "0,2 điểm cho mỗi 1 % kế hoạch đạt được; tối đa 20 điểm.",
        },
    ),
    (
        "2",
        "Chất lượng tham mưu, tổ chức thực hiện nhiệm vụ chuyên môn",
        K.POINTS,
        {"max_points": D(15), "step": D("0.5")},
    ),
    (
        "3",
        "Sáng kiến, giải pháp được công nhận",
        K.TARGET,
        {"max_points": D(10), "unit_points": D("0.1"), "indicator": "Số sáng kiến, giải pháp được công nhận"},
    ),
    ("4", "Cải cách hành chính, chuyển đổi số", K.POINTS, {"max_points": D(5), "step": D("0.5")}),
    ("II", "Công tác thi đua, khen thưởng", None, []),
    ("1", "Ban hành kế hoạch, phát động phong trào thi đua năm", K.PASS_FAIL, {"max_points": D(5)}),
    (
        "2",
        "Tin, bài tuyên truyền điển hình tiên tiến đăng trên cổng thông tin",
        K.OCCURRENCE,
        {"max_points": D(5), "unit_points": D(1), "guidance": "1 điểm mỗi tin, bài; tối đa 5 điểm."},
    ),
    ("3", "Tham gia các hoạt động chung của Khối", K.POINTS, {"max_points": D(10), "step": D("0.5")}),
    ("4", "Gửi báo cáo đầy đủ, đúng hạn", K.PASS_FAIL, {"max_points": D(10)}),
    ("III", "Xây dựng Đảng, đoàn thể; kỷ luật, kỷ cương", None, []),
    (
        "1",
        "Tổ chức đảng, đoàn thể hoàn thành tốt nhiệm vụ trở lên",
        K.POINTS,
        {"max_points": D(10), "step": D("0.5")},
    ),
    (
        "2",
        "Chấp hành kỷ luật, kỷ cương hành chính, đạo đức công vụ",
        K.POINTS,
        {"max_points": D(10), "step": D("0.5")},
    ),
    ("IV", "Điểm thưởng", None, []),
    ("1", "Được tặng Cờ thi đua của UBND tỉnh năm trước", K.BONUS, {"max_points": D(5), "step": D(1)}),
    ("2", "Có sáng kiến được công nhận cấp tỉnh", K.BONUS, {"max_points": D(3), "step": D("0.5")}),
    ("V", "Điểm trừ", None, []),
    ("1", "Có cán bộ, công chức bị kỷ luật trong năm", K.DEDUCTION, {"max_points": D(10), "step": D(1)}),
    ("2", "Chậm gửi báo cáo theo yêu cầu của Khối", K.DEDUCTION, {"max_points": D(5), "step": D("0.5")}),
]

# Per member (by position): achieved values and judged scores, in the table's order of scored rows:
# target %, quality, initiatives (count), reform, plan (pass), articles (count), activities, reports
# (pass), party, discipline; then bonus flag, bonus initiative, deduction discipline, deduction late.
SELF = [
    (98, "14", 3, "5", True, 6, "9.5", True, "10", "10", "5", "0", "0", "0"),
    (96, "14.5", 2, "4.5", True, 4, "9", True, "9.5", "10", "0", "1.5", "0", "0"),
    (100, "15", 3, "5", True, 5, "10", True, "10", "9.5", "5", "3", "0", "0"),
    (93, "13", 2, "4", True, 3, "8.5", False, "9", "9", "0", "0", "1", "0.5"),
    (97, "14", 1, "4.5", True, 5, "9", True, "9.5", "10", "0", "0", "0", "0"),
    (95, "13.5", 2, "5", True, 2, "9.5", True, "10", "9.5", "0", "1", "0", "0"),
    (99, "14.5", 3, "4.5", True, 4, "9", True, "9", "10", "0", "0", "0", "0"),
    (94, "13", 1, "4", False, 3, "8", True, "9", "9", "0", "0", "0", "1"),
]
# The leader's review lowers a few cells (criterion row index → new value, comment).
REVIEW = {
    1: {1: ("13", "Một số báo cáo tham mưu còn chậm so với yêu cầu.")},
    2: {6: ("9", "Vắng một buổi sinh hoạt chung của Khối.")},
    3: {0: (90, "Tỷ lệ hoàn thành thực tế theo báo cáo tổng kết là 90 %.")},
    5: {1: ("12.5", "Chưa có minh chứng cho hai nội dung tham mưu.")},
}
EXPLAINED = (
    2,
    6,
    "Đơn vị vắng có lý do (tham gia đoàn công tác của tỉnh), đã báo cáo trước bằng văn bản.",
    "9.5",
)
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _create_table(criteria_set: CriteriaSet, by: User) -> None:
    group = None
    for code, text, kind, fields in TABLE:
        if kind is None:
            group = services.criterion_add(
                criteria_set=criteria_set, data={"code": code, "text": text, "kind": K.GROUP}, by=by
            )
            continue
        data = {"code": code, "text": text, "kind": kind, "parent": group, **fields}
        services.criterion_add(criteria_set=criteria_set, data=data, by=by)


def _cells(criteria_set: CriteriaSet, values: tuple, overrides: dict | None = None) -> dict:
    scored = [c for c in criteria_set.criteria.in_order() if not c.is_group]
    cells = {}
    for index, (criterion, value) in enumerate(zip(scored, values, strict=True)):
        note = ""
        if overrides and index in overrides:
            value, note = overrides[index]
        if criterion.kind in (K.OCCURRENCE, K.TARGET):
            cells[criterion.pk] = Cell(quantity=D(str(value)), note=note or "Theo báo cáo tổng kết năm.")
        elif criterion.kind == K.PASS_FAIL:
            cells[criterion.pk] = Cell(points=criterion.max_points if value else D(0), note=note)
        else:
            cells[criterion.pk] = Cell(points=D(str(value)), note=note)
    return cells


def _self_assess(criteria_set: CriteriaSet, member, values: tuple, *, submit: bool) -> None:
    user = User.objects.filter(unit_id=member.unit_id, is_active=True).first()
    sheet = services.sheet_save(
        criteria_set=criteria_set,
        membership=member,
        cells=_cells(criteria_set, values),
        lock_version=None,
        by=user,
    )
    first = criteria_set.criteria.scorable().in_order().first()
    services.evidence_add(
        criteria_set=criteria_set, membership=member, criterion=first,
        upload=SimpleUploadedFile("bao-cao-tong-ket.pdf", EVIDENCE, content_type="application/pdf"), by=user,
    )  # fmt: skip
    if submit:
        services.sheet_submit(sheet=sheet, lock_version=None, by=user)


def _review(criteria_set: CriteriaSet, member, values: tuple, lowered: dict, by: User) -> None:
    sheet = services.leader_review_start(criteria_set=criteria_set, subject=member, by=by)
    reviewer = User.objects.filter(unit_id=sheet.reviewer.unit_id, is_active=True).first() or by
    services.review_save(
        sheet=sheet, cells=_cells(criteria_set, values, lowered), lock_version=None, by=reviewer
    )
    services.review_submit(sheet=sheet, by=reviewer)


def _votes(term: Term, members: list, leader: User) -> None:
    """The year-end conference's votes, closed: the leading unit online (seven of eight vote, six for
    the first-ranked), and the Bằng khen proposals from paper ballots (quota 3, counts entered)."""
    leading = ballot_services.ballot_create(term=term, kind=BallotKind.LEADING, by=leader)
    ballot_services.ballot_open(ballot=leading, by=leader)
    candidates = list(leading.candidates.order_by("position"))
    for i, member in enumerate(members[:7]):
        choice = candidates[0] if i != 3 else candidates[1]
        user = User.objects.filter(unit_id=member.unit_id, is_active=True).first()
        ballot_services.ballot_cast(ballot=leading, membership=member, candidate_ids=[choice.pk], by=user)
    leading = ballot_services.ballot_close(ballot=leading, by=leader)

    merit = ballot_services.ballot_create(
        term=term,
        kind=BallotKind.AWARD,
        award=AwardCode.MERIT_PROVINCE,
        mode=BallotMode.PAPER,
        quota=3,
        by=leader,
    )
    # The unit elected to lead the bloc is proposed for the provincial flag, not for a Bằng khen.
    winner = leading.result["selected"][0]["membership"] if leading.result["selected"] else None
    candidates = {
        c.pk: (
            c.membership_id != winner,
            "" if c.membership_id != winner else "Đã được suy tôn dẫn đầu khối.",
        )
        for c in merit.candidates.all()
    }
    ballot_services.ballot_update(
        ballot=merit, settings={}, candidates=candidates, lock_version=None, by=leader
    )
    ballot_services.ballot_open(ballot=merit, by=leader)
    eligible = [c.pk for c in merit.candidates.filter(eligible=True).order_by("position")]
    votes = dict(zip(eligible, [7, 6, 5, 3, 1, 1, 1], strict=False))
    ballot_services.ballot_counts_save(
        ballot=merit, issued=8, returned=8, valid=8, invalid=0, votes=votes, lock_version=None, by=leader
    )
    ballot_services.ballot_close(ballot=merit, by=leader)


REPORT_2023 = {
    "situation": (
        "Năm 2023, Khối thi đua các cơ quan Nội chính tỉnh gồm 08 cơ quan, đơn vị. Ngay từ đầu năm, Khối đã "
        "tổ chức hội nghị phát động và ký kết giao ước thi đua; các thành viên xây dựng kế hoạch, đăng ký "
        "danh hiệu thi đua và chỉ tiêu công tác."
    ),
    "results": (
        "Các thành viên Khối hoàn thành tốt các chỉ tiêu, nhiệm vụ được giao; phong trào thi đua được triển "
        "khai sâu rộng, gắn với việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. Khối tổ "
        "chức sơ kết 6 tháng, tổng kết năm, chấm điểm, thẩm định và bình xét theo đúng quy chế."
    ),
    "limitations": "Một số đơn vị gửi báo cáo, minh chứng còn chậm so với yêu cầu của Khối.",
    "direction": (
        "Năm 2024, tiếp tục đẩy mạnh phong trào thi đua yêu nước, đổi mới nội dung, hình thức thi đua; Viện "
        "Kiểm sát nhân dân tỉnh làm Trưởng khối, Công an tỉnh làm Phó Trưởng khối."
    ),
    "proposals": "Đề nghị Ban Thi đua - Khen thưởng tỉnh tiếp tục hướng dẫn nghiệp vụ chấm điểm, bình xét.",
}
MIDYEAR_2023 = {
    "situation": "Sáu tháng đầu năm 2023, các thành viên Khối triển khai giao ước thi đua đã ký.",
    "results": "Các đơn vị hoàn thành cơ bản các chỉ tiêu 6 tháng; tổ chức nhiều hoạt động chung của Khối.",
    "limitations": "Việc cập nhật minh chứng chấm điểm còn chậm ở một số đơn vị.",
    "direction": "Sáu tháng cuối năm, tập trung hoàn thành các chỉ tiêu đã đăng ký.",
}


def _conferences_and_documents(term: Term, members: list, leader: User) -> None:
    """The conferences of 2023 and its documents, the year-end ones sent to the board: sending the
    third closes the year (the outgoing leader's rights on it end there)."""
    present = {m.pk: "" for m in members}
    head = members[0].unit  # Thanh tra tỉnh leads 2023
    common = {
        "chair_name": head.head_name,
        "chair_title": f"{head.head_title} {head.name}",
        "secretary_name": "Nguyễn Văn Bình",
        "secretary_title": f"Chánh Văn phòng {head.name}",
    }
    conference_services.conference_save(
        term=term, kind="signing", data={**common, "agenda": "Phát động thi đua; ký kết giao ước năm 2023."},
        present=present, lock_version=None, by=leader,
    )  # fmt: skip
    conference_services.conference_save(
        term=term, kind="midyear",
        data={**common, "date": date(2023, 7, 14), "place": "Hội trường Thanh tra tỉnh",
              "start_time": time(8, 0), "end_time": time(11, 0), "agenda": "Sơ kết 6 tháng đầu năm 2023."},
        present=present, lock_version=None, by=leader,
    )  # fmt: skip
    conference_services.conference_save(
        term=term, kind="yearend",
        data={**common, "date": date(2023, 12, 28), "place": "Hội trường Thanh tra tỉnh",
              "start_time": time(8, 0), "end_time": time(11, 30), "approved_count": len(members),
              "agenda": "Tổng kết năm 2023; chấm điểm, bình xét, suy tôn; bầu lãnh đạo Khối năm 2024.",
              "notes": "Hội nghị thống nhất kết quả chấm điểm và bình xét."},
        present=None, lock_version=None, by=leader,
    )  # fmt: skip
    # The vote-count minutes first: sending the year-end report, minutes and proposal closes the year.
    documents = [
        ("count_minutes", "", date(2023, 12, 28), {"notes": ""}, ballot)
        for ballot in term.ballots.order_by("pk")
    ]
    documents += [
        ("report_midyear", "12/BC-KTĐNC", date(2023, 7, 14), MIDYEAR_2023, None),
        ("report_yearend", "25/BC-KTĐNC", date(2023, 12, 28), REPORT_2023, None),
        ("minutes", "26/BB-KTĐNC", date(2023, 12, 28), {"notes": "Hội nghị thống nhất."}, None),
        ("proposal", "27/TTr-KTĐNC", date(2023, 12, 29), {"notes": ""}, None),
    ]
    for kind, number, day, sections, ballot in documents:
        document = document_services.document_start(term=term, kind=kind, ballot=ballot, by=leader)
        data = {"number": number, "place": PLACE, "date": day, "sections": sections}
        document = document_services.document_update(
            document=document, data=data, lock_version=None, by=leader
        )
        document_services.document_submit(document=document, by=leader)


def _year_end(year: int) -> datetime:
    return datetime(year, 12, 20, 17, 0, tzinfo=TZ)


def add_scoring(term: Term, by: User) -> None:
    if (
        term.bloc.name != NOI_CHINH
        or term.year not in (2023, 2024)
        or CriteriaSet.objects.filter(term=term).exists()
    ):
        return
    leader = _leader_user(term, by)
    members = list(term.memberships.select_related("unit").order_by("position"))
    if term.year == 2023:
        criteria_set = services.criteria_set_create(term=term, by=leader)
        _create_table(criteria_set, leader)
        main_group = criteria_set.criteria.get(code="I", kind=K.GROUP)
        rules = [{"rule": "group", "criterion": main_group.pk}, {"rule": "fewer_deductions"}]
        services.criteria_settings_update(
            criteria_set=criteria_set, data={"tie_break": rules}, lock_version=None, by=leader
        )
        services.scoring_open(
            criteria_set=criteria_set, deadline=timezone.now() + timedelta(days=1), by=leader
        )
        for member, values in zip(members, SELF, strict=False):
            _self_assess(criteria_set, member, values, submit=True)
        for index, (member, values) in enumerate(zip(members, SELF, strict=False)):
            _review(criteria_set, member, values, REVIEW.get(index, {}), by=leader)
        position, row, text, decided = EXPLAINED
        member = members[position]
        criterion = [c for c in criteria_set.criteria.in_order() if not c.is_group][row]
        user = User.objects.filter(unit_id=member.unit_id, is_active=True).first()
        explanation = services.explanation_file(
            criteria_set=criteria_set, subject=member, criterion=criterion, text=text, by=user
        )
        services.explanation_decide(
            explanation=explanation, points=D(decided), note="Chấp nhận giải trình.", by=leader
        )
        # The explanation window closes before the lock (the lowered scores were accepted).
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(explanation_deadline=timezone.now())
        criteria_set.refresh_from_db()
        services.scoring_lock(criteria_set=criteria_set, by=leader)
        services.ranking_publish(criteria_set=criteria_set, by=leader)
        _votes(term, members, leader)
        _conferences_and_documents(term, members, leader)
        CriteriaSet.objects.filter(pk=criteria_set.pk).update(
            deadline=_year_end(2023),
            locked_at=_year_end(2023) + timedelta(days=5),
            published_at=_year_end(2023) + timedelta(days=6),
        )
    else:
        source = CriteriaSet.objects.get(term__bloc=term.bloc, term__year=2023)
        criteria_set = services.criteria_set_create(term=term, source=source, by=leader)
        services.scoring_open(
            criteria_set=criteria_set, deadline=timezone.now() + timedelta(days=30), by=leader
        )
        # Five of eight have submitted; one is still drafting; two have not started (the member
        # persona's unit, Sở Tư pháp, among them).
        for member, values in zip(members[:5], SELF[:5], strict=True):
            if member.unit.name == "Sở Tư pháp":
                continue
            _self_assess(criteria_set, member, values, submit=True)
        _self_assess(criteria_set, members[5], SELF[5], submit=False)


def add_all(term: Term, by: User) -> None:
    add_agreements(term, by)
    add_scoring(term, by)


def load_demo():
    personas, created = load_blocs(on_open_term=add_all)
    # The board's deadline for signing 2024's agreements (first quarter): blocs that have not signed
    # show as overdue on the board's overview and on their leaders' dashboards.
    if not BoardDeadline.objects.filter(year=2024).exists():
        board = User.objects.get(username=PERSONAS[0].username)
        overview_services.deadlines_set(year=2024, dues={"agreement_signed": date(2024, 3, 31)}, by=board)
    return personas, created
