"""The term's conferences: signing, mid-year review, year-end review. One source for each fact:
the signing conference's date and place are the agreement's, the year-end conference's attendance
is its ballots' list of members present; the rest is recorded here, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import Agreement
from blocs.audit import STALE, audit_record, check_version, ensure_term_open, locked, snapshot
from blocs.models import Term, User
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
    """Record (or correct) a conference of an open term: its own fields, after the conference's own
    rules (`Conference`'s validators and `clean`), and, for the signing and mid-year conferences, who
    attended (`{membership id: representative}`)."""
    term = locked(Term, term.pk, related=("bloc",))  # with no `related`, locked() warns in Django 6.1
    ensure_term_open(term)
    conference = Conference.objects.select_for_update().filter(term=term, kind=kind).first()
    creating = conference is None
    if creating:
        try:
            with transaction.atomic():
                conference = Conference.objects.create(term=term, kind=kind, updated_by=by)
        except IntegrityError as exc:  # recorded by someone else a moment ago
            raise ValidationError(STALE, code="stale") from exc
    else:
        check_version(conference.lock_version, lock_version)
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
