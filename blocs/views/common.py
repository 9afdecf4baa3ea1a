"""Helpers every app's pages share: the GET-or-POST guard, putting a service's errors where the
user reads them, and the confirmation before what cannot be undone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

GET_POST = require_http_methods(["GET", "POST"])


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: per field where it names one, on the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@dataclass(frozen=True)
class Confirmation:
    """The page shown before what cannot be undone (issue 15, item 11): what will happen, what
    cannot be undone, and a second, deliberate action. `blocked` lists why it cannot be done yet
    (then there is no button); `hidden` carries what the action needs to the POST."""

    title: str
    happens: list[str]
    final: str
    submit: str
    back: str
    blocked: list[str] = field(default_factory=list)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    danger: bool = False
    # A form's second step (the marks of a vote, the election's result): its first POST is the
    # normal way here, not a stale one-click form, so the page says so without alarm.
    second_step: bool = False


CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    """The POST came from the confirmation page's button, not from a first click."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "yes"


def confirm_page(request: HttpRequest, confirmation: Confirmation, *, status: int = 200) -> HttpResponse:
    return render(request, "blocs/confirm.html", {"c": confirmation, "confirmed": CONFIRMED}, status=status)


def confirmed_action(
    request: HttpRequest,
    confirmation: Callable[[], Confirmation],
    act: Callable[[], HttpResponse],
    *,
    error_prefix: str = "",
) -> HttpResponse:
    """The action behind a confirmation page: on the page's button, `act()` (the service call, its
    success message, the page to go to); the service's refusal comes back above the confirmation
    page, which is also what every other request gets."""
    if is_confirmed(request):
        try:
            return act()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, error_prefix + message)
    return confirm_page(request, confirmation())
