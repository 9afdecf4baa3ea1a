"""URLs of the conferences, in the `scoring` namespace (see scoring/urls.py)."""

from django.urls import path

from scoring.views import conferences as views

urlpatterns = [
    path("terms/<int:term_pk>/conferences/", views.conferences, name="conferences"),
    path("terms/<int:term_pk>/conferences/<str:kind>/", views.conference, name="conference"),
]
