"""The minutes of the year-end vote (biên bản họp bình xét, suy tôn) and the counting committee's
record of one ballot (biên bản kiểm phiếu).

Each builder reads the term in a fixed number of queries, whatever the number of members and
ballots, and returns what the document prints: names as they were that year, figures already
written the Vietnamese way ("87,5"), so that a frozen document prints the same text forever.
Figures of a ballot come from its frozen result only; a ballot that is not closed prints none.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from ballots.models import Ballot, BallotCandidate, BallotKind, BallotMode, BallotState, ThresholdBase
from blocs.documents import vn_date
from blocs.models import ChosenBy, Membership, Role, Term
from conferences.models import Conference, ConferenceKind, Document, DocumentKind
from conferences.printing.common import bloc_name, header
from conferences.selectors import attendance
from province import catalogue
from province.models import AwardCode
from scoring.arithmetic import figure
from scoring.models import CriteriaSet, ScoringState
from scoring.selectors import ranking, tie_rules

BLANK = "…"
# The order in which awards are listed: the higher forms first.
AWARD_ORDER = [
    AwardCode.FLAG_GOVERNMENT,
    AwardCode.LABOR_ORDER_3,
    AwardCode.MERIT_PRIME_MINISTER,
    AwardCode.FLAG_PROVINCE,
    AwardCode.MERIT_PROVINCE,
    AwardCode.LABOR_EXCELLENT,
    AwardCode.LABOR_ADVANCED,
]
ROLE_LABELS = {Role.LEADER: "Trưởng khối", Role.DEPUTY: "Phó trưởng khối"}
CHOSEN_BY = dict(ChosenBy.choices)
BASE_LABELS = {
    ThresholdBase.PRESENT: "số thành viên có mặt",
    ThresholdBase.ALL: "tổng số thành viên của Khối",
    ThresholdBase.ISSUED: "số phiếu phát ra",
}
COUNTING_COMMITTEE_LINES = 3


# Words and figures as printed ---------------------------------------------------------------------


def number(value: Decimal | int | str | None) -> str:
    """A score or a percentage as the pages write it ("87,5", "−1,5"); "—" when there is none."""
    return figure(value)


def day_text(day: date | None) -> str:
    """ "ngày 05 tháng 01 năm 2024" (blanks when unknown)."""
    text = vn_date("", day)
    return text[0].lower() + text[1:]


def clock(moment: time | None) -> str:
    """ "08 giờ 00 phút" (blanks when unknown)."""
    if moment is None:
        return f"{BLANK} giờ {BLANK} phút"
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def award_label(code: str) -> str:
    return catalogue.label(code)


def award_rank(code: str) -> int:
    return AWARD_ORDER.index(code) if code in AWARD_ORDER else len(AWARD_ORDER)


def rule_text(*, threshold: str, strict: bool, base: str, denominator: int, quota: int) -> str:
    """The threshold as the count states it: "… trên 50 % số phiếu đồng ý, tính trên …"."""
    share = f"trên {number(threshold)} %" if strict else f"từ {number(threshold)} % trở lên"
    return (
        f"Đơn vị được chọn phải đạt {share} số phiếu đồng ý, tính trên {BASE_LABELS.get(base, base)} "
        f"({denominator}); chọn không quá {quota} đơn vị."
    )


# Reads (a fixed number of queries each) -----------------------------------------------------------


def load_term(document: Document) -> Term:
    return Term.objects.select_related("bloc").get(pk=document.term_id)


def load_members(term: Term) -> list[Membership]:
    return list(term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"))


def load_yearend(term: Term) -> Conference | None:
    return Conference.objects.filter(term=term, kind=ConferenceKind.YEAREND).first()


def load_ballots(term: Term) -> list[Ballot]:
    return list(Ballot.objects.filter(term=term).order_by("created_at", "pk"))


def scoring_table(term: Term) -> dict:
    """The ranking as printed (3 queries): `ranking()`'s figures, the tie-break rules it applied."""
    criteria_set = CriteriaSet.objects.filter(term=term).first()
    if criteria_set is None or criteria_set.state == ScoringState.SETUP:
        return {"available": False, "locked": False, "rows": [], "tie_rules": [], "tied": False}
    applied = tie_rules(criteria_set)
    rules = [rule.label for rule in applied]
    rows = []
    for m in ranking(criteria_set, applied):
        rows.append(
            {
                "membership": m.pk,
                "unit": m.unit_name,
                "submitted": m.rank is not None,
                "rank": m.rank,
                "tied": m.tied,
                "self": number(m.self_total),
                "reviewed": number(m.reviewed_total),
                "bonus": number(m.bonus_total),
                "deductions": number(m.deduction_total),
                "total": number(m.total),
            }
        )
    return {
        "available": True,
        "locked": criteria_set.state == ScoringState.LOCKED,
        "rows": rows,
        "tie_rules": rules,
        "tied": any(r["tied"] for r in rows),
    }


def _root(ballot: Ballot, by_pk: dict[int, Ballot]) -> Ballot:
    """The ballot a run-off (or a run-off of a run-off) settles."""
    seen = set()
    while ballot.kind == BallotKind.RUNOFF and ballot.runoff_of_id in by_pk and ballot.pk not in seen:
        seen.add(ballot.pk)
        ballot = by_pk[ballot.runoff_of_id]
    return ballot


def ballot_summary(ballot: Ballot, by_pk: dict[int, Ballot]) -> dict:
    """One ballot as the minutes print it, from its frozen result (no figures before closing)."""
    root = _root(ballot, by_pk)
    runoffs = [b for b in by_pk.values() if b.runoff_of_id == ballot.pk]
    base = {
        "id": ballot.pk,
        "title": ballot.title,
        "kind": root.kind,
        "is_runoff": ballot.kind == BallotKind.RUNOFF,
        "runoff_of": by_pk[ballot.runoff_of_id].title if ballot.runoff_of_id in by_pk else "",
        "award": ballot.award,
        "award_label": award_label(ballot.award) if ballot.award else "",
        "mode": ballot.mode,
        "mode_label": BallotMode(ballot.mode).label,
        "quota": ballot.quota,
        "closed": ballot.state == BallotState.CLOSED and ballot.result is not None,
        "state_label": BallotState(ballot.state).label,
        "runoff": runoffs[0].title if runoffs else "",
    }
    if not base["closed"]:
        return {
            **base,
            "counts": {"issued": None, "returned": None, "valid": None, "invalid": None},
            "present": None,
            "denominator": None,
            "rule": rule_text(
                threshold=str(ballot.threshold_percent),
                strict=ballot.threshold_strict,
                base=ballot.threshold_base,
                denominator=BLANK,
                quota=ballot.quota,
            ),
            "candidates": [],
            "selected": [],
            "tie": [],
            "seats_left": 0,
        }
    result = ballot.result
    tied = {t["membership"] for t in result.get("tie", [])}
    candidates = []
    for c in result["candidates"]:
        if c["selected"]:
            outcome = "Được chọn"
        elif c["membership"] in tied:
            outcome = "Đồng phiếu, bầu lại"
        elif c["passed"]:
            outcome = "Đạt ngưỡng, ngoài số lượng"
        else:
            outcome = "Không đạt ngưỡng"
        candidates.append(
            {
                "membership": c["membership"],
                "unit": c["unit"],
                "votes": c["votes"],
                "pct": number(c["pct"]),
                "passed": c["passed"],
                "selected": c["selected"],
                "tied": c["membership"] in tied,
                "outcome": outcome,
            }
        )
    return {
        **base,
        "counts": dict(result["counts"]),
        "present": result.get("present"),
        "denominator": result["denominator"],
        "rule": rule_text(
            threshold=result["threshold"],
            strict=result["strict"],
            base=result.get("base", ballot.threshold_base),
            denominator=result["denominator"],
            quota=result["quota"],
        ),
        "candidates": candidates,
        "selected": [c["unit"] for c in result["selected"]],
        "tie": [t["unit"] for t in result.get("tie", [])],
        "seats_left": result.get("seats_left", 0),
    }


def outcomes(summaries: list[dict]) -> dict:
    """What the votes decided: the leading unit(s) and the units proposed per award (run-offs count
    for the ballot they settle), and the ties still waiting for a run-off."""
    leading: list[dict] = []
    awards: dict[str, list[dict]] = {}
    pending = []
    for b in summaries:
        if not b["closed"]:
            continue
        chosen = [c for c in b["candidates"] if c["selected"]]
        if b["kind"] == BallotKind.LEADING:
            target = leading
        elif b["award"]:
            target = awards.setdefault(b["award"], [])
        else:
            continue
        known = {c["membership"] for c in target}
        target.extend(
            {
                "membership": c["membership"],
                "unit": c["unit"],
                "votes": c["votes"],
                "pct": c["pct"],
                "ballot": b["title"],
                "award": b["award"],
            }
            for c in chosen
            if c["membership"] not in known
        )
        if b["tie"] and not b["runoff"]:
            pending.append({"ballot": b["title"], "units": b["tie"], "seats_left": b["seats_left"]})
    return {
        "leading": leading,
        "awards": [
            {"award": code, "label": award_label(code), "units": awards[code]}
            for code in sorted(awards, key=lambda code: (award_rank(code), code))
        ],
        "pending": pending,
    }


def next_leadership(term: Term) -> dict:
    """Next year's leader and deputy of the bloc and how they were chosen (one query)."""
    rows = (
        Membership.objects.filter(
            term__bloc_id=term.bloc_id, term__year=term.year + 1, role__in=[Role.LEADER, Role.DEPUTY]
        )
        .with_unit_name()
        .order_by("role")
    )
    found = {m.role: {"unit": m.unit_name, "chosen_by": CHOSEN_BY.get(m.chosen_by, "").lower()} for m in rows}
    return {"year": term.year + 1, "leader": found.get(Role.LEADER), "deputy": found.get(Role.DEPUTY)}


def conference_facts(conference: Conference | None) -> dict:
    c = conference
    return {
        "recorded": c is not None,
        "date": c.date.isoformat() if c and c.date else None,
        "day": day_text(c.date if c else None),
        "start": clock(c.start_time if c else None),
        "end": clock(c.end_time if c else None),
        "place": (c.place if c else "") or BLANK,
        "chair": {"name": c.chair_name if c else "", "title": c.chair_title if c else ""},
        "secretary": {"name": c.secretary_name if c else "", "title": c.secretary_title if c else ""},
        "agenda": paragraphs(c.agenda if c else ""),
        "notes": paragraphs(c.notes if c else ""),
        "approved_count": c.approved_count if c else None,
    }


def _attendance(term: Term, conference: Conference | None, members: list[Membership]) -> dict:
    found = attendance(term, ConferenceKind.YEAREND, conference, members)
    total = len(members)
    return {
        "known": bool(found.present),
        "total": total,
        "present_count": len(found.present),
        "absent_count": len(found.absent),
        "quorum": found.quorum,
        "present": [
            {"unit": m.unit_name, "role": ROLE_LABELS.get(m.role, ""), "representative": rep}
            for m, rep in found.present
        ],
        "absent": [{"unit": m.unit_name, "role": ROLE_LABELS.get(m.role, "")} for m in found.absent],
    }


# Builders -----------------------------------------------------------------------------------------


def vote_minutes(document: Document) -> dict:
    """Biên bản họp bình xét, suy tôn: everything it prints, in a fixed number of queries."""
    term = load_term(document)
    members = load_members(term)
    conference = load_yearend(term)
    ballots = load_ballots(term)
    by_pk = {b.pk: b for b in ballots}
    summaries = [ballot_summary(b, by_pk) for b in ballots]
    bloc = bloc_name(term)
    facts = conference_facts(conference)
    return {
        "kind": document.kind,
        "header": header(term, document),
        "title": "BIÊN BẢN",
        "subject": f"Họp bình xét, suy tôn thi đua năm {term.year} của {term.bloc.name}",
        "bloc": term.bloc.name,
        "bloc_short": bloc,
        "year": term.year,
        "conference": facts,
        "attendance": _attendance(term, conference, members),
        "scores": scoring_table(term),
        "ballots": summaries,
        "outcomes": outcomes(summaries),
        "next_year": next_leadership(term),
        "notes": paragraphs((document.sections or {}).get("notes")),
        "signatures": [
            {"title": "THƯ KÝ", "name": facts["secretary"]["name"]},
            {"title": "CHỦ TRÌ", "name": facts["chair"]["name"]},
        ],
    }


def count_minutes(document: Document) -> dict:
    """Biên bản kiểm phiếu of the document's ballot, in a fixed number of queries."""
    term = load_term(document)
    ballots = load_ballots(term)
    by_pk = {b.pk: b for b in ballots}
    ballot = by_pk[document.ballot_id]
    summary = ballot_summary(ballot, by_pk)
    names = Membership.objects.with_unit_name().filter(pk=OuterRef("membership_id")).values("unit_name")[:1]
    listed = (
        BallotCandidate.objects.filter(ballot_id=ballot.pk)
        .annotate(unit_name=Subquery(names))
        .order_by("position", "pk")
    )
    conference = load_yearend(term)
    members = term.memberships.count()
    registered = ballot.present.count()
    present = summary["present"] if summary["closed"] else registered
    facts = conference_facts(conference)
    return {
        "kind": document.kind,
        "header": header(term, document),
        "title": "BIÊN BẢN",
        "subject": f"Kiểm phiếu: {ballot.title}",
        "bloc": term.bloc.name,
        "bloc_short": bloc_name(term),
        "year": term.year,
        "conference": facts,
        "members_total": members,
        "present_count": present,
        "ballot": summary,
        "listed": [c.unit_name for c in listed if c.eligible],
        "excluded": [
            {"unit": c.unit_name, "reason": c.ineligible_reason.rstrip(" .;")}
            for c in listed
            if not c.eligible
        ],
        "notes": paragraphs((document.sections or {}).get("notes")),
        "committee_lines": list(range(1, COUNTING_COMMITTEE_LINES + 1)),
        "signatures": [
            {"title": "TỔ KIỂM PHIẾU", "name": ""},
            {"title": "CHỦ TRÌ", "name": facts["chair"]["name"]},
        ],
    }


def missing_for_submit(document: Document) -> list[str]:
    """What the minutes need from the year-end conference before they can be sent."""
    conference = load_yearend(document.term)
    if conference is None:
        return ["Chưa ghi thông tin Hội nghị tổng kết (thời gian, địa điểm, chủ trì, thư ký)."]
    wanted = {
        "date": "ngày họp",
        "place": "địa điểm",
        "chair_name": "người chủ trì",
    }
    if document.kind == DocumentKind.MINUTES:
        wanted |= {
            "start_time": "giờ bắt đầu",
            "end_time": "giờ kết thúc",
            "secretary_name": "thư ký",
            "approved_count": "số thành viên thông qua biên bản",
        }
    gaps = [label for field, label in wanted.items() if getattr(conference, field) in (None, "")]
    if not gaps:
        return []
    return [f"Hội nghị tổng kết chưa ghi {', '.join(gaps)}."]
