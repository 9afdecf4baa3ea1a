"""A large province for the load benchmark (`manage.py load_bench`, bench/README.md).

By default 30 blocs × 15 members × 5 years with 60 criteria per table: every past year complete
(agreement finalized and signed with its stored PDF, every sheet submitted and reviewed, final
scores, scoring locked and the ranking published, both votes closed from paper counts, the term
closed), and the current year in its last days before the scoring deadline (the agreement a draft
that every member has registered for, two thirds of the sheets submitted and reviewed, the others
drafts being filled in).

Speed: the rows whose number grows with members × criteria (scores, sheets, registrations, the
audit trail of every score) are written with `bulk_create`, with the values the services would
have written (points through `scoring.arithmetic`, final scores through `final_scores_refresh`). What
costs a fixed number of queries per term goes through the services themselves (the votes), and
the frozen agreement is `agreements.printing`'s own snapshot and PDF.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from agreements import printing
from agreements.models import Agreement, AgreementStatus, Commitment, Registration, Target
from agreements.services import default_closing_text, new_verification_code
from ballots import services as ballot_services
from ballots.models import Ballot, BallotKind, BallotMode
from blocs.documents import sha256
from blocs.models import (
    AuditEvent,
    Bloc,
    ChosenBy,
    Membership,
    Role,
    Term,
    TermStatus,
    Unit,
    UnitKind,
    UnitName,
    User,
)
from blocs.permissions import BOARD_GROUP
from blocs.roles import ensure_board_group
from board.models import BoardDeadline
from province.models import AwardCode
from scoring import arithmetic
from scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    Evidence,
    Explanation,
    FinalScore,
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)
from scoring.services import final_scores_refresh

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


SMALL = Size(blocs=2, members=4, years=2, criteria=8)


@dataclass
class Summary:
    """What was built, and the handles the load generator needs (bench/locustfile.py)."""

    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    blocs: list[dict] = field(default_factory=list)
    board: list[str] = field(default_factory=list)


def already_loaded(size: Size) -> bool:
    return User.objects.filter(username=size.prefix + BOARD_USERNAME).exists()


def load(size: Size = Size(), *, reuse_pdf: bool = False, progress: Callable[[str], None] = print) -> Summary:
    """Build the province in one transaction; `reuse_pdf` renders one agreement PDF per run instead
    of one per finalized agreement (each stored copy then prints the first one's verification code)."""
    started = time.monotonic()

    def say(message: str) -> None:
        progress(f"[{time.monotonic() - started:6.1f} s] {message}")

    with transaction.atomic():
        builder = _Builder(size, reuse_pdf=reuse_pdf, say=say)
        builder.build()
    summary = personas(size)
    summary.seconds = time.monotonic() - started
    say(f"done: {summary.counts}")
    return summary


def refresh_deadlines(size: Size) -> int:
    """A loaded data set stays usable on later runs: the open year's scoring deadline moves to 30
    days ahead when it is less than a week away."""
    soon = timezone.now() + timedelta(days=7)
    return CriteriaSet.objects.filter(
        term__bloc__name__startswith=size.prefix + "Khối thi đua số",
        state=ScoringState.OPEN,
        deadline__lt=soon,
    ).update(deadline=timezone.now() + timedelta(days=30))


def personas(size: Size) -> Summary:
    """The accounts and the pages of each bloc, read back from the database (for the load generator)."""
    summary = Summary(counts=row_counts())
    blocs = Bloc.objects.filter(name__startswith=size.prefix + "Khối thi đua số").order_by("pk")
    terms = Term.objects.filter(bloc__in=blocs).select_related("criteria_set").order_by("bloc_id", "year")
    by_bloc: dict[int, list[Term]] = {}
    for term in terms:
        by_bloc.setdefault(term.bloc_id, []).append(term)
    users = {u.unit_id: u.username for u in User.objects.filter(username__startswith=size.prefix + "bench-")}
    agreements = {
        a.term_id: a for a in Agreement.objects.current().filter(term__bloc__in=blocs).only("pk", "term_id")
    }
    drafts = set(
        Sheet.objects.filter(
            criteria_set__term__bloc__in=blocs, layer=Layer.SELF, status=SheetStatus.DRAFT
        ).values_list("subject_id", flat=True)
    )
    judged: dict[int, list[int]] = {}
    for criterion in Criterion.objects.filter(
        criteria_set__term__bloc__in=blocs, criteria_set__state=ScoringState.OPEN, kind=CriterionKind.POINTS
    ).order_by("pk"):
        judged.setdefault(criterion.criteria_set_id, []).append(criterion.pk)
    memberships = Membership.objects.filter(term__bloc__in=blocs).order_by("position")
    members_of: dict[int, list[Membership]] = {}
    for m in memberships:
        members_of.setdefault(m.term_id, []).append(m)
    for bloc in blocs:
        history = by_bloc.get(bloc.pk, [])
        if len(history) < 2:
            continue
        current, previous = history[-1], history[-2]
        members = members_of[current.pk]
        summary.blocs.append(
            {
                "bloc": bloc.pk,
                "term": current.pk,
                "year": current.year,
                "criteria_set": current.criteria_set.pk,
                "previous_criteria_set": previous.criteria_set.pk,
                "final_agreement": agreements[previous.pk].pk,
                "draft_agreement": agreements[current.pk].pk,
                "leader": next(users[m.unit_id] for m in members if m.role == Role.LEADER),
                "members": [users[m.unit_id] for m in members if m.role == Role.MEMBER],
                "drafting": [users[m.unit_id] for m in members if m.pk in drafts],
                # Judged criteria of this year's table (maximum 20, step 0,5): what a member edits.
                "judged": judged.get(current.criteria_set.pk, []),
            }
        )
    summary.board = [
        u.username for u in User.objects.filter(username__startswith=size.prefix + BOARD_USERNAME)
    ]
    return summary


def row_counts() -> dict[str, int]:
    models = {
        "units": Unit,
        "users": User,
        "blocs": Bloc,
        "terms": Term,
        "memberships": Membership,
        "agreements": Agreement,
        "registrations": Registration,
        "criteria": Criterion,
        "sheets": Sheet,
        "scores": Score,
        "final_scores": FinalScore,
        "ballots": Ballot,
        "audit_events": AuditEvent,
    }
    return {name: model.objects.count() for name, model in models.items()}


class _Builder:
    def __init__(self, size: Size, *, reuse_pdf: bool, say: Callable[[str], None]):
        self.size = size
        self.reuse_pdf = reuse_pdf
        self.say = say
        self.rng = random.Random(2026)  # noqa: S311 -- test data, not secrets
        self.password = make_password(BENCH_PASSWORD)  # hashed once: every bench account shares it
        self.pdf_bytes: bytes | None = None
        self.scan_name = ""
        self.evidence_name = ""
        self.pdf_seconds = 0.0
        self.pdf_count = 0

    # Structure ------------------------------------------------------------------------------------

    def build(self) -> None:
        s = self.size
        ensure_board_group()
        self.board = self._board()
        self.scan_name = default_storage.save("bench/signed-scan.pdf", ContentFile(TINY_PDF))
        self.evidence_name = default_storage.save("bench/evidence.pdf", ContentFile(TINY_PDF))
        self.say(f"{s.blocs} blocs × {s.members} members × {s.years} years ({s.first_year}–{s.year}), "
                 f"{s.criteria} criteria per table")  # fmt: skip
        for b in range(s.blocs):
            self._bloc(b)
            self.say(
                f"bloc {b + 1}/{s.blocs} ({self.pdf_count} PDFs rendered in {self.pdf_seconds:.1f} s so far)"
            )
        closed = list(
            Term.objects.filter(
                bloc__name__startswith=s.prefix + "Khối thi đua số", year__lt=s.year
            ).select_for_update()
        )
        for term in closed:
            term.status, term.closed_at = TermStatus.CLOSED, _at(term.year + 1, 1, 20)
        Term.objects.bulk_update(closed, ["status", "closed_at"])
        for item, due in (
            ("agreement_signed", date(s.year, 3, 31)),
            ("scoring_locked", date(s.year, 12, 31)),
        ):
            BoardDeadline.objects.get_or_create(year=s.year, item=item, defaults={"due": due})

    def _board(self) -> User:
        s = self.size
        unit, _ = Unit.objects.get_or_create(
            name=s.prefix + "Ban Thi đua – Khen thưởng tỉnh (bench)",
            defaults={"kind": UnitKind.BOARD, "short_name": "Ban TĐKT", "parent_name": "SỞ NỘI VỤ"},
        )
        group = Group.objects.get(name=BOARD_GROUP)
        users = User.objects.bulk_create(
            User(username=s.prefix + BOARD_USERNAME + suffix, full_name=f"Cán bộ Ban TĐKT {n}",
                 job_title="Chuyên viên", unit=unit, password=self.password)
            for n, suffix in enumerate(["", "2", "3"], 1)
        )  # fmt: skip
        for user in users:
            user.groups.add(group)
        return users[0]

    def _bloc(self, b: int) -> None:
        s = self.size
        bloc = Bloc.objects.create(
            name=f"{s.prefix}Khối thi đua số {b + 1}",
            short_name=f"Khối thi đua số {b + 1}",
            number=f"Khối thi đua số {b + 1}",
            description="Khối thi đua của dữ liệu đo tải.",
        )
        units = Unit.objects.bulk_create(
            Unit(
                name=f"{s.prefix}{KINDS[(b + m) % len(KINDS)]} {b + 1:02d}-{m + 1:02d}",
                short_name=f"ĐV {b + 1:02d}-{m + 1:02d}",
                parent_name="UBND TỈNH",
                head_title="Giám đốc",
                head_name=f"{HEADS[(b + m) % len(HEADS)]} {GIVEN[(b * 7 + m) % len(GIVEN)]}",
            )
            for m in range(s.members)
        )
        # One unit in five was renamed after the first years (pages of those years show the old name).
        UnitName.objects.bulk_create(
            UnitName(
                unit=u, name=f"Tên cũ của {u.name}", short_name=u.short_name, until_year=s.first_year + 1
            )
            for u in units[::5]
        )
        users = User.objects.bulk_create(
            User(username=f"{s.prefix}bench-b{b + 1:02d}m{m + 1:02d}", full_name=f"Cán bộ {u.short_name}",
                 job_title="Chánh Văn phòng", unit=u, password=self.password)
            for m, u in enumerate(units)
        )  # fmt: skip
        self.user_of = {u.unit_id: u for u in users}
        for y, year in enumerate(range(s.first_year, s.year + 1)):
            self._term(bloc, units, y, year)

    def _term(self, bloc: Bloc, units: list[Unit], y: int, year: int) -> None:
        s = self.size
        term = Term.objects.create(
            bloc=bloc, year=year, decision_number=f"{10 + y}/QĐ-UBND", decision_date=date(year, 1, 10)
        )
        # Rotation: this year's deputy leads next year.
        roles = [Role.MEMBER] * len(units)
        roles[(y + 1) % s.members] = Role.DEPUTY
        roles[y % s.members] = Role.LEADER
        memberships = Membership.objects.bulk_create(
            Membership(
                term=term, unit=u, year=year, position=m + 1, role=roles[m],
                chosen_by="" if roles[m] == Role.MEMBER else ChosenBy.ELECTED,
            )
            for m, u in enumerate(units)
        )  # fmt: skip
        leader = roles.index(Role.LEADER)
        leader_user = self.user_of[units[leader].pk]
        past = year < s.year
        self._agreement(term, memberships, leader_user, final=past)
        criteria_set, criteria = self._criteria(term, past=past)
        self._sheets(term, criteria_set, criteria, memberships, past=past)
        if past:
            self._votes(term, leader_user)

    # Agreement ------------------------------------------------------------------------------------

    def _agreement(
        self, term: Term, memberships: list[Membership], leader: User, *, final: bool
    ) -> Agreement:
        year = term.year
        agreement = Agreement.objects.create(
            term=term,
            title=f"Giao ước thi đua năm {year}",
            number=f"01/GƯ-K{term.bloc_id}",
            basis=f"Kế hoạch số 18/KH-UBND ngày 25/01/{year} của UBND tỉnh\n"
            f"Quyết định số {term.decision_number} ngày 10/01/{year} của UBND tỉnh",
            theme="Đoàn kết, kỷ cương, đổi mới, sáng tạo, hoàn thành xuất sắc nhiệm vụ",
            place="Quảng Ngãi",
            venue=str(memberships[0].unit),
            conference_date=date(year, 2, 27),
            copies=len(memberships) + 1,
            closing_text=default_closing_text(year),
            created_at=_at(year, 2, 1),
        )
        Commitment.objects.bulk_create(
            Commitment(agreement=agreement, position=i, text=text) for i, text in enumerate(COMMITMENTS, 1)
        )
        registrations = Registration.objects.bulk_create(
            Registration(
                agreement=agreement, membership=m, awards=list(AWARD_SETS[i % len(AWARD_SETS)]),
                slogan="Đoàn kết, kỷ cương, sáng tạo, hiệu quả" if i % 4 == 0 else "",
                signer_prefix="KT. GIÁM ĐỐC" if i % 3 == 1 else "",
                signer_title="Phó Giám đốc" if i % 3 == 1 else m.unit.head_title,
                signer_name=m.unit.head_name, updated_at=_at(year, 2, 10), updated_by=self.user_of[m.unit_id],
            )
            for i, m in enumerate(memberships)
        )  # fmt: skip
        Target.objects.bulk_create(
            Target(registration=r, position=i, indicator=text, value=value, unit_of_measure=uom)
            for r in registrations
            for i, (text, value, uom) in enumerate(INDICATORS, 1)
        )
        events = [
            _event(
                leader, "agreement.start", agreement, term, _at(year, 2, 1), new={"title": agreement.title}
            )
        ]
        if final:
            frozen = printing.snapshot(agreement)
            code = new_verification_code()
            pdf = self._pdf(frozen, code)
            agreement.frozen, agreement.verification_code = frozen, code
            agreement.final_sha256 = sha256(pdf)
            agreement.final_pdf.save("final.pdf", ContentFile(pdf), save=False)
            agreement.status = AgreementStatus.SIGNED
            agreement.finalized_at, agreement.finalized_by = _at(year, 2, 20), leader
            agreement.signed_scan.name = self.scan_name
            agreement.signed_on, agreement.signed_at, agreement.signed_by = (
                date(year, 2, 27),
                _at(year, 3, 1),
                leader,
            )
            agreement.lock_version = 2
            agreement.save()
            events += [
                _event(leader, "agreement.finalize", agreement, term, agreement.finalized_at,
                       old={"status": "draft"}, new={"status": "final", "sha256": agreement.final_sha256}),
                _event(leader, "agreement.sign", agreement, term, agreement.signed_at,
                       old={"status": "final"}, new={"status": "signed"}),
            ]  # fmt: skip
        AuditEvent.objects.bulk_create(events)
        return agreement

    def _pdf(self, frozen: dict, code: str) -> bytes:
        if self.reuse_pdf and self.pdf_bytes is not None:
            return self.pdf_bytes
        started = time.monotonic()
        pdf = printing.render(frozen, draft=False, code=code)
        self.pdf_seconds += time.monotonic() - started
        self.pdf_count += 1
        self.pdf_bytes = pdf
        return pdf

    # Criteria ------------------------------------------------------------------------------------

    def _criteria(self, term: Term, *, past: bool) -> tuple[CriteriaSet, list[Criterion]]:
        year = term.year
        fields = {}
        if past:
            fields = {
                "state": ScoringState.LOCKED,
                "deadline": _at(year, 12, 15),
                "opened_at": _at(year, 11, 20),
                "locked_at": _at(year, 12, 22),
                "published_at": _at(year, 12, 23),
            }
        else:
            now = timezone.now()
            fields = {"state": ScoringState.OPEN, "deadline": now + timedelta(days=30), "opened_at": now}
        criteria_set = CriteriaSet.objects.create(
            term=term,
            name=f"Bảng tiêu chí chấm điểm thi đua năm {year}",
            created_at=_at(year, 11, 1),
            **fields,
        )
        scored, bonus, deduction = _kinds(self.size.criteria)
        groups = Criterion.objects.bulk_create(
            Criterion(criteria_set=criteria_set, position=i, code=code, text=text, kind=CriterionKind.GROUP)
            for i, (code, text) in enumerate(
                [*zip(("I", "II", "III"), GROUPS, strict=True), ("IV", "Điểm thưởng"), ("V", "Điểm trừ")], 1
            )
        )  # fmt: skip
        rows: list[Criterion] = []
        per_group = -(-len(scored) // 3)
        for i, kind in enumerate(scored):
            rows.append(_criterion(criteria_set, groups[i // per_group], i % per_group + 1, kind, i))
        for i, kind in enumerate(bonus):
            rows.append(_criterion(criteria_set, groups[3], i + 1, kind, i))
        for i, kind in enumerate(deduction):
            rows.append(_criterion(criteria_set, groups[4], i + 1, kind, i))
        Criterion.objects.bulk_create(rows)
        main = groups[0]
        criteria_set.tie_break = [{"rule": "group", "criterion": main.pk}, {"rule": "fewer_deductions"}]
        criteria_set.save(update_fields=["tie_break"])
        return criteria_set, rows

    # Sheets --------------------------------------------------------------------------------------

    def _sheets(self, term, criteria_set, criteria, memberships, *, past: bool) -> None:
        year = term.year
        leader = next(m for m in memberships if m.role == Role.LEADER)
        deputy = next((m for m in memberships if m.role == Role.DEPUTY), leader)
        targets = {text: value for text, value, _uom in INDICATORS}
        # This year: two thirds submitted and reviewed, the others still drafting (the leader's and
        # the deputy's units always submitted: they review the others).
        submitted = [m for m in memberships if past or m.role != Role.MEMBER or m.position % 3 != 1]
        when = _at(year, 12, 10) if past else timezone.now() - timedelta(days=2)
        sheets = []
        for m in memberships:
            done = m in submitted
            user = self.user_of[m.unit_id]
            sheets.append(
                Sheet(
                    criteria_set=criteria_set, subject=m, layer=Layer.SELF,
                    status=SheetStatus.SUBMITTED if done else SheetStatus.DRAFT,
                    submitted_at=when if done else None, submitted_by=user if done else None,
                    lock_version=3, updated_at=when, updated_by=user,
                )
            )  # fmt: skip
        for m in submitted:
            reviewer = deputy if m == leader else leader
            sheets.append(
                Sheet(
                    criteria_set=criteria_set, subject=m, layer=Layer.LEADER, reviewer=reviewer,
                    status=SheetStatus.SUBMITTED, submitted_at=when + timedelta(days=3),
                    submitted_by=self.user_of[reviewer.unit_id], lock_version=2,
                    updated_at=when + timedelta(days=3), updated_by=self.user_of[reviewer.unit_id],
                )
            )  # fmt: skip
        sheets = Sheet.objects.bulk_create(sheets)
        scores, events, evidence = [], [], []
        self_values: dict[int, dict[int, Score]] = {}
        for sheet in sheets:
            m = sheet.subject
            user = self.user_of[(sheet.reviewer or m).unit_id]
            if sheet.layer == Layer.SELF:
                filled = criteria if m in submitted else criteria[: max(1, len(criteria) * 4 // 5)]
                cells = {c.pk: self._self_cell(c, targets) for c in filled}
                self_values[m.pk] = cells
                evidence.append(
                    Evidence(sheet=sheet, criterion=criteria[0], file=self.evidence_name,
                             file_kind="pdf", original_name="bao-cao-tong-ket.pdf", size=len(TINY_PDF),
                             sha256="0" * 64, uploaded_at=when, uploaded_by=user)
                )  # fmt: skip
            else:
                cells = dict(self_values[m.pk])
                judged = [c for c in criteria if c.kind == CriterionKind.POINTS]
                for c in self.rng.sample(judged, k=min(2, len(judged))):
                    lowered = max(D(0), cells[c.pk][0] - 2 * c.step)
                    cells[c.pk] = (lowered, None, "Chưa đủ minh chứng cho nội dung này.")
            for c in criteria:
                if c.pk not in cells:
                    continue
                points, quantity, note = cells[c.pk]
                score = Score(sheet=sheet, criterion=c, kind=c.kind, points=points, quantity=quantity,
                              target_value=targets.get(c.indicator) if c.indicator else None, note=note,
                              updated_at=sheet.updated_at)  # fmt: skip
                scores.append(score)
                action = "score.self" if sheet.layer == Layer.SELF else "score.review"
                new = {"points": str(points), "quantity": None if quantity is None else str(quantity)}
                events.append(_event(user, action, score, term, sheet.updated_at, new=new))
            if sheet.is_submitted:
                events.append(
                    _event(user, "sheet.submit" if sheet.layer == Layer.SELF else "review.submit", sheet,
                           term, sheet.submitted_at, old={"status": "draft"}, new={"status": "submitted"})
                )  # fmt: skip
        Score.objects.bulk_create(scores, batch_size=5000)
        for event, score in zip((e for e in events if e.object_type == "scoring.score"), scores, strict=True):
            event.object_id = str(score.pk)
        AuditEvent.objects.bulk_create(events, batch_size=5000)
        Evidence.objects.bulk_create(evidence)
        if past and len(submitted) > 2:
            # One member explained a lowered score; the leader accepted it.
            subject = submitted[2]
            review = next(s for s in sheets if s.layer == Layer.LEADER and s.subject_id == subject.pk)
            lowered = next(
                sc for sc in scores
                if sc.sheet_id == review.pk and sc.note.startswith("Chưa đủ")
            )  # fmt: skip
            Explanation.objects.create(
                criteria_set=criteria_set, subject=subject, criterion=lowered.criterion,
                text="Đơn vị đã bổ sung minh chứng (báo cáo số 15/BC ngày 12/12).",
                filed_at=when + timedelta(days=4), filed_by=self.user_of[subject.unit_id],
                decided_points=self_values[subject.pk][lowered.criterion_id][0],
                decision_note="Chấp nhận giải trình.", decided_at=when + timedelta(days=5),
                decided_by=self.user_of[leader.unit_id],
            )  # fmt: skip
        final_scores_refresh(criteria_set=criteria_set, subjects=memberships)

    def _self_cell(self, c: Criterion, targets: dict) -> tuple[Decimal, Decimal | None, str]:
        """(points, quantity, note) as a member types them, computed by the scoring rules."""
        rng = self.rng
        quantity = points = None
        if c.kind == CriterionKind.TARGET:
            quantity = D(rng.randint(85, 100))
        elif c.kind == CriterionKind.OCCURRENCE:
            quantity = D(rng.randint(0, 6))
        elif c.kind == CriterionKind.PASS_FAIL:
            points = c.max_points if rng.random() < 0.9 else D(0)
        elif c.kind in (CriterionKind.BONUS, CriterionKind.DEDUCTION):
            points = c.step * rng.randint(0, 2) if rng.random() < 0.3 else D(0)
        else:
            points = c.max_points - c.step * rng.randint(0, 4)
        target = targets.get(c.indicator) if c.indicator else None
        stored = arithmetic.points_from_input(c, points=points, quantity=quantity, target=target)
        note = "Theo báo cáo tổng kết năm." if rng.random() < 0.5 else ""
        return stored, quantity, note

    # Votes ---------------------------------------------------------------------------------------

    def _votes(self, term: Term, leader: User) -> None:
        """The year-end votes from paper ballots: the leading unit (quota 1) and the Bằng khen
        proposals (quota 3), counted and closed through the services."""
        present = term.memberships.count()
        for kind, award, quota in (
            (BallotKind.LEADING, "", 1),
            (BallotKind.AWARD, AwardCode.MERIT_PROVINCE, 3),
        ):
            quota = min(quota, present)
            ballot = ballot_services.ballot_create(
                term=term, kind=kind, award=award, mode=BallotMode.PAPER, quota=quota, by=leader
            )
            ballot = ballot_services.ballot_open(ballot=ballot, by=leader)
            candidates = list(ballot.candidates.order_by("position").values_list("pk", flat=True))
            valid = max(present - 1, 1)
            votes = dict.fromkeys(candidates, 0)
            for i, pk in enumerate(candidates[:quota]):
                votes[pk] = valid - i
            spare = valid * quota - sum(votes.values())
            for pk in candidates[quota:]:
                if spare <= 0:
                    break
                votes[pk], spare = 1, spare - 1
            ballot_services.ballot_counts_save(
                ballot=ballot, issued=present, returned=present, valid=valid, invalid=present - valid,
                votes=votes, lock_version=None, by=leader,
            )  # fmt: skip
            ballot_services.ballot_close(ballot=ballot, by=leader)


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
