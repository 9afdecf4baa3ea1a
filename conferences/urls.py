"""URLs of the conferences and their documents (reports, minutes, proposal)."""

from django.urls import path

from conferences.views import conference, documents

app_name = "conferences"

urlpatterns = [
    path("terms/<int:term_pk>/conferences/", conference.conferences, name="conferences"),
    path("terms/<int:term_pk>/conferences/<str:kind>/", conference.conference, name="conference"),
    path("terms/<int:term_pk>/documents/", documents.documents, name="documents"),
    path("terms/<int:term_pk>/documents/<str:kind>/start/", documents.document_start, name="document_start"),
    path("documents/<int:pk>/", documents.document, name="document"),
    path("documents/<int:pk>/preview/", documents.document_preview, name="document_preview"),
    path("documents/<int:pk>/pdf/", documents.document_pdf, name="document_pdf"),
    path("documents/<int:pk>/submit/", documents.document_submit, name="document_submit"),
    path("documents/<int:pk>/scan/", documents.document_scan, name="document_scan"),
    path("documents/<int:pk>/files/<str:kind>/", documents.document_file, name="document_file"),
]
