"""The year every page shows: ?year=, else the one chosen earlier in the session, else the default."""

from django.db.models import Max, Q

from blocs.models import Term, TermStatus

SESSION_KEY = "selected_year"
MIN_YEAR, MAX_YEAR = 2000, 2100


def default_year() -> int | None:
    """The latest year that has an open term, else the latest year of any term — never the clock."""
    years = Term.objects.aggregate(open=Max("year", filter=Q(status=TermStatus.OPEN)), any=Max("year"))
    return years["open"] or years["any"]


def selected_year(request) -> int | None:
    if not hasattr(request, "_selected_year"):
        request._selected_year = _resolve(request)
    return request._selected_year


def _resolve(request) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isdecimal() and len(raw) == 4 and MIN_YEAR <= int(raw) <= MAX_YEAR:
        if request.session.get(SESSION_KEY) != int(raw):
            request.session[SESSION_KEY] = int(raw)
        return int(raw)
    stored = request.session.get(SESSION_KEY)
    if isinstance(stored, int):
        return stored
    return default_year()


def year_choices() -> list[int]:
    return list(Term.objects.order_by("-year").values_list("year", flat=True).distinct())
