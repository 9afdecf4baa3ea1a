from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from scoring.arithmetic import figure

register = template.Library()


@register.filter
def pts(value) -> str:
    """A score as Vietnamese users write it: 7,5 · 10 · −2 (deductions keep their sign)."""
    return figure(value)


@register.filter
def grid_cells(row: dict) -> str:
    """A criterion's row of the grid (`selectors.grid_rows`), one cell per member: self, reviewed
    and final points, and whether an explanation was filed or decided. Written here rather than in
    the template: a grid has members × criteria cells, and the template language costs several
    times more per cell."""
    if row["criterion"].is_group:
        return mark_safe('<td class="small text-nowrap"></td>' * len(row["cells"]))  # noqa: S308
    cells = []
    for cell in row["cells"]:
        final, explanation = cell["final"], cell["explanation"]
        text = ""
        if final is not None:
            text = format_html(
                "T {} · TĐ {} · <strong>C {}</strong>",
                figure(final.self_points),
                figure(final.reviewed_points),
                figure(final.points),
            )
            if explanation is not None:
                decided = explanation.decided_points is not None
                text += format_html(
                    '<br><span class="badge text-bg-info">{}</span>',
                    "đã quyết định" if decided else "giải trình",
                )
        cells.append(format_html('<td class="small text-nowrap">{}</td>', text))
    return mark_safe("".join(cells))  # noqa: S308 -- every piece went through format_html
