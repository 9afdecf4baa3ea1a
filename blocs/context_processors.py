from functools import partial

from blocs.permissions import can_manage_accounts, is_board
from blocs.years import selected_year, year_choices


def navigation(request) -> dict:
    """The year selector and the board's menu entries; only for signed-in users (no queries otherwise)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "selected_year": selected_year(request),
        "year_choices": partial(year_choices, request),  # called lazily by the template
        "nav_is_board": is_board(user),
        "nav_can_manage_accounts": can_manage_accounts(user),
    }
