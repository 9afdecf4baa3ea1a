"""The year every page shows: ?year=, else the one chosen earlier in the session, else the default."""

from django.db.models import Count, Q

from blocs.models import Term, TermStatus

SESSION_KEY = "selected_year"
DEFAULT_KEY = "default_year"  # the dashboard's default, until the user chooses a year
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


def _chosen(request) -> int | None:
    """The year the user chose: ?year= (remembered in the session), or one chosen earlier."""
    raw = request.GET.get("year", "")
    if raw.isdecimal() and len(raw) == 4 and MIN_YEAR <= int(raw) <= MAX_YEAR:
        if request.session.get(SESSION_KEY) != int(raw):
            request.session[SESSION_KEY] = int(raw)
        return int(raw)
    stored = request.session.get(SESSION_KEY)
    return stored if isinstance(stored, int) else None


def _resolve(request) -> int | None:
    chosen = _chosen(request)
    if chosen is not None:
        return chosen
    settled = request.session.get(DEFAULT_KEY)
    return settled if isinstance(settled, int) else default_year(request)


def settle_default_year(request, year: int | None) -> int | None:
    """The dashboard's default for a user who has not chosen a year: `year` (the earliest year with
    a to-do of theirs), else the latest year with an open term. Remembered in the session, so that
    every page after the dashboard shows the same year until the user chooses one."""
    chosen = _chosen(request)
    if chosen is None:
        chosen = year if year is not None else default_year(request)
        if request.session.get(DEFAULT_KEY) != chosen:
            request.session[DEFAULT_KEY] = chosen
    request._selected_year = chosen
    return chosen


def year_choices(request=None) -> list[int]:
    return [year for year, _ in _years(request)]
