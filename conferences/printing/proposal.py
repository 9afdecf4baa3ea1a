"""The bloc's proposal for awards (tờ trình đề nghị khen thưởng, after Mẫu 01, Phụ lục I, Nghị định
98/2023/NĐ-CP): issued under the leading unit, addressed to the provincial Emulation-Commendation
Council, listing per award the units the year-end conference voted for, with their final totals,
ranks and votes.

The leading unit is listed under the award its ballot names, or under the provincial flag when the
ballot names none: the provincial flag goes to the collective that leads its bloc (Luật Thi đua,
khen thưởng 2022, Art. 26).
"""

from __future__ import annotations

from ballots.selectors import term_proposals
from conferences.models import Document
from conferences.printing.common import BOARD_NAME, bloc_name, header, recipients, signer
from conferences.printing.minutes import (
    award_label,
    award_rank,
    ballot_summary,
    conference_facts,
    load_ballots,
    load_term,
    load_yearend,
    number,
    outcomes,
    paragraphs,
    scoring_table,
)

NBSP = "\u00a0"
COUNCIL = "Hội đồng Thi đua - Khen thưởng tỉnh"
BOARD = "Ban Thi đua - Khen thưởng tỉnh"


def _count(n: int) -> str:
    return f"{n:02d}"


def proposal(document: Document) -> dict:
    """Tờ trình đề nghị khen thưởng: everything it prints, in a fixed number of queries."""
    term = load_term(document)
    head = header(term, document)
    if not head["number"]:
        # Room to write the number and the issuer's symbol by hand; no-break spaces, which HTML keeps.
        head["number_line"] = f"Số:{NBSP * 10}/TTr-{NBSP * 8}"
    scores = {r["membership"]: r for r in scoring_table(term)["rows"]}
    facts = conference_facts(load_yearend(term))

    # The leading unit first under its award (see `ballots.selectors.proposals_of`), one row per unit.
    groups: dict[str, list] = {}
    for proposed in term_proposals(term):
        groups.setdefault(proposed.award, []).append(proposed)
    awards = []
    for code in sorted(groups, key=lambda code: (award_rank(code), code)):
        units = []
        for u in groups[code]:
            row = scores.get(u.membership_id, {})
            units.append(
                {
                    "membership": u.membership_id,
                    "unit": u.unit,
                    "total": row.get("total", ""),
                    "rank": row.get("rank"),
                    "votes": u.votes,
                    "pct": number(u.pct),
                    "leading": u.leading,
                }
            )
        awards.append(
            {"award": code, "label": award_label(code), "count": _count(len(units)), "units": units}
        )
    # A unit proposed for two awards is one collective.
    total = len({u["membership"] for a in awards for u in a["units"]})

    bloc = bloc_name(term)
    held = f" ngày {facts['day'].removeprefix('ngày ')}" if facts["date"] else ""
    return {
        "kind": document.kind,
        "header": head,
        "title": "TỜ TRÌNH",
        "subject": f"Về việc đề nghị khen thưởng cho các tập thể thuộc {bloc} năm {term.year}",
        "bloc": term.bloc.name,
        "bloc_short": bloc,
        "year": term.year,
        "addressees": [COUNCIL, f"(qua {BOARD})"],
        "basis": (
            f"Căn cứ kết quả chấm điểm, bình xét, suy tôn thi đua năm {term.year} tại Hội nghị tổng kết "
            f"công tác thi đua, khen thưởng của {term.bloc.name}{held},"
        ),
        "intro": (
            f"{bloc} kính đề nghị {COUNCIL} xem xét, trình cấp có thẩm quyền khen thưởng cho "
            f"{_count(total)} tập thể, cụ thể như sau:"
            if total
            else f"Hội nghị tổng kết của {bloc} chưa bình xét, suy tôn tập thể nào để đề nghị khen thưởng."
        ),
        "awards": awards,
        "proposed_count": total,
        "notes": paragraphs((document.sections or {}).get("notes")),
        "conclusion": (
            f"Kèm theo Tờ trình này là Biên bản họp bình xét, suy tôn và Báo cáo tổng kết công tác thi đua, "
            f"khen thưởng năm {term.year} của {bloc}. Kính trình {COUNCIL} xem xét, quyết định./."
        ),
        "signer": signer(term),
        "recipients": ["Như trên", *(line for line in recipients() if line != BOARD_NAME)],
    }


def missing_for_submit(document: Document) -> list[str]:
    """A proposal proposes someone."""
    term = load_term(document)
    ballots = load_ballots(term)
    by_pk = {b.pk: b for b in ballots}
    decided = outcomes([ballot_summary(b, by_pk) for b in ballots])
    if not decided["leading"] and not decided["awards"]:
        return ["Chưa có tập thể nào được bình xét, suy tôn để đề nghị khen thưởng."]
    return []
