"""Shared parts of every conference document's build: the header, the signatory, the distribution.

Every builder returns plain JSON-serialisable data (it is frozen on submission), and every document
template extends `pdf/document_base.html`, which prints:

- ``data.header``: ``header(term, document)``;
- ``data.title`` (the document type: "BÁO CÁO") and ``data.subject`` (the line below, in bold);
- ``data.signer``: ``signer(term)`` (the block on the right of the signature row);
- ``data.recipients``: ``recipients(...)`` (the "Nơi nhận:" list on the left).
"""

from __future__ import annotations

from blocs.documents import vn_date
from blocs.models import Membership, Role, Term

# The leader's title inside the bloc, printed under "TM. KHỐI THI ĐUA …".
LEADER_TITLE = "TRƯỞNG KHỐI"
BOARD_NAME = "Ban Thi đua – Khen thưởng tỉnh"


def bloc_name(term: Term) -> str:
    """The bloc's name as documents print it ("Khối thi đua Nội chính"), falling back to its full name."""
    return term.bloc.short_name or term.bloc.name


def leader_membership(term: Term) -> Membership | None:
    """The term's leader with the unit's name as it was that year (one query, once per term object)."""
    if not hasattr(term, "_print_leader"):
        term._print_leader = (
            Membership.objects.filter(term=term, role=Role.LEADER)
            .with_unit_name()
            .select_related("unit")
            .first()
        )
    return term._print_leader


def header(term: Term, document) -> dict:
    """The two-column header: on the left the bloc (upper case) over the leading unit that issues
    for it (upper case, bold, a short rule below) and "Số: …"; on the right the national heading
    (printed by the template) and the place-and-date line.

    Returns ``{"issuer_lines": [bloc, leading unit], "number": "05/BC-KTĐ" or "",
    "number_line": "Số: 05/BC-KTĐ" (or "Số:      /" while unnumbered), "date_line":
    "Quảng Ngãi, ngày 05 tháng 01 năm 2025", "place": …, "date": "2025-01-05" or None}``.
    The last line of ``issuer_lines`` is the issuing body (bold); the ones above it are not bold.
    """
    leader = leader_membership(term)
    lines = [bloc_name(term).upper()]
    if leader is not None:
        lines.append(leader.unit_name.upper())
    number = (document.number or "").strip()
    return {
        "issuer_lines": lines,
        "number": number,
        # Room to write the number by hand: no-break spaces, which HTML does not collapse.
        "number_line": f"Số: {number}" if number else "Số:" + "\u00a0" * 8 + "/",
        "place": document.place,
        "date": document.date.isoformat() if document.date else None,
        "date_line": vn_date(document.place, document.date),
    }


def signer(term: Term) -> dict:
    """The signature block of a document the leader signs for the bloc.

    Returns ``{"prefix": "TM. KHỐI THI ĐUA NỘI CHÍNH", "title": "TRƯỞNG KHỐI",
    "unit": "Thanh tra tỉnh" (the leading unit's name that year, or ""), "head_title":
    "Chánh Thanh tra tỉnh" (the unit's head's title, may be ""), "name": "Nguyễn Văn A" (may be "")}``.
    """
    leader = leader_membership(term)
    return {
        "prefix": f"TM. {bloc_name(term).upper()}",
        "title": LEADER_TITLE,
        "unit": leader.unit_name if leader else "",
        "head_title": leader.unit.head_title if leader else "",
        "name": leader.unit.head_name if leader else "",
    }


def recipients(*extra: str, to_members: bool = True) -> list[str]:
    """The "Nơi nhận:" list: the board, then `extra`, then the members, then the archive."""
    lines = [BOARD_NAME, *extra]
    if to_members:
        lines.append("Các thành viên Khối")
    lines.append("Lưu: VT")
    return lines
