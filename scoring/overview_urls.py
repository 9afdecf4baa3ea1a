"""URLs of the board's overview; part of the `scoring` namespace (see scoring/urls.py)."""

from django.urls import path

from scoring.views import overview as views

urlpatterns: list = [
    path("overview/", views.overview, name="overview"),
    path("overview.xlsx", views.overview_export, name="overview_export"),
    path("overview/deadlines/", views.overview_deadlines, name="overview_deadlines"),
    path("terms/<int:term_pk>/decisions/", views.decisions, name="decisions"),
    path("units/<int:unit_pk>/awards/", views.unit_awards, name="unit_awards"),
]
