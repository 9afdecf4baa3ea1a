from django.urls import path

from scoring import views
from scoring.ballot_urls import urlpatterns as ballot_urlpatterns

app_name = "scoring"

urlpatterns = [
    path("terms/<int:term_pk>/scoring/", views.term_scoring, name="term_scoring"),
    path("scoring/templates/", views.templates, name="templates"),
    path("scoring/<int:pk>/", views.criteria, name="criteria"),
    path("scoring/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("scoring/<int:pk>/settings/", views.settings_edit, name="settings"),
    path("scoring/<int:pk>/open/", views.scoring_open, name="open"),
    path("scoring/<int:pk>/lock/", views.scoring_lock, name="lock"),
    path("scoring/<int:pk>/reopen/", views.scoring_reopen, name="reopen"),
    path("scoring/<int:pk>/import/", views.criteria_import, name="import"),
    path("scoring/<int:pk>/export.<str:fmt>", views.criteria_export, name="export"),
    path("scoring/<int:pk>/sheet/", views.own_sheet, name="own_sheet"),
    path("scoring/<int:pk>/sheet/evidence/", views.evidence_add, name="evidence_add"),
    path("scoring/criteria/<int:cid>/edit/", views.criterion_edit, name="criterion_edit"),
    path("scoring/criteria/<int:cid>/move/", views.criterion_move, name="criterion_move"),
    path("scoring/criteria/<int:cid>/remove/", views.criterion_remove, name="criterion_remove"),
    path("scoring/sheets/<int:sheet_pk>/", views.sheet_detail, name="sheet"),
    path("scoring/evidence/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("scoring/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
]

urlpatterns += ballot_urlpatterns
