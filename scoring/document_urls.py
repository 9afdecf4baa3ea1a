"""URLs of the documents (reports, minutes, proposal), in the `scoring` namespace (scoring/urls.py)."""

urlpatterns: list = []
