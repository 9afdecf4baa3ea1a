from django.urls import path

from blocs.views import accounts, browse, manage

app_name = "blocs"

urlpatterns = [
    path("", browse.dashboard, name="dashboard"),
    path("favicon.ico", browse.favicon, name="favicon"),
    path("health/", browse.health, name="health"),
    path("blocs/", browse.bloc_list, name="bloc_list"),
    path("blocs/new/", manage.bloc_create, name="bloc_create"),
    path("blocs/<int:pk>/", browse.bloc_detail, name="bloc_detail"),
    path("blocs/<int:pk>/edit/", manage.bloc_edit, name="bloc_edit"),
    path("blocs/<int:pk>/terms/new/", manage.term_create, name="term_create"),
    path("terms/<int:pk>/", browse.term_detail, name="term_detail"),
    path("terms/<int:pk>/edit/", manage.term_edit, name="term_edit"),
    path("terms/<int:pk>/decision/", browse.term_decision, name="term_decision"),
    path("terms/<int:pk>/members/add/", manage.membership_add, name="membership_add"),
    path("terms/<int:pk>/members/<int:mid>/edit/", manage.membership_edit, name="membership_edit"),
    path("terms/<int:pk>/members/<int:mid>/remove/", manage.membership_remove, name="membership_remove"),
    path("terms/<int:pk>/leadership/", manage.leadership, name="leadership"),
    path("terms/<int:pk>/elect/", manage.elect, name="elect"),
    path("terms/<int:pk>/close/", manage.term_close, name="term_close"),
    path("terms/<int:pk>/audit/", browse.term_audit, name="term_audit"),
    path("units/", manage.unit_list, name="unit_list"),
    path("units/new/", manage.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", manage.unit_edit, name="unit_edit"),
    path("units/<int:pk>/rename/", manage.unit_rename, name="unit_rename"),
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/new/", accounts.account_create, name="account_create"),
    path("accounts/<int:pk>/password/", accounts.account_password, name="account_password"),
    path("accounts/<int:pk>/active/", accounts.account_active, name="account_active"),
]
