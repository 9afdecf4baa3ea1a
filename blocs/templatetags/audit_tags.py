from django import template

from blocs.audit import current_label as _current_label

register = template.Library()


@register.filter
def current_label(label: str) -> str:
    """An audit event's object type under today's label (events are never rewritten)."""
    return _current_label(label)
