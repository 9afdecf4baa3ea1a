"""Helpers every app's pages share: the GET-or-POST guard and putting a service's errors where the
user reads them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
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
