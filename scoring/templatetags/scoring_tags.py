from decimal import Decimal

from django import template

from scoring.rules import fmt

register = template.Library()


@register.filter
def pts(value) -> str:
    """A score as Vietnamese users write it: 7,5 · 10 · −2 (deductions keep their sign)."""
    if value is None or value == "":
        return "—"
    return fmt(Decimal(value)).replace("-", "−")
