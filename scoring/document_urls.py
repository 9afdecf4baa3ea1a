"""URLs of the documents (reports, minutes, proposal), in the `scoring` namespace (scoring/urls.py)."""

from django.urls import path

from scoring.views import documents as views

urlpatterns: list = [
    path("terms/<int:term_pk>/documents/", views.documents, name="documents"),
    path("terms/<int:term_pk>/documents/<str:kind>/start/", views.document_start, name="document_start"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/preview/", views.document_preview, name="document_preview"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/submit/", views.document_submit, name="document_submit"),
    path("documents/<int:pk>/scan/", views.document_scan, name="document_scan"),
    path("documents/<int:pk>/files/<str:kind>/", views.document_file, name="document_file"),
]
