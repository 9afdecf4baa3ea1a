"""URLs of the board: the overview of every bloc, deadlines, award decisions, units' awards."""

from django.urls import path

from board import views

app_name = "board"

urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("overview.xlsx", views.overview_export, name="overview_export"),
    path("overview/deadlines/", views.overview_deadlines, name="overview_deadlines"),
    path("terms/<int:term_pk>/decisions/", views.decisions, name="decisions"),
    path("units/<int:unit_pk>/awards/", views.unit_awards, name="unit_awards"),
]
