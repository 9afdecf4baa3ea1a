"""The vote in the admin is read-only, and shows ballots and their candidates only: the register of
who voted is the pages' business, and the secret marks (BallotChoice) are never shown anywhere."""

from django.contrib import admin

from ballots.models import Ballot, BallotCandidate
from blocs.admin import ReadOnlyAdmin


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["title", "term", "kind", "award", "mode", "state", "closed_at"]
    list_filter = ["kind", "mode", "state", "term__year"]
    list_select_related = ["term__bloc"]
    exclude = ["result"]


@admin.register(BallotCandidate)
class BallotCandidateAdmin(ReadOnlyAdmin):
    list_display = ["membership", "ballot", "eligible", "votes"]
    list_select_related = ["membership__unit", "membership__term__bloc", "ballot"]
