"""URLs of the board's overview; part of the `scoring` namespace (see scoring/urls.py)."""

urlpatterns: list = []
