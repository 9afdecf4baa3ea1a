from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Khối thi đua — quản trị"
admin.site.site_title = "Khối thi đua"

urlpatterns = [
    path("", include("blocs.urls")),
    path("", include("blocs.auth_urls")),
    path("", include("agreements.urls")),
    path("", include("scoring.urls")),
    path("", include("ballots.urls")),
    path("", include("conferences.urls")),
    path("", include("board.urls")),
    path("admin/", admin.site.urls),
]
