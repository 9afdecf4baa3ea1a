from django import template

from scoring.arithmetic import figure

register = template.Library()


@register.filter
def pts(value) -> str:
    """A score as Vietnamese users write it: 7,5 · 10 · −2 (deductions keep their sign)."""
    return figure(value)
