"""The year-end and mid-year reports (báo cáo tổng kết, sơ kết công tác thi đua, khen thưởng).

The leader writes the narrative; the members, the leadership, the registered titles and targets,
the score table (the very figures of `scoring.selectors.ranking`), the vote and next year's leadership
are filled from the term's data, in a fixed number of queries whatever the size of the bloc.
"""

from __future__ import annotations

from decimal import Decimal

from agreements.models import Agreement
from ballots.models import Ballot, BallotKind, BallotState, ThresholdBase
from blocs.models import ChosenBy, Membership, Role, Term
from conferences.models import Document
from conferences.printing import common
from province import catalogue
from scoring.arithmetic import figure
from scoring.models import CriteriaSet
from scoring.selectors import ranking, tie_rules

ROLE_LABELS = {Role.LEADER: "Trưởng khối", Role.DEPUTY: "Phó Trưởng khối", Role.MEMBER: ""}
BASE_LABELS = {
    ThresholdBase.PRESENT: "số thành viên có mặt",
    ThresholdBase.ALL: "tổng số thành viên của Khối",
    ThresholdBase.ISSUED: "số phiếu phát ra",
}
LEADING_LABEL = "Đơn vị dẫn đầu Khối"
# How the report says the conference chose next year's leadership.
CHOSEN_VERBS = {
    ChosenBy.ELECTED: "thống nhất bầu",
    ChosenBy.ACCLAIMED: "thống nhất suy tôn",
    ChosenBy.NOMINATED: "thống nhất giới thiệu",
    ChosenBy.APPOINTED: "ghi nhận theo quyết định thành lập",
}


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _sections(document: Document) -> dict[str, list[str]]:
    return {key: paragraphs(value) for key, value in (document.sections or {}).items()}


def _figure(value: Decimal | None) -> str:
    return figure(value)


def _situation(term: Term) -> tuple[dict, dict[int, str]]:
    """Members with their names of that year, the leadership and the supervisor (two queries at most);
    and {membership: name} for the other parts."""
    members = list(term.memberships.with_unit_name().order_by("position", "pk"))
    by_role = {m.role: m.unit_name for m in members if m.role != Role.MEMBER}
    supervisor = term.supervisor
    data = {
        "formation": term.decision_label,
        "members": [
            {
                "position": m.position,
                "unit": m.unit_name,
                "role": ROLE_LABELS[m.role],
            }
            for m in members
        ],
        "member_count": len(members),
        "leader": by_role.get(Role.LEADER, ""),
        "deputy": by_role.get(Role.DEPUTY, ""),
        "supervisor": {
            "name": supervisor.get_full_name() if supervisor else "",
            "title": term.supervisor_title,
        },
    }
    return data, {m.pk: m.unit_name for m in members}


def _registrations(term: Term, names: dict[int, str]) -> dict:
    """Each member's registered titles and targets, from the term's current agreement (three queries)."""
    agreement = Agreement.objects.current().filter(term=term).order_by("-version").first()
    if agreement is None:
        return {"agreement": None, "rows": []}
    registered = {r.membership_id: r for r in agreement.registrations.prefetch_related("targets")}
    rows = []
    for membership, unit in names.items():
        reg = registered.get(membership)
        if reg is None:
            continue
        rows.append(
            {
                "unit": unit,
                "awards": [catalogue.label(code) for code in reg.awards],
                "targets": [
                    {"indicator": t.indicator, "value": figure(t.value), "unit_of_measure": t.unit_of_measure}
                    for t in reg.targets.all()
                ],
            }
        )
    missing = [unit for membership, unit in names.items() if membership not in registered]
    return {
        "agreement": {"title": agreement.title, "version": agreement.version, "status": agreement.status},
        "rows": rows,
        "missing": missing,
    }


def _scores(term: Term) -> dict | None:
    """The score table from `ranking()`: the same figures, formatted as the ranking page shows them."""
    criteria_set = CriteriaSet.objects.with_nominal_max().filter(term=term).first()
    if criteria_set is None:
        return None
    rules = tie_rules(criteria_set)
    rows, missing = [], []
    for m in ranking(criteria_set, rules):
        if m.rank is None:
            missing.append(m.unit_name)
            continue
        rows.append(
            {
                "rank": m.rank,
                "tied": m.tied,
                "unit": m.unit_name,
                "self": _figure(m.self_total),
                "reviewed": _figure(m.reviewed_total),
                "bonus": _figure(m.bonus_total),
                "deductions": _figure(m.deduction_total),
                "total": _figure(m.total),
            }
        )
    return {
        "name": criteria_set.name,
        "locked": criteria_set.state == "locked",
        "nominal_max": figure(criteria_set.nominal_max),
        "rows": rows,
        "missing": missing,
        "tie_rules": [rule.label for rule in rules],
        "tied": any(r["tied"] for r in rows),
    }


def _ballot_label(ballot: Ballot, roots: dict[int, Ballot]) -> str:
    root = ballot
    while root.runoff_of_id is not None and root.runoff_of_id in roots:
        root = roots[root.runoff_of_id]
    if root.kind == BallotKind.LEADING or not (ballot.award or root.award):
        return LEADING_LABEL
    return catalogue.label(ballot.award or root.award)


def _vote(term: Term) -> dict:
    """Each closed ballot's result as frozen at closing, and the units selected per award (one query)."""
    ballots = list(Ballot.objects.filter(term=term).order_by("created_at", "pk"))
    by_pk = {b.pk: b for b in ballots}
    printed, proposals = [], {}
    for ballot in ballots:
        if ballot.state != BallotState.CLOSED or not ballot.result:
            continue
        result = ballot.result
        label = _ballot_label(ballot, by_pk)
        counts = result.get("counts") or {}
        printed.append(
            {
                "title": ballot.title,
                "award": label,
                "runoff": ballot.kind == BallotKind.RUNOFF,
                "present": result.get("present"),
                "counts": {k: counts.get(k) for k in ("issued", "returned", "valid", "invalid")},
                "quota": result.get("quota"),
                "threshold": ("trên " if result.get("strict") else "từ ")
                + figure(Decimal(result.get("threshold") or "0"))
                + " %"
                + ("" if result.get("strict") else " trở lên"),
                "base": BASE_LABELS.get(result.get("base"), ""),
                "denominator": result.get("denominator"),
                "candidates": [
                    {
                        "unit": c["unit"],
                        "votes": c["votes"],
                        "pct": figure(Decimal(c["pct"])),
                        "selected": c["selected"],
                    }
                    for c in result.get("candidates", [])
                ],
                "selected": [c["unit"] for c in result.get("selected", [])],
                "tie": [c["unit"] for c in result.get("tie", [])],
            }
        )
        units = proposals.setdefault(label, [])
        units += [c["unit"] for c in result.get("selected", []) if c["unit"] not in units]
    order = [LEADING_LABEL, *catalogue.labels().values()]
    awards = sorted(proposals.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return {"ballots": printed, "proposals": [{"award": k, "units": v} for k, v in awards]}


def _next_year(term: Term) -> dict | None:
    """Next year's leader and deputy, when the bloc's term of year N+1 exists (one query)."""
    rows = list(
        Membership.objects.filter(
            term__bloc_id=term.bloc_id, term__year=term.year + 1, role__in=[Role.LEADER, Role.DEPUTY]
        ).with_unit_name()
    )
    if not rows and not Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).exists():
        return None
    by_role = {m.role: m for m in rows}

    def person(role: str) -> dict:
        m = by_role.get(role)
        return {"unit": m.unit_name, "verb": CHOSEN_VERBS.get(m.chosen_by, "thống nhất chọn")} if m else None

    return {"year": term.year + 1, "leader": person(Role.LEADER), "deputy": person(Role.DEPUTY)}


def _base(document: Document, *, subject: str) -> dict:
    term = document.term
    situation, names = _situation(term)
    return {
        "kind": document.kind,
        "year": term.year,
        "bloc": common.bloc_name(term),
        "bloc_full": term.bloc.name,
        "header": common.header(term, document),
        "title": "BÁO CÁO",
        "subject": subject,
        "sections": _sections(document),
        **situation,
        "registrations": _registrations(term, names),
        "signer": common.signer(term),
        "recipients": common.recipients(),
    }


def yearend(document: Document) -> dict:
    """The year-end report (báo cáo tổng kết) of `document.term`."""
    year = document.term.year
    data = _base(
        document,
        subject=f"Tổng kết công tác thi đua, khen thưởng năm {year} và phương hướng, nhiệm vụ năm {year + 1}",
    )
    data["scores"] = _scores(document.term)
    data.update(_vote(document.term))
    data["next"] = _next_year(document.term)
    return data


def midyear(document: Document) -> dict:
    """The mid-year report (báo cáo sơ kết 6 tháng): narrative, members, targets; no score, no vote."""
    year = document.term.year
    return _base(
        document,
        subject=f"Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {year} và nhiệm vụ 6 tháng cuối năm",
    )
