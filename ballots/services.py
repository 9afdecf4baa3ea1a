"""The vote (bình xét, suy tôn): ballots with their candidates and the members present, the online
secret ballot, the paper count, closing with the result, and the run-off of a tie at the quota.
Writes only; the reads (the tally, the pages' lists, a term's proposals) are in `ballots.selectors`.

Secrecy: a cast adds the unit to the participation register and writes its marks as `BallotChoice`
rows that name the ballot and the candidate only. The audit event of a cast names the unit, never
its choices. No count leaves the server before the ballot closes (the pages never read them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots import selectors
from ballots.models import (
    COUNT_FIELDS,
    INELIGIBLE_NEEDS_REASON,
    SETTING_FIELDS,
    Ballot,
    BallotCandidate,
    BallotChoice,
    BallotKind,
    BallotMode,
    BallotParticipation,
    BallotPresence,
    BallotState,
    ThresholdBase,
    counts_errors,
)
from blocs.audit import audit_record, changed, check_version, ensure_term_open, locked, snapshot
from blocs.models import Membership, Term, User
from province import catalogue

ALREADY_VOTED = "Đơn vị đã bỏ phiếu."
RUNOFF_PREFIX = "Bầu lại: "
_RANDOM = secrets.SystemRandom()


def default_title(*, kind: str, award: str, year: int) -> str:
    if kind == BallotKind.AWARD and award:
        return f"Đề nghị tặng {catalogue.label(award)}"
    return f"Bầu đơn vị dẫn đầu Khối thi đua năm {year}"


def _locked(ballot: Ballot) -> Ballot:
    return locked(Ballot, ballot.pk, related=("term__bloc",))


def _ensure_draft(ballot: Ballot) -> None:
    ensure_term_open(ballot.term)
    if ballot.state != BallotState.DRAFT:
        raise ValidationError("Đã mở bỏ phiếu: cài đặt và danh sách không sửa được nữa.")


def _settings_errors(ballot: Ballot) -> dict[str, list[str]]:
    """The ballot's own rules (the model's validators, `clean` and constraints), by field. The term
    and the ballot a run-off settles are the service's own choice, not the user's: not read again."""
    try:
        ballot.full_clean(exclude=["term", "runoff_of"])
    except ValidationError as exc:
        return exc.message_dict
    return {}


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
    term = locked(Term, term.pk, related=("bloc",))
    ensure_term_open(term)
    if kind not in (BallotKind.LEADING, BallotKind.AWARD):
        raise ValidationError({"kind": "Chọn bầu đơn vị dẫn đầu hoặc đề nghị khen thưởng."})
    ballot = Ballot(
        term=term,
        kind=kind,
        title=(title or "").strip() or default_title(kind=kind, award=award, year=term.year),
        award=award or "",
        mode=mode,
        quota=quota,
        threshold_percent=threshold_percent,
        threshold_strict=bool(threshold_strict),
        threshold_base=threshold_base,
    )
    errors = _settings_errors(ballot)
    if errors:
        raise ValidationError(errors)
    members = selectors.default_candidates(term)
    if not members:
        raise ValidationError("Khối chưa có thành viên năm nay.")
    ballot.save()
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
            **snapshot(ballot, SETTING_FIELDS),
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
    check_version(ballot.lock_version, lock_version)
    before = snapshot(ballot, SETTING_FIELDS)
    for name in SETTING_FIELDS:
        if name in settings:
            setattr(ballot, name, settings[name])
    ballot.title, ballot.award = (ballot.title or "").strip(), ballot.award or ""
    errors = _settings_errors(ballot)
    existing = {c.pk: c for c in ballot.candidates.all()}
    for cid, (eligible, reason) in candidates.items():
        if cid not in existing:
            raise ValidationError("Danh sách ứng viên đã thay đổi; hãy tải lại trang.")
        reason = (reason or "").strip()
        if not eligible and not reason:
            errors[f"r{cid}"] = INELIGIBLE_NEEDS_REASON
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

    old, new = changed(before, snapshot(ballot, SETTING_FIELDS))

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


def ballot_check_choices(*, ballot: Ballot, candidate_ids: Iterable[int]) -> set[int]:
    """The marks of an online ballot, refused unless they are eligible candidates, at most `quota`
    of them (read before the confirmation page, and again when the ballot is cast)."""
    chosen = set(candidate_ids)
    eligible = set(ballot.candidates.filter(eligible=True).values_list("pk", flat=True))
    if not chosen <= eligible:
        raise ValidationError("Phiếu có đơn vị không thuộc danh sách bầu; hãy tải lại trang.")
    if len(chosen) > ballot.quota:
        raise ValidationError(
            f"Chỉ được chọn tối đa {ballot.quota} đơn vị; bạn đã chọn {len(chosen)}. "
            "Phiếu chưa được ghi nhận."
        )
    return chosen


@transaction.atomic
def ballot_cast(
    *, ballot: Ballot, membership: Membership, candidate_ids: Iterable[int], by: User | None
) -> BallotParticipation:
    """The online secret ballot of one present unit: at most `quota` eligible candidates, none for a
    blank ballot. The participation register's unique constraint makes a second cast of the unit
    impossible; the choices carry no unit, user or time, and the audit event carries no choice."""
    ballot = _locked(ballot)
    ensure_term_open(ballot.term)
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
    chosen = ballot_check_choices(ballot=ballot, candidate_ids=candidate_ids)
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
    ensure_term_open(ballot.term)
    if ballot.mode != BallotMode.PAPER:
        raise ValidationError("Cuộc bỏ phiếu trực tuyến tự kiểm phiếu khi kết thúc.")
    if ballot.state != BallotState.OPEN:
        raise ValidationError("Chỉ nhập kết quả kiểm phiếu khi đang bỏ phiếu.")
    check_version(ballot.lock_version, lock_version)
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
    ensure_term_open(ballot.term)
    if ballot.state != BallotState.OPEN:
        raise ValidationError("Chưa mở bỏ phiếu.")
    present = ballot.present.count()
    candidates = selectors.counted_candidates(ballot)
    if ballot.mode == BallotMode.ONLINE:
        voted = ballot.participations.count()
        ballot.issued, ballot.returned, ballot.valid, ballot.invalid = present, voted, voted, 0
        for candidate in candidates:
            candidate.votes = candidate.marks
            candidate.save(update_fields=["votes"])
        _shake_the_box(ballot)
    elif ballot.issued is None or any(c.votes is None for c in candidates):
        raise ValidationError("Chưa nhập kết quả kiểm phiếu.")
    result = selectors.ballot_result(
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
        denominator=selectors.threshold_denominator(ballot, present=present),
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
    ensure_term_open(ballot.term)
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
