"""URLs of the vote (bình xét, suy tôn)."""

from django.urls import path

from ballots import views

app_name = "ballots"

urlpatterns = [
    path("terms/<int:term_pk>/ballots/", views.ballots, name="ballots"),
    path("ballots/<int:pk>/", views.ballot_detail, name="ballot"),
    path("ballots/<int:pk>/edit/", views.ballot_edit, name="ballot_edit"),
    path("ballots/<int:pk>/open/", views.ballot_open, name="ballot_open"),
    path("ballots/<int:pk>/vote/", views.ballot_vote, name="ballot_vote"),
    path("ballots/<int:pk>/counts/", views.ballot_counts, name="ballot_counts"),
    path("ballots/<int:pk>/close/", views.ballot_close, name="ballot_close"),
    path("ballots/<int:pk>/runoff/", views.ballot_runoff, name="ballot_runoff"),
    path("ballots/<int:pk>/papers.pdf", views.ballot_papers, name="ballot_papers"),
]
