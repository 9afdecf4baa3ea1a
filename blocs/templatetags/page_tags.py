"""Fragments every page draws the same way, written once in templates/includes/.

Tags rather than plain `{% include %}`s: a breadcrumb's label and an error summary's text interpolate
values ("Năm {{ term.year }}"), which an include's arguments cannot, and the badge sits inside running
text, where the include file's own line breaks would show as spaces.
"""

from urllib.parse import urlencode

from django import template
from django.template.base import Node, NodeList, kwarg_re, token_kwargs
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from blocs.models import Role

register = template.Library()
# The roles that get a badge; the include draws them.
BADGED = (Role.LEADER, Role.DEPUTY)

# Where the crumbs of the enclosing {% breadcrumbs %} are collected while its body renders.
_TRAIL = "_page_tags_trail"


def _render(context: Context, name: str, values: dict) -> SafeString:
    """An include rendered on its own context, without the line breaks around its markup."""
    fragment = context.template.engine.get_template(name)
    return mark_safe(fragment.render(context.new(values)).strip())  # noqa: S308 - rendered, so escaped


@register.tag
def breadcrumbs(parser, token):
    """`{% breadcrumbs %}{% crumb url %}label{% endcrumb %}…{% endbreadcrumbs %}`: the trail above
    a page's title; the last crumb, given without a URL, is the page itself."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% breadcrumbs %} takes no arguments.")
    nodelist = parser.parse(("endbreadcrumbs",))
    parser.delete_first_token()
    return BreadcrumbsNode(nodelist)


class BreadcrumbsNode(Node):
    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist

    def render(self, context):
        trail: list[dict] = []
        with context.push({_TRAIL: trail}):
            # Only the crumbs count: the text between them is the template's own layout.
            self.nodelist.render(context)
        return _render(context, "includes/breadcrumbs.html", {"crumbs": trail})


@register.tag
def crumb(parser, token):
    """`{% crumb url name=value … %}label{% endcrumb %}`: one link of the trail, its keyword
    arguments as the query string; `{% crumb %}label{% endcrumb %}` is the current page."""
    bits = token.split_contents()[1:]
    url = None
    if bits and not kwarg_re.match(bits[0]).group(1):
        url = parser.compile_filter(bits.pop(0))
    query = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{{% crumb %}} cannot read {bits[0]!r}.")
    if query and url is None:
        raise template.TemplateSyntaxError("{% crumb %} has a query string but no URL.")
    nodelist = parser.parse(("endcrumb",))
    parser.delete_first_token()
    return CrumbNode(url, query, nodelist)


class CrumbNode(Node):
    def __init__(self, url, query: dict, nodelist: NodeList):
        self.url, self.query, self.nodelist = url, query, nodelist

    def render(self, context):
        if _TRAIL not in context:
            raise template.TemplateSyntaxError("{% crumb %} belongs inside {% breadcrumbs %}.")
        label = mark_safe(self.nodelist.render(context).strip())  # noqa: S308 - rendered, so escaped
        if self.url is None:
            context[_TRAIL].append({"url": None, "label": label, "current": True})
            return ""
        url = str(self.url.resolve(context))
        if self.query:
            url += "?" + urlencode({key: value.resolve(context) for key, value in self.query.items()})
        context[_TRAIL].append({"url": url, "label": label, "current": False})
        return ""


@register.simple_tag(takes_context=True)
def role_badge(context, role: str, member: str = "") -> SafeString:
    """The leader's or the deputy's badge in a list of members; `member` is what a plain member
    gets instead (nothing unless given). A plain member, most of a list, is not worth a render of
    the include (a bloc's page lists every member of every year)."""
    if role not in BADGED:
        return conditional_escape(member)
    return _render(context, "includes/role_badge.html", {"role": role, "member": member})


@register.tag
def errorsummary(parser, token):
    """`{% errorsummary id="sheet-errors" %}what was wrong{% enderrorsummary %}`: the alert at the
    top of a form that was not saved. For a form's own messages (non_field_errors) use
    `{% form_errors form.non_field_errors %}`."""
    bits = token.split_contents()[1:]
    options = token_kwargs(bits, parser)
    if bits or set(options) - {"id"}:
        raise template.TemplateSyntaxError('{% errorsummary %} takes only id="…".')
    nodelist = parser.parse(("enderrorsummary",))
    parser.delete_first_token()
    return ErrorSummaryNode(options.get("id"), nodelist)


class ErrorSummaryNode(Node):
    def __init__(self, summary_id, nodelist: NodeList):
        self.summary_id, self.nodelist = summary_id, nodelist

    def render(self, context):
        body = mark_safe(self.nodelist.render(context).strip())  # noqa: S308 - rendered, so escaped
        summary_id = self.summary_id.resolve(context) if self.summary_id is not None else ""
        return _render(context, "includes/error_summary.html", {"body": body, "summary_id": summary_id})


@register.simple_tag(takes_context=True)
def form_errors(context, errors) -> SafeString:
    """The error summary for a list of messages (a form's or a formset's own), one a line; nothing
    when the list is empty."""
    return _render(context, "includes/error_summary.html", {"errors": errors})
