"""The vote (bình xét, suy tôn): ballots with their candidates and the members present, the online
secret ballot, the paper count, closing with the result, and the run-off of a tie at the quota.

Secrecy: a cast adds the unit to the participation register and writes its marks as `BallotChoice`
rows that name the ballot and the candidate only. The audit event of a cast names the unit, never
its choices. No count leaves the server before the ballot closes (the pages never read them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from ballots.models import (
    Ballot,
    BallotCandidate,
    BallotChoice,
    BallotKind,
    BallotMode,
    BallotParticipation,
    BallotPresence,
    BallotState,
    ThresholdBase,
)
from blocs.audit import audit_record
from blocs.models import Membership, Term, User
from province import catalogue

try:
    from scoring.selectors import ranked_memberships
except ImportError:  # ranking is written alongside; until it lands, candidates follow the decision's order
    ranked_memberships = None

STALE = "Người khác vừa sửa cuộc bỏ phiếu này. Hãy tải lại trang để xem bản mới nhất rồi nhập lại."
ALREADY_VOTED = "Đơn vị đã bỏ phiếu."
SETTING_FIELDS = [
    "title",
    "award",
    "mode",
    "quota",
    "threshold_percent",
    "threshold_strict",
    "threshold_base",
]
COUNT_FIELDS = ["issued", "returned", "valid", "invalid"]
MAX_QUOTA = 100
MAX_COUNT = 100_000
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
RUNOFF_PREFIX = "Bầu lại: "
_RANDOM = secrets.SystemRandom()


# Defaults ---------------------------------------------------------------------------------------


def default_title(*, kind: str, award: str, year: int) -> str:
    if kind == BallotKind.AWARD and award:
        return f"Đề nghị tặng {catalogue.label(award)}"
    return f"Bầu đơn vị dẫn đầu Khối thi đua năm {year}"


def default_candidates(term: Term) -> list[Membership]:
    """The term's members in rank order when the ranking exists, else in the formation decision's order."""
    if ranked_memberships is not None:
        return list(ranked_memberships(term))
    return list(term.memberships.order_by("position", "pk"))


# Reads ------------------------------------------------------------------------------------------


def has_counts(ballot: Ballot) -> bool:
    """Whether the paper count has been entered (a yes or no; the numbers stay hidden until closing)."""
    return ballot.issued is not None


def percentage(votes: int, denominator: int) -> Decimal:
    """votes × 100 / denominator, half-up to two decimals (0 when nobody could vote)."""
    if denominator <= 0:
        return Decimal("0.00")
    return (Decimal(votes) * HUNDRED / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def ballot_result(
    *,
    candidates: Sequence[Mapping],
    quota: int,
    threshold_percent: Decimal,
    threshold_strict: bool,
    denominator: int,
) -> dict:
    """The result from the votes: who passed the threshold, who is selected (up to the quota, by votes),
    and the tie at the quota's boundary that only a run-off can settle.

    `candidates` are mappings with `candidate`, `membership`, `unit`, `position`, `votes`. Nothing is
    picked silently: when the last seat's votes are shared by more passing candidates than seats are
    left, none of them is selected and they are listed in `tie`.
    """
    rows = []
    for c in candidates:
        pct = percentage(c["votes"], denominator)
        passed = pct > threshold_percent if threshold_strict else pct >= threshold_percent
        rows.append({**c, "pct": pct, "passed": passed, "selected": False})
    rows.sort(key=lambda r: (-r["votes"], r["position"], r["membership"]))
    passing = [r for r in rows if r["passed"]]
    tie: list[dict] = []
    if len(passing) > quota and passing[quota - 1]["votes"] == passing[quota]["votes"]:
        boundary = passing[quota - 1]["votes"]
        chosen = [r for r in passing if r["votes"] > boundary]
        tie = [r for r in passing if r["votes"] == boundary]
    else:
        chosen = passing[:quota]
    for r in chosen:
        r["selected"] = True

    def public(r: dict) -> dict:
        return {
            "candidate": r["candidate"],
            "membership": r["membership"],
            "unit": r["unit"],
            "votes": r["votes"],
            "pct": str(r["pct"]),
            "passed": r["passed"],
            "selected": r["selected"],
        }

    return {
        "candidates": [public(r) for r in rows],
        "selected": [public(r) for r in chosen],
        "tie": [public(r) for r in tie],
        "seats_left": quota - len(chosen) if tie else 0,
        "denominator": denominator,
        "quota": quota,
        "threshold": str(threshold_percent),
        "strict": threshold_strict,
    }


def counts_errors(
    *,
    present: int,
    quota: int,
    issued: object,
    returned: object,
    valid: object,
    invalid: object,
    votes: Mapping[int, object],
) -> dict[str, str]:
    """Why a paper count cannot be right, by field (`issued`… and `v<candidate id>`), or {}."""
    errors: dict[str, str] = {}
    fields = {"issued": issued, "returned": returned, "valid": valid, "invalid": invalid}
    fields |= {f"v{cid}": value for cid, value in votes.items()}
    for name, value in fields.items():
        if not _is_count(value):
            errors[name] = "Nhập một số nguyên từ 0 trở lên."

    def ok(*names: str) -> bool:
        return not any(n in errors for n in names)

    if ok("issued") and issued > present:
        errors["issued"] = f"Số phiếu phát ra ({issued}) không được vượt số thành viên có mặt ({present})."
    if ok("issued", "returned") and returned > issued:
        errors["returned"] = f"Số phiếu thu về ({returned}) không được vượt số phiếu phát ra ({issued})."
    if ok("returned", "valid", "invalid") and valid + invalid != returned:
        errors["invalid"] = (
            f"Số phiếu hợp lệ ({valid}) cộng số phiếu không hợp lệ ({invalid}) phải bằng số phiếu thu về "
            f"({returned})."
        )
    if ok("valid"):
        for cid, value in votes.items():
            if ok(f"v{cid}") and value > valid:
                errors[f"v{cid}"] = f"Số phiếu bầu ({value}) không được vượt số phiếu hợp lệ ({valid})."
        if all(ok(f"v{cid}") for cid in votes):
            total = sum(votes.values())
            if total > valid * quota:
                errors[NON_FIELD_ERRORS] = (
                    f"Tổng số phiếu bầu cho các đơn vị ({total}) không được vượt số phiếu hợp lệ nhân "
                    f"số đơn vị được chọn ({valid} × {quota} = {valid * quota}). Phiếu chọn quá {quota} "
                    "đơn vị là phiếu không hợp lệ."
                )
    return errors


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


# Shared checks ----------------------------------------------------------------------------------


def _locked(ballot: Ballot) -> Ballot:
    return Ballot.objects.select_for_update(of=("self",)).select_related("term__bloc").get(pk=ballot.pk)


def _ensure_term_open(ballot: Ballot) -> None:
    if not ballot.term.is_open:
        raise ValidationError(f"Năm thi đua {ballot.term.year} đã kết thúc; dữ liệu chỉ còn để xem.")


def _ensure_draft(ballot: Ballot) -> None:
    _ensure_term_open(ballot)
    if ballot.state != BallotState.DRAFT:
        raise ValidationError("Đã mở bỏ phiếu: cài đặt và danh sách không sửa được nữa.")


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise ValidationError(STALE, code="stale")


def _settings_errors(values: Mapping) -> dict[str, str]:
    errors = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Ghi tên cuộc bỏ phiếu."
    elif len(title) > 300:
        errors["title"] = "Tên cuộc bỏ phiếu tối đa 300 ký tự."
    if values.get("award") and values["award"] not in catalogue.codes():
        errors["award"] = "Danh hiệu, hình thức khen thưởng không có trong danh sách."
    if values.get("mode") not in BallotMode.values:
        errors["mode"] = "Chọn hình thức bỏ phiếu."
    quota = values.get("quota")
    if not _is_count(quota) or not 1 <= quota <= MAX_QUOTA:
        errors["quota"] = f"Số đơn vị được chọn phải từ 1 đến {MAX_QUOTA}."
    threshold = values.get("threshold_percent")
    if not isinstance(threshold, Decimal) or not Decimal(0) < threshold <= HUNDRED:
        errors["threshold_percent"] = "Ngưỡng phải lớn hơn 0 và không quá 100 (%)."
    elif threshold != threshold.quantize(CENT):
        errors["threshold_percent"] = "Ngưỡng có tối đa hai chữ số thập phân."
    if values.get("threshold_base") not in ThresholdBase.values:
        errors["threshold_base"] = "Chọn cách tính tỷ lệ."
    return errors


def _settings_snapshot(ballot: Ballot) -> dict:
    return {
        f: str(getattr(ballot, f)) if f == "threshold_percent" else getattr(ballot, f) for f in SETTING_FIELDS
    }


# Creating and preparing -------------------------------------------------------------------------


@transaction.atomic
def ballot_create(
    *,
    term: Term,
    kind: str,
    title: str = "",
    award: str = "",
    mode: str = BallotMode.ONLINE,
    quota: int = 1,
    threshold_percent: Decimal = Decimal(50),
    threshold_strict: bool = True,
    threshold_base: str = ThresholdBase.PRESENT,
    by: User | None,
) -> Ballot:
    """A draft ballot of the term; every member is a candidate (in rank order) and present."""
    term = Term.objects.select_for_update().select_related("bloc").get(pk=term.pk)
    if not term.is_open:
        raise ValidationError(f"Năm thi đua {term.year} đã kết thúc; dữ liệu chỉ còn để xem.")
    if kind not in (BallotKind.LEADING, BallotKind.AWARD):
        raise ValidationError({"kind": "Chọn bầu đơn vị dẫn đầu hoặc đề nghị khen thưởng."})
    if kind == BallotKind.AWARD and not award:
        raise ValidationError({"award": "Chọn danh hiệu, hình thức khen thưởng được đề nghị."})
    settings = {
        "title": (title or "").strip() or default_title(kind=kind, award=award, year=term.year),
        "award": award or "",
        "mode": mode,
        "quota": quota,
        "threshold_percent": threshold_percent,
        "threshold_strict": bool(threshold_strict),
        "threshold_base": threshold_base,
    }
    errors = _settings_errors(settings)
    if errors:
        raise ValidationError(errors)
    members = default_candidates(term)
    if not members:
        raise ValidationError("Khối chưa có thành viên năm nay.")
    ballot = Ballot.objects.create(term=term, kind=kind, **settings)
    BallotCandidate.objects.bulk_create(
        BallotCandidate(ballot=ballot, membership=m, position=i) for i, m in enumerate(members, 1)
    )
    BallotPresence.objects.bulk_create(BallotPresence(ballot=ballot, membership=m) for m in members)
    audit_record(
        actor=by,
        action="ballot.create",
        obj=ballot,
        term=term,
        new={
            "kind": kind,
            **_settings_snapshot(ballot),
            "candidates": [m.pk for m in members],
            "present": [m.pk for m in members],
        },
    )
    return ballot


@transaction.atomic
def ballot_update(
    *,
    ballot: Ballot,
    settings: Mapping,
    candidates: Mapping[int, tuple[bool, str]] | None = None,
    present: Mapping[int, str] | None = None,
    lock_version: int | None,
    by: User | None,
) -> Ballot:
    """Edit a draft: its settings, each candidate's eligibility (`{candidate id: (eligible, reason)}`;
    an ineligible one needs a reason) and who is present (`{membership id: representative}`; a member
    left out is absent; None leaves the presence as it is). Every error is collected first; one error
    saves nothing."""
    candidates = candidates or {}
    ballot = _locked(ballot)
    _ensure_draft(ballot)
    _check_version(ballot.lock_version, lock_version)
    values = {f: settings.get(f, getattr(ballot, f)) for f in SETTING_FIELDS}
    values["title"] = (values["title"] or "").strip()
    values["award"] = values["award"] or ""
    errors = _settings_errors(values)
    if ballot.kind == BallotKind.AWARD and not values["award"]:
        errors["award"] = "Chọn danh hiệu, hình thức khen thưởng được đề nghị."
    existing = {c.pk: c for c in ballot.candidates.all()}
    for cid, (eligible, reason) in candidates.items():
        if cid not in existing:
            raise ValidationError("Danh sách ứng viên đã thay đổi; hãy tải lại trang.")
        reason = (reason or "").strip()
        if not eligible and not reason:
            errors[f"r{cid}"] = "Ghi lý do không đưa đơn vị vào danh sách bầu."
        elif len(reason) > 500:
            errors[f"r{cid}"] = "Lý do tối đa 500 ký tự."
    member_ids = set(ballot.term.memberships.values_list("pk", flat=True))
    for mid, representative in (present or {}).items():
        if mid not in member_ids:
            raise ValidationError("Danh sách thành viên đã thay đổi; hãy tải lại trang.")
        if len((representative or "").strip()) > 200:
            errors[f"rep{mid}"] = "Tên người đại diện tối đa 200 ký tự."
    if errors:
        raise ValidationError(errors)

    old, new = {}, {}
    before = _settings_snapshot(ballot)
    for field, value in values.items():
        setattr(ballot, field, value)
    after = _settings_snapshot(ballot)
    for key in SETTING_FIELDS:
        if before[key] != after[key]:
            old[key], new[key] = before[key], after[key]

    changed_candidates = []
    for cid, (eligible, reason) in candidates.items():
        candidate = existing[cid]
        reason = "" if eligible else reason.strip()
        if (candidate.eligible, candidate.ineligible_reason) != (eligible, reason):
            changed_candidates.append(
                {
                    "candidate": cid,
                    "membership": candidate.membership_id,
                    "eligible": eligible,
                    "reason": reason,
                }
            )
            candidate.eligible, candidate.ineligible_reason = eligible, reason
            candidate.save(update_fields=["eligible", "ineligible_reason"])
    if changed_candidates:
        new["candidates"] = changed_candidates

    was_present = {p.membership_id: p for p in ballot.present.all()}
    wanted = (
        {mid: (rep or "").strip() for mid, rep in (present or {}).items()}
        if present is not None
        else {mid: p.representative for mid, p in was_present.items()}
    )
    gone = sorted(set(was_present) - set(wanted))
    if gone:
        BallotPresence.objects.filter(ballot=ballot, membership_id__in=gone).delete()
        old["present"] = gone
    came = sorted(set(wanted) - set(was_present))
    BallotPresence.objects.bulk_create(
        BallotPresence(ballot=ballot, membership_id=mid, representative=wanted[mid]) for mid in came
    )
    if came:
        new["present"] = came
    renamed = {}
    for mid, presence in was_present.items():
        if mid in wanted and presence.representative != wanted[mid]:
            presence.representative = wanted[mid]
            presence.save(update_fields=["representative"])
            renamed[str(mid)] = wanted[mid]
    if renamed:
        new["representatives"] = renamed

    if old or new:
        ballot.lock_version += 1
        ballot.save()
        audit_record(actor=by, action="ballot.update", obj=ballot, term=ballot.term, old=old or None, new=new)
    return ballot


@transaction.atomic
def ballot_open(*, ballot: Ballot, by: User | None) -> Ballot:
    """Open the vote: from now on the settings, the candidates and the members present are frozen."""
    ballot = _locked(ballot)
    _ensure_draft(ballot)
    present = list(ballot.present.values_list("membership_id", flat=True))
    eligible = list(ballot.candidates.filter(eligible=True).values_list("membership_id", flat=True))
    problems = []
    if not present:
        problems.append("Chưa có thành viên nào có mặt.")
    if not eligible:
        problems.append("Chưa có đơn vị nào trong danh sách bầu.")
    if problems:
        raise ValidationError(problems)
    ballot.state = BallotState.OPEN
    ballot.opened_at = timezone.now()
    ballot.lock_version += 1
    ballot.save()
    audit_record(
        actor=by,
        action="ballot.open",
        obj=ballot,
        term=ballot.term,
        old={"state": BallotState.DRAFT},
        new={"state": BallotState.OPEN, "present": sorted(present), "eligible": sorted(eligible)},
    )
    return ballot


# Voting -----------------------------------------------------------------------------------------


@transaction.atomic
def ballot_cast(
    *, ballot: Ballot, membership: Membership, candidate_ids: Iterable[int], by: User | None
) -> BallotParticipation:
    """The online secret ballot of one present unit: at most `quota` eligible candidates, none for a
    blank ballot. The participation register's unique constraint makes a second cast of the unit
    impossible; the choices carry no unit, user or time, and the audit event carries no choice."""
    ballot = _locked(ballot)
    _ensure_term_open(ballot)
    if ballot.state != BallotState.OPEN:
        raise ValidationError(
            "Cuộc bỏ phiếu đã kết thúc." if ballot.state == BallotState.CLOSED else "Chưa mở bỏ phiếu."
        )
    if ballot.mode != BallotMode.ONLINE:
        raise ValidationError("Cuộc bỏ phiếu này dùng phiếu giấy tại hội nghị.")
    if (
        membership.term_id != ballot.term_id
        or not BallotPresence.objects.filter(ballot=ballot, membership=membership).exists()
    ):
        raise ValidationError(
            "Đơn vị không có tên trong danh sách thành viên có mặt nên không bỏ phiếu được."
        )
    if BallotParticipation.objects.filter(ballot=ballot, membership=membership).exists():
        raise ValidationError(ALREADY_VOTED, code="voted")
    chosen = set(candidate_ids)
    eligible = set(ballot.candidates.filter(eligible=True).values_list("pk", flat=True))
    if not chosen <= eligible:
        raise ValidationError("Phiếu có đơn vị không thuộc danh sách bầu; hãy tải lại trang.")
    if len(chosen) > ballot.quota:
        raise ValidationError(
            f"Chỉ được chọn tối đa {ballot.quota} đơn vị; bạn đã chọn {len(chosen)}. "
            "Phiếu chưa được ghi nhận."
        )
    try:
        with transaction.atomic():
            participation = BallotParticipation.objects.create(ballot=ballot, membership=membership)
    except IntegrityError as exc:  # another request of the same unit won the race
        raise ValidationError(ALREADY_VOTED, code="voted") from exc
    BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, candidate_id=cid) for cid in sorted(chosen))
    audit_record(
        actor=by,
        action="ballot.cast",
        obj=ballot,
        term=ballot.term,
        new={"voted": membership.pk},
    )
    return participation


# Counting and closing ---------------------------------------------------------------------------


@transaction.atomic
def ballot_counts_save(
    *,
    ballot: Ballot,
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    votes: Mapping[int, int],
    lock_version: int | None,
    by: User | None,
) -> Ballot:
    """The counting committee's figures of a paper ballot: ballots issued, returned, valid, invalid and
    the votes of every eligible candidate (`{candidate id: votes}`). Checked as a whole; nothing is
    stored unless everything fits."""
    ballot = _locked(ballot)
    _ensure_term_open(ballot)
    if ballot.mode != BallotMode.PAPER:
        raise ValidationError("Cuộc bỏ phiếu trực tuyến tự kiểm phiếu khi kết thúc.")
    if ballot.state != BallotState.OPEN:
        raise ValidationError("Chỉ nhập kết quả kiểm phiếu khi đang bỏ phiếu.")
    _check_version(ballot.lock_version, lock_version)
    candidates = {c.pk: c for c in ballot.candidates.filter(eligible=True)}
    if set(votes) != set(candidates):
        raise ValidationError("Danh sách bầu đã thay đổi; hãy tải lại trang.")
    errors = counts_errors(
        present=ballot.present.count(),
        quota=ballot.quota,
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes=votes,
    )
    if errors:
        raise ValidationError(errors)
    old = {f: getattr(ballot, f) for f in COUNT_FIELDS} | {
        "votes": {str(cid): c.votes for cid, c in candidates.items()}
    }
    ballot.issued, ballot.returned, ballot.valid, ballot.invalid = issued, returned, valid, invalid
    for cid, candidate in candidates.items():
        if candidate.votes != votes[cid]:
            candidate.votes = votes[cid]
            candidate.save(update_fields=["votes"])
    ballot.lock_version += 1
    ballot.save()
    new = {f: getattr(ballot, f) for f in COUNT_FIELDS} | {
        "votes": {str(cid): votes[cid] for cid in candidates}
    }
    audit_record(actor=by, action="ballot.counts", obj=ballot, term=ballot.term, old=old, new=new)
    return ballot


@transaction.atomic
def ballot_close(*, ballot: Ballot, by: User | None) -> Ballot:
    """Close the vote and freeze its result. An online ballot is counted here from the register and
    the choices; a paper ballot needs its count entered. Closing a closed ballot changes nothing."""
    ballot = _locked(ballot)
    if ballot.state == BallotState.CLOSED:
        return ballot
    _ensure_term_open(ballot)
    if ballot.state != BallotState.OPEN:
        raise ValidationError("Chưa mở bỏ phiếu.")
    present = ballot.present.count()
    names = Membership.objects.with_unit_name().filter(pk=OuterRef("membership_id")).values("unit_name")[:1]
    candidates = list(
        ballot.candidates.filter(eligible=True)
        .annotate(unit_name=Subquery(names), marks=Count("choices"))
        .order_by("position", "pk")
    )
    if ballot.mode == BallotMode.ONLINE:
        voted = ballot.participations.count()
        ballot.issued, ballot.returned, ballot.valid, ballot.invalid = present, voted, voted, 0
        for candidate in candidates:
            candidate.votes = candidate.marks
            candidate.save(update_fields=["votes"])
        _shake_the_box(ballot)
    elif ballot.issued is None or any(c.votes is None for c in candidates):
        raise ValidationError("Chưa nhập kết quả kiểm phiếu.")
    denominator = {
        ThresholdBase.PRESENT: present,
        ThresholdBase.ALL: ballot.term.memberships.count(),
        ThresholdBase.ISSUED: ballot.issued,
    }[ballot.threshold_base]
    result = ballot_result(
        candidates=[
            {
                "candidate": c.pk,
                "membership": c.membership_id,
                "unit": c.unit_name,
                "position": c.position,
                "votes": c.votes,
            }
            for c in candidates
        ],
        quota=ballot.quota,
        threshold_percent=ballot.threshold_percent,
        threshold_strict=ballot.threshold_strict,
        denominator=denominator,
    )
    result["base"] = ballot.threshold_base
    result["present"] = present
    result["counts"] = {f: getattr(ballot, f) for f in COUNT_FIELDS}
    ballot.result = result
    ballot.state = BallotState.CLOSED
    ballot.closed_at = timezone.now()
    ballot.lock_version += 1
    ballot.save()
    audit_record(
        actor=by,
        action="ballot.close",
        obj=ballot,
        term=ballot.term,
        old={"state": BallotState.OPEN},
        new={
            "state": BallotState.CLOSED,
            "counts": result["counts"],
            "votes": {str(c["membership"]): c["votes"] for c in result["candidates"]},
            "selected": [c["membership"] for c in result["selected"]],
            "tie": [c["membership"] for c in result["tie"]],
        },
    )
    return ballot


def _shake_the_box(ballot: Ballot) -> None:
    """Write the marks again, in random order and with new keys. While the vote is open, the database's
    own bookkeeping (SQLite's rowid, PostgreSQL's xmin and physical order) still follows the order of
    the casts, as the participation register does; after closing, nothing of it is left to line up."""
    marks = list(ballot.choices.values_list("candidate_id", flat=True))
    _RANDOM.shuffle(marks)
    ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, candidate_id=cid) for cid in marks)


@transaction.atomic
def ballot_runoff(*, ballot: Ballot, by: User | None) -> Ballot:
    """A draft run-off of a closed ballot's tie: the tied units for the seats left, with the same
    threshold settings and the same members present. One run-off per ballot."""
    ballot = _locked(ballot)
    _ensure_term_open(ballot)
    if ballot.state != BallotState.CLOSED:
        raise ValidationError("Chỉ bầu lại sau khi cuộc bỏ phiếu đã kết thúc.")
    tie = (ballot.result or {}).get("tie") or []
    if not tie:
        raise ValidationError("Kết quả không có đồng phiếu nào cần bầu lại.")
    if ballot.runoffs.exists():
        raise ValidationError("Đã có cuộc bầu lại cho cuộc bỏ phiếu này.")
    title = (RUNOFF_PREFIX + ballot.title.removeprefix(RUNOFF_PREFIX))[:300]
    runoff = Ballot.objects.create(
        term=ballot.term,
        kind=BallotKind.RUNOFF,
        runoff_of=ballot,
        title=title,
        award=ballot.award,
        mode=ballot.mode,
        quota=ballot.result["seats_left"],
        threshold_percent=ballot.threshold_percent,
        threshold_strict=ballot.threshold_strict,
        threshold_base=ballot.threshold_base,
    )
    tied = {t["membership"] for t in tie}
    positions = ballot.candidates.filter(membership_id__in=tied).order_by("position", "pk")
    BallotCandidate.objects.bulk_create(
        BallotCandidate(ballot=runoff, membership_id=c.membership_id, position=i)
        for i, c in enumerate(positions, 1)
    )
    BallotPresence.objects.bulk_create(
        BallotPresence(ballot=runoff, membership_id=p.membership_id, representative=p.representative)
        for p in ballot.present.order_by("pk")
    )
    audit_record(
        actor=by,
        action="ballot.runoff",
        obj=runoff,
        term=ballot.term,
        new={"runoff_of": ballot.pk, "candidates": sorted(tied), "quota": runoff.quota, "title": title},
    )
    return runoff
