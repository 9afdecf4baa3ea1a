from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("terms/<int:term_pk>/agreement/", views.term_agreement, name="term_agreement"),
    path("agreements/<int:pk>/", views.detail, name="detail"),
    path("agreements/<int:pk>/edit/", views.edit, name="edit"),
    path("agreements/<int:pk>/attach/<str:kind>/", views.attach, name="attach"),
    path("agreements/<int:pk>/files/<str:kind>/", views.download, name="download"),
    path("agreements/<int:pk>/commitments/add/", views.commitment_add, name="commitment_add"),
    path("agreements/<int:pk>/commitments/copy-previous/", views.copy_previous, name="copy_previous"),
    path("agreements/<int:pk>/commitments/<int:cid>/edit/", views.commitment_edit, name="commitment_edit"),
    path("agreements/<int:pk>/commitments/<int:cid>/move/", views.commitment_move, name="commitment_move"),
    path(
        "agreements/<int:pk>/commitments/<int:cid>/remove/", views.commitment_remove, name="commitment_remove"
    ),
    path("agreements/<int:pk>/registration/", views.register, name="register"),
    path("agreements/<int:pk>/finalize/", views.finalize, name="finalize"),
    path("agreements/<int:pk>/new-version/", views.new_version, name="new_version"),
    path("agreements/<int:pk>/sign/", views.sign, name="sign"),
    path("agreements/<int:pk>/preview/", views.preview, name="preview"),
    path("agreements/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
