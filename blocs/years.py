"""The year every page shows: ?year=, else the one chosen earlier in the session, else the default."""

from django.db.models import Count, Q

from blocs.models import Term, TermStatus

SESSION_KEY = "selected_year"
MIN_YEAR, MAX_YEAR = 2000, 2100


def _years(request=None) -> list[tuple[int, int]]:
    """Every year that has a term, newest first, with its number of open terms: one query, read once
    per request (the menu's year list and the default year both come from it)."""
    if request is not None and hasattr(request, "_years"):
        return request._years
    years = list(
        Term.objects.order_by("-year")
        .values_list("year")
        .annotate(open=Count("pk", filter=Q(status=TermStatus.OPEN)))
    )
    if request is not None:
        request._years = years
    return years


def default_year(request=None) -> int | None:
    """The latest year that has an open term, else the latest year of any term — never the clock."""
    years = _years(request)
    return next((year for year, open_terms in years if open_terms), years[0][0] if years else None)


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
    return default_year(request)


def year_choices(request=None) -> list[int]:
    return [year for year, _ in _years(request)]
