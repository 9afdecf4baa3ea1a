"""The app's URLs plus two probes that the load benchmark measures beside `/health/`, to show where
the dashboard's target (half of `/health/`'s throughput) stands against what any signed-in page can
reach on the same server (docs/PERFORMANCE.md). Served by bench/run's gunicorn only
(bench/settings.py); not part of the application.

- `/bench/signed-in/`: the least a signed-in page can cost. The same middleware as every page, the
  session and the user read (two queries), no template: a line of text.
- `/bench/dashboard-kept/`: the user's dashboard computed once per worker and then served as it
  was: the most that any cache of the dashboard could give (it never sees a change, so it is not
  something the application could ship).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from blocs.views.browse import dashboard

_kept: dict[int, bytes] = {}


def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{request.user.pk}\n", content_type="text/plain; charset=utf-8")


def dashboard_kept(request: HttpRequest) -> HttpResponse:
    body = _kept.get(request.user.pk)
    if body is None:
        response = dashboard(request)
        if response.status_code != 200:
            return response
        body = _kept[request.user.pk] = response.content
    return HttpResponse(body)


urlpatterns = [
    path("bench/signed-in/", signed_in, name="bench_signed_in"),
    path("bench/dashboard-kept/", dashboard_kept, name="bench_dashboard_kept"),
    path("", include("config.urls")),
]
