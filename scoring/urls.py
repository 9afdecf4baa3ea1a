from django.urls import path

from scoring import views

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
    # Review, explanations, results
    path("scoring/reviews/<int:sheet_pk>/", views.review, name="review"),
    path("scoring/reviews/<int:sheet_pk>/unassign/", views.cross_remove, name="cross_remove"),
    path("scoring/<int:pk>/members/<int:membership_pk>/review/", views.review_start, name="review_start"),
    path("scoring/<int:pk>/cross/", views.cross, name="cross"),
    path("scoring/<int:pk>/explain/<int:criterion_pk>/", views.explain, name="explain"),
    path("scoring/explanations/<int:explanation_pk>/decide/", views.decide, name="decide"),
    path("scoring/<int:pk>/grid/", views.grid, name="grid"),
    path("scoring/<int:pk>/grid.xlsx", views.grid_export, name="grid_export"),
    path("scoring/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("scoring/<int:pk>/ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("scoring/<int:pk>/publish/", views.publish, name="publish"),
]
