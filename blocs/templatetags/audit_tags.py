from django import template

from blocs.audit import current_label as _current_label
from blocs.audit_display import kind_label as _kind_label

register = template.Library()


@register.filter
def current_label(label: str) -> str:
    """An audit event's object type under today's label (events are never rewritten)."""
    return _current_label(label)


@register.filter
def kind_label(label: str) -> str:
    """An object type as its readers call it ("Bảng tiêu chí"), old labels included."""
    return _kind_label(label)
