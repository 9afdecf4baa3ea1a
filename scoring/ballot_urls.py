"""URLs of the vote (bình xét, suy tôn); part of the `scoring` namespace (see scoring/urls.py)."""

urlpatterns: list = []
