"""The builder behind `bench.data.load`: the rows of the benchmark's province, written the way the
services would have written them (see bench/data.py for what it builds and why it is fast)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from agreements import printing
from agreements.models import Agreement, AgreementStatus, Commitment, Registration, Target
from agreements.services import default_closing_text, new_verification_code
from ballots import services as ballot_services
from ballots.models import BallotKind, BallotMode
from bench.content import (
    AWARD_SETS,
    BENCH_PASSWORD,
    BOARD_USERNAME,
    COMMITMENTS,
    GIVEN,
    GROUPS,
    HEADS,
    INDICATORS,
    KINDS,
    TINY_PDF,
    D,
    Size,
    _at,
    _criterion,
    _event,
    _kinds,
)
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
    Layer,
    Score,
    ScoringState,
    Sheet,
    SheetStatus,
)
from scoring.services import final_scores_refresh


class Builder:
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
