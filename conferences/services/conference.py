"""The term's conferences: signing, mid-year review, year-end review. One source for each fact:
the signing conference's date and place are the agreement's, the year-end conference's attendance
is its ballots' list of members present; the rest is recorded here, audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Agreement
from ballots.models import BallotPresence, BallotState
from blocs.audit import STALE, audit_record, snapshot
from blocs.models import Membership, Term, User
from conferences.models import Conference, ConferenceAttendance, ConferenceKind

FIELDS = [
    "date",
    "start_time",
    "end_time",
    "place",
    "chair_name",
    "chair_title",
    "secretary_name",
    "secretary_title",
    "agenda",
    "notes",
    "approved_count",
]
# What each kind records itself (the rest comes from elsewhere: one source for each fact).
OWN_FIELDS = {
    ConferenceKind.SIGNING: [f for f in FIELDS if f not in ("date", "place")],
    ConferenceKind.MIDYEAR: FIELDS,
    ConferenceKind.YEAREND: FIELDS,
}
OWN_ATTENDANCE = (ConferenceKind.SIGNING, ConferenceKind.MIDYEAR)


@dataclass
class Attendance:
    """Who was there, from wherever that fact lives, and the quorum."""

    present: list  # [(membership, representative)]
    absent: list  # [membership]
    source: str  # where the list comes from, as the page says it

    @property
    def quorum(self) -> bool:
        """More than half of the members present."""
        return len(self.present) * 2 > len(self.present) + len(self.absent)


def attendance(term: Term, kind: str, conference: Conference | None, members: list[Membership]) -> Attendance:
    """The conference's attendance in two queries at most, whatever the number of members."""
    if kind == ConferenceKind.YEAREND:
        # Only ballots that were opened: a draft lists every member as present until it is edited.
        rows = (
            BallotPresence.objects.filter(ballot__term=term)
            .exclude(ballot__state=BallotState.DRAFT)
            .order_by("ballot__created_at", "ballot_id", "pk")
            .values_list("membership_id", "representative")
        )
        source = "Danh sách thành viên có mặt của các cuộc bỏ phiếu bình xét, suy tôn."
    else:
        rows = (
            ConferenceAttendance.objects.filter(conference=conference).values_list(
                "membership_id", "representative"
            )
            if conference is not None
            else []
        )
        source = ""
    found: dict[int, str] = {}
    for membership_id, representative in rows:
        found[membership_id] = found.get(membership_id) or representative
    present = [(m, found[m.pk]) for m in members if m.pk in found]
    absent = [m for m in members if m.pk not in found]
    return Attendance(present=present, absent=absent, source=source)


def signing_facts(term: Term) -> dict:
    """The signing conference's date and place: the current agreement's."""
    agreement = (
        Agreement.objects.current().filter(term=term).only("conference_date", "venue", "place").first()
    )
    if agreement is None:
        return {"date": None, "place": ""}
    place = ", ".join(p for p in (agreement.venue, agreement.place) if p)
    return {"date": agreement.conference_date, "place": place}


@transaction.atomic
def conference_save(
    *,
    term: Term,
    kind: str,
    data: dict,
    present: dict[int, str] | None,
    lock_version: int | None,
    by: User | None,
) -> Conference:
    """Record (or correct) a conference of an open term: its own fields and, for the signing and
    mid-year conferences, who attended (`{membership id: representative}`)."""
    term = Term.objects.select_for_update().get(pk=term.pk)
    if not term.is_open:
        raise ValidationError(f"Năm thi đua {term.year} đã kết thúc; dữ liệu chỉ còn để xem.")
    conference = Conference.objects.select_for_update().filter(term=term, kind=kind).first()
    creating = conference is None
    if creating:
        try:
            with transaction.atomic():
                conference = Conference.objects.create(term=term, kind=kind, updated_by=by)
        except IntegrityError as exc:  # recorded by someone else a moment ago
            raise ValidationError(STALE, code="stale") from exc
    elif lock_version is not None and conference.lock_version != lock_version:
        raise ValidationError(STALE, code="stale")
    fields = OWN_FIELDS[kind]
    before = {} if creating else snapshot(conference, fields)
    for field in fields:
        if field in data:
            setattr(conference, field, data[field])
    member_ids = set(term.memberships.values_list("pk", flat=True))
    if present is not None and kind in OWN_ATTENDANCE:
        if not set(present) <= member_ids:
            raise ValidationError("Danh sách có đơn vị không là thành viên của khối năm nay.")
        if conference.approved_count is not None and conference.approved_count > len(present):
            raise ValidationError({"approved_count": "Số thông qua không thể lớn hơn số thành viên có mặt."})
    elif conference.approved_count is not None and conference.approved_count > len(member_ids):
        raise ValidationError({"approved_count": "Số thông qua không thể lớn hơn số thành viên của khối."})
    conference.full_clean(exclude=["term", "updated_by"])
    conference.lock_version += 1
    conference.updated_at, conference.updated_by = timezone.now(), by
    conference.save()
    after = snapshot(conference, fields)
    old_present = None
    if present is not None and kind in OWN_ATTENDANCE:
        old_present = dict(conference.attendance.values_list("membership_id", "representative"))
        if old_present != present:
            conference.attendance.all().delete()
            ConferenceAttendance.objects.bulk_create(
                ConferenceAttendance(conference=conference, membership_id=m, representative=r)
                for m, r in present.items()
            )
            before["present"], after["present"] = sorted(old_present), sorted(present)
    changed = [k for k in after if before.get(k) != after[k]]
    if creating or changed:
        audit_record(
            actor=by,
            action="conference.record" if creating else "conference.update",
            obj=conference,
            term=term,
            old={k: before.get(k) for k in changed} or None,
            new={k: after[k] for k in changed},
        )
    return conference
