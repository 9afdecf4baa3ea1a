"""Reads of blocs that outgrow a QuerySet method."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from blocs.models import AuditEvent, Membership, Role, Term, Unit


@dataclass(frozen=True)
class LeadershipChange:
    at: datetime
    actor: str
    reason: str
    text: str


@dataclass(frozen=True)
class NextLeadership:
    """Next year's leadership as recorded (issue 15, item 3): the year's term, its leader and
    deputy (memberships with the unit's name of that year), and every change made after it was
    first recorded."""

    term: Term
    leader: Membership | None
    deputy: Membership | None
    changes: list[LeadershipChange] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        return self.leader is not None


ROLE_LABELS = (("leader", "Trưởng khối"), ("deputy", "Phó trưởng khối"))


def next_leadership(term: Term) -> NextLeadership | None:
    """In four queries whatever the history; None when year N+1 is not open."""
    nxt = Term.objects.filter(bloc_id=term.bloc_id, year=term.year + 1).first()
    if nxt is None:
        return None
    roles = {
        m.role: m for m in nxt.memberships.exclude(role=Role.MEMBER).with_unit_name().select_related("unit")
    }
    events = list(
        AuditEvent.objects.filter(term=nxt, action="term.leadership")
        .select_related("actor")
        .order_by("at", "pk")
    )
    first = next((i for i, e in enumerate(events) if (e.new or {}).get("leader")), None)
    later = [] if first is None else events[first + 1 :]
    ids = {(e.old or {}).get(k) for e in later for k in ("leader", "deputy")}
    ids |= {(e.new or {}).get(k) for e in later for k in ("leader", "deputy")}
    names = dict(Unit.objects.filter(pk__in=ids - {None}).values_list("pk", "name")) if later else {}
    changes = []
    for e in later:
        parts = [
            f"{label}: {names.get(old, '—')} → {names.get(new, '—')}"
            for key, label in ROLE_LABELS
            if (old := (e.old or {}).get(key)) != (new := (e.new or {}).get(key))
        ]
        actor = e.actor.get_full_name() if e.actor else "hệ thống"
        changes.append(LeadershipChange(e.at, actor, e.reason, "; ".join(parts) or "cách chọn"))
    return NextLeadership(nxt, roles.get(Role.LEADER), roles.get(Role.DEPUTY), changes)
