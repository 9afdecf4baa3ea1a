"""Every page of the project reads in a number of SQL queries that does not grow with the data.

Two provinces are built by the benchmark's own loader (`bench.data`, the data of
`manage.py load_bench`), each with a closed past year (agreement signed, sheets submitted and
reviewed, scoring locked and published, votes closed) and an open current year (draft agreement,
scoring open with sheets submitted, reviewed and still drafted), plus the current year's conferences
and document drafts: a small one (1 bloc of 5 members, 5 criteria) and a larger one (3 blocs of 12
members over 3 years, 20 criteria). Every GET page is requested by a persona allowed to see it, at both sizes:
the counts must be equal, and are pinned.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.models import Ballot, BallotState
from bench import data as bench_data
from blocs.models import Role, Term, User
from conferences.models import Document
from conferences.services import conference as conference_services
from conferences.services import documents as document_services
from scoring.models import CriteriaSet, Layer, Sheet

SIZES = {
    "small": bench_data.Size(blocs=1, members=5, years=2, criteria=5, last_year=2011, prefix="nhỏ "),
    "large": bench_data.Size(blocs=3, members=12, years=3, criteria=20, last_year=2021, prefix="lớn "),
}


def _world(size: bench_data.Size) -> dict:
    bench_data.load(size, progress=lambda message: None)
    bloc = bench_data.personas(size).blocs[0]
    term = Term.objects.get(pk=bloc["term"])
    past = Term.objects.get(bloc_id=term.bloc_id, year=term.year - 1)
    leader = User.objects.get(username=bloc["leader"])
    members = term.memberships.order_by("position")
    # The year-end conference and the documents the leader drafts from this year's data.
    conference_services.conference_save(
        term=term, kind="yearend", present=None, lock_version=None, by=leader,
        data={"date": date(term.year, 12, 28), "place": "Hội trường", "start_time": time(8),
              "end_time": time(11), "chair_name": "Nguyễn Văn A", "agenda": "Tổng kết năm."},
    )  # fmt: skip
    conference_services.conference_save(
        term=term, kind="midyear", present={m.pk: "" for m in members}, lock_version=None, by=leader,
        data={"date": date(term.year, 7, 1), "place": "Hội trường", "agenda": "Sơ kết 6 tháng."},
    )  # fmt: skip
    report = document_services.document_start(term=term, kind="report_yearend", ballot=None, by=leader)
    document_services.document_start(term=term, kind="minutes", ballot=None, by=leader)
    document_services.document_start(term=term, kind="proposal", ballot=None, by=leader)
    criteria_set = CriteriaSet.objects.get(term=term)
    past_set = CriteriaSet.objects.get(term=past)
    # A member drafting its sheet that was a plain member last year too (so that both sizes read
    # last year's ranking as a member, not as last year's leader).
    plain = set(past.memberships.filter(role=Role.MEMBER).values_list("unit_id", flat=True))
    drafting = User.objects.filter(username__in=bloc["drafting"], unit_id__in=plain).order_by("pk").first()
    member_sheet = Sheet.objects.filter(
        criteria_set=criteria_set, layer=Layer.SELF, status="submitted", subject__role=Role.MEMBER
    ).first()
    review = Sheet.objects.filter(criteria_set=criteria_set, layer=Layer.LEADER).first()
    ballot = Ballot.objects.filter(term=past, state=BallotState.CLOSED).first()
    y, t, p = term.year, term.pk, past.pk
    leader_pages = {
        "dashboard": f"/?year={y}",
        "bloc_list": f"/blocs/?year={y}",
        "bloc_detail": f"/blocs/{term.bloc_id}/?year={y}",
        "term_detail": f"/terms/{t}/",
        "past_term_detail": f"/terms/{p}/",
        "elect": f"/terms/{t}/elect/",
        "agreement_draft": f"/agreements/{bloc['draft_agreement']}/",
        "agreement_final": f"/agreements/{bloc['final_agreement']}/",
        "agreement_preview_draft": f"/agreements/{bloc['draft_agreement']}/preview/",
        "agreement_preview_final": f"/agreements/{bloc['final_agreement']}/preview/",
        "agreement_pdf_draft": f"/agreements/{bloc['draft_agreement']}/pdf/",
        "agreement_pdf_final": f"/agreements/{bloc['final_agreement']}/pdf/",
        "agreement_signed_scan": f"/agreements/{bloc['final_agreement']}/files/signed/",
        "criteria": f"/scoring/{criteria_set.pk}/",
        "criteria_past": f"/scoring/{past_set.pk}/",
        "criteria_export": f"/scoring/{criteria_set.pk}/export.xlsx",
        "settings": f"/scoring/{criteria_set.pk}/settings/",
        "member_sheet": f"/scoring/sheets/{member_sheet.pk}/",
        "review": f"/scoring/reviews/{review.pk}/",
        "cross": f"/scoring/{criteria_set.pk}/cross/",
        "grid": f"/scoring/{criteria_set.pk}/grid/",
        "grid_past": f"/scoring/{past_set.pk}/grid/",
        "grid_export": f"/scoring/{past_set.pk}/grid.xlsx",
        "ranking": f"/scoring/{criteria_set.pk}/ranking/",
        "ranking_past": f"/scoring/{past_set.pk}/ranking/",
        "ranking_export": f"/scoring/{past_set.pk}/ranking.xlsx",
        "ballots_past": f"/terms/{p}/ballots/",
        "ballot_closed": f"/ballots/{ballot.pk}/",
        "conferences": f"/terms/{t}/conferences/",
        "conference_yearend": f"/terms/{t}/conferences/yearend/",
        "conference_midyear": f"/terms/{t}/conferences/midyear/",
        "documents": f"/terms/{t}/documents/",
        "document": f"/documents/{report.pk}/",
        "document_preview": f"/documents/{report.pk}/preview/",
        "document_pdf": f"/documents/{report.pk}/pdf/",
        "unit_awards": f"/units/{leader.unit_id}/awards/",
    }
    member_pages = {
        "member_dashboard": f"/?year={y}",
        "own_sheet": f"/scoring/{criteria_set.pk}/sheet/",
        "register": f"/agreements/{bloc['draft_agreement']}/registration/",
        "ranking_published": f"/scoring/{past_set.pk}/ranking/",
    }
    board_pages = {
        "board_dashboard": f"/?year={y}",
        "board_bloc_list": f"/blocs/?year={y}",
        "overview": f"/overview/?year={y}",
        "overview_export": f"/overview.xlsx?year={y}",
        "overview_deadlines": f"/overview/deadlines/?year={y}",
        "decisions": f"/terms/{p}/decisions/",
        "audit": f"/terms/{t}/audit/",
        "audit_past": f"/terms/{p}/audit/",
        "templates": "/scoring/templates/",
        "units": "/units/",
        "accounts": "/accounts/",
    }
    board = User.objects.get(username=size.prefix + bench_data.BOARD_USERNAME)
    code = Term.objects.get(pk=p).agreements.get().verification_code
    return {
        "leader": (leader, leader_pages),
        "member": (drafting, member_pages),
        "board": (board, board_pages),
        "public": (None, {"verify_code": f"/verify/{code}/"}),
    }


def _get(client, url: str):
    response = client.get(url)
    if response.streaming:  # reading a file response to its end closes it (the test client's wrapper)
        b"".join(response.streaming_content)
    return response


def _count(client, url: str) -> int:
    _get(client, url)  # the first request of a year also saves it in the session
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


# The large size's counts. A change that adds a query per member, criterion, bloc or year fails the
# equality of the two sizes; a change that adds a fixed query fails the pin and must update it.
PINNED = {
    # this year's leader
    "dashboard": 16, "bloc_list": 6, "bloc_detail": 8, "term_detail": 8, "past_term_detail": 10, "elect": 12,
    "agreement_draft": 16, "agreement_final": 11, "agreement_preview_draft": 9,
    "agreement_preview_final": 5, "agreement_pdf_draft": 9, "agreement_pdf_final": 7,
    "agreement_signed_scan": 5, "criteria": 15, "criteria_past": 13, "criteria_export": 7, "settings": 8,
    "member_sheet": 11, "review": 12, "cross": 11, "grid": 14, "grid_past": 13, "grid_export": 12,
    "ranking": 12, "ranking_past": 12, "ranking_export": 8, "ballots_past": 8, "ballot_closed": 9,
    "conferences": 9, "conference_yearend": 10, "conference_midyear": 10, "documents": 9, "document": 9,
    "document_preview": 16, "document_pdf": 16, "unit_awards": 8,
    # a member drafting its sheet
    "member_dashboard": 12, "own_sheet": 13, "register": 9, "ranking_published": 13,
    # board staff
    "board_dashboard": 6, "board_bloc_list": 7, "overview": 8, "overview_export": 7,
    "overview_deadlines": 5, "decisions": 8, "audit": 9, "audit_past": 9, "templates": 5, "units": 6,
    "accounts": 5,
    # anyone with a printed code
    "verify_code": 1,
}  # fmt: skip


@pytest.mark.django_db
def test_every_page_reads_the_same_number_of_queries_at_both_sizes(client):
    counts: dict[str, dict[str, int]] = {}
    for label, size in SIZES.items():
        counts[label] = {}
        for user, pages in _world(size).values():
            client.logout()
            if user is not None:
                client.force_login(user)
            for name, url in pages.items():
                counts[label][name] = _count(client, url)
    assert Document.objects.count() == 6
    differing = {
        name: (counts["small"][name], counts["large"][name])
        for name in counts["large"]
        if counts["small"][name] != counts["large"][name]
    }
    assert differing == {}
    assert counts["large"] == PINNED
