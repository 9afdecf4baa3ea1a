"""The templates themselves: the fragments every page shares are written once (templates/includes/,
drawn by blocs/templatetags/page_tags.py) and draw the markup the pages had by hand, and no template
line grows past what a reviewer can read in a diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.template import TemplateSyntaxError, engines

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MAX_LINE = 200
# Markup that only its include may write: a page that writes it again by hand drifts from the others.
SHARED = {
    'aria-label="Đường dẫn"': "includes/breadcrumbs.html",
    "breadcrumb-item": "includes/breadcrumbs.html",
    "role-badge": "includes/role_badge.html",
    'alert-danger" role="alert"': "includes/error_summary.html",
}


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load page_tags %}" + source).render(context)


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def test_breadcrumbs_link_the_pages_above_and_mark_the_current_one():
    page = render(
        "{% breadcrumbs %}\n"
        '  {% crumb "/blocs/" %}Các khối{% endcrumb %}\n'
        "  {% crumb bloc_url %}{{ name }}{% endcrumb %}\n"
        "  {% crumb %}Năm {{ year }}{% endcrumb %}\n"
        "{% endbreadcrumbs %}",
        bloc_url="/blocs/7/",
        name="Khối <Nội chính> & Đảng",
        year=2024,
    )
    assert page == (
        '<nav aria-label="Đường dẫn"><ol class="breadcrumb">'
        '<li class="breadcrumb-item"><a href="/blocs/">Các khối</a></li>'
        '<li class="breadcrumb-item"><a href="/blocs/7/">Khối &lt;Nội chính&gt; &amp; Đảng</a></li>'
        '<li class="breadcrumb-item active" aria-current="page">Năm 2024</li>'
        "</ol></nav>"
    )


def test_a_crumb_takes_its_query_string_from_keyword_arguments_and_may_sit_in_an_if():
    page = render(
        "{% breadcrumbs %}{% url 'board:overview' as overview_url %}"
        "{% if show %}{% crumb overview_url year=year %}Tổng hợp{% endcrumb %}{% endif %}"
        "{% crumb %}Hạn{% endcrumb %}{% endbreadcrumbs %}",
        show=True,
        year=2024,
    )
    assert '<a href="/overview/?year=2024">Tổng hợp</a>' in page
    assert page.count("breadcrumb-item") == 2
    hidden = render(
        "{% breadcrumbs %}{% if show %}{% crumb '/x/' %}X{% endcrumb %}{% endif %}{% endbreadcrumbs %}"
    )
    assert "breadcrumb-item" not in hidden


@pytest.mark.parametrize(
    "source",
    [
        "{% crumb '/x/' %}X{% endcrumb %}",  # outside {% breadcrumbs %}
        "{% breadcrumbs %}{% crumb year=1 %}X{% endcrumb %}{% endbreadcrumbs %}",  # a query without a URL
        "{% breadcrumbs '/x/' %}{% endbreadcrumbs %}",
        '{% errorsummary class="x" %}X{% enderrorsummary %}',
    ],
)
def test_a_misused_fragment_tag_fails_loudly(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


@pytest.mark.parametrize(
    ("role", "member", "expected"),
    [
        ("leader", "", '<span class="badge text-bg-danger role-badge">Trưởng khối</span>'),
        ("deputy", "", '<span class="badge text-bg-warning role-badge">Phó trưởng khối</span>'),
        ("member", "", ""),
        ("member", "Thành viên", "Thành viên"),
    ],
)
def test_the_role_badge_marks_the_leader_and_the_deputy(role, member, expected):
    # Nothing around it: the badge sits in running text, where a stray line break is a space.
    assert render("[{% role_badge role member=member %}]", role=role, member=member) == f"[{expected}]"


def test_the_error_summary_wraps_what_the_page_says_went_wrong():
    page = render(
        '{% errorsummary id="sheet-errors" %}\n  <p>Chưa lưu: {{ n }} ô.</p>\n{% enderrorsummary %}', n=2
    )
    assert (
        page == '<div class="alert alert-danger" role="alert" id="sheet-errors"><p>Chưa lưu: 2 ô.</p></div>'
    )
    assert render("{% errorsummary %}Không tìm thấy.{% enderrorsummary %}") == (
        '<div class="alert alert-danger" role="alert">Không tìm thấy.</div>'
    )


def test_a_forms_own_errors_are_one_a_line_and_absent_when_there_are_none():
    page = render("{% form_errors errors %}", errors=["Số phiếu không khớp.", "<b>Trùng</b>"])
    assert page == (
        '<div class="alert alert-danger" role="alert">'
        "<div>Số phiếu không khớp.</div><div>&lt;b&gt;Trùng&lt;/b&gt;</div></div>"
    )
    assert render("[{% form_errors errors %}]", errors=[]) == "[]"


@pytest.mark.parametrize("markup", SHARED)
def test_shared_markup_is_written_only_in_its_include(markup):
    writers = [
        str(p.relative_to(TEMPLATES)) for p in template_files() if markup in p.read_text(encoding="utf-8")
    ]
    assert writers == [SHARED[markup]]


def test_no_template_line_is_longer_than_the_limit():
    long_lines = [
        f"{path.relative_to(TEMPLATES)}:{number} ({len(line)} characters)"
        for path in template_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_LINE
    ]
    assert not long_lines, "\n".join(long_lines)
