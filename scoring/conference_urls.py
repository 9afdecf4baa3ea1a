"""URLs of the conferences; part of the `scoring` namespace (see scoring/urls.py)."""

urlpatterns: list = []
