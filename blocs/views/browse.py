"""Pages that read: the dashboard, the bloc list, a bloc's history, a term, and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blocs import audit_display, selectors
from blocs import permissions as perms
from blocs.audit import current_label, labels_of
from blocs.models import AuditEvent, Bloc, Membership, Role, Term, TermStatus, User
from blocs.todos import todos_for
from blocs.years import selected_year, settle_default_year


def _with_members(terms):
    """Every member of each term (name as it was that year) in one query, as `term.members`."""
    return terms.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("unit").with_unit_name().order_by("position", "pk"),
            to_attr="members",
        )
    )


def _attach_roles(terms, user, *, members: str = "members") -> None:
    """Resolve the user's role in each term from the prefetched members (no query per term)."""
    for term in terms:
        prefetched = getattr(term, members)
        term.user_membership = [m for m in prefetched if m.unit_id == user.unit_id]
        term.leader = next((m for m in prefetched if m.role == Role.LEADER), None)
        term.deputy = next((m for m in prefetched if m.role == Role.DEPUTY), None)
        term.user_role = perms.role_in_term(user, term)
        term.can_view = perms.can_view_term(user, term)


def _with_leadership_and_own(terms, user):
    """What the dashboard shows of each term's members: their number (`member_count`), the leader
    and the deputy, and the user's own unit (names as they were that year). Two queries, and a few
    rows per term whatever the bloc's size, where every member's row would be read for a count."""
    shown = Q(role__in=[Role.LEADER, Role.DEPUTY])
    if user.unit_id is not None:
        shown |= Q(unit_id=user.unit_id)
    return terms.with_member_count().prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(shown)
            .select_related("unit")
            .with_unit_name()
            .order_by("position", "pk"),
            to_attr="members_shown",
        )
    )


def _dashboard_terms(terms, user) -> list[Term]:
    """The terms with what the dashboard and the to-do providers read: member count, leader,
    deputy, the user's role, and whether next year is open (`next_elected`). Three queries."""
    terms = list(_with_leadership_and_own(terms.select_related("bloc", "supervisor"), user))
    _attach_roles(terms, user, members="members_shown")
    leading = [t for t in terms if t.user_role == Role.LEADER and t.is_open]
    following = (
        set(
            Term.objects.filter(
                bloc_id__in={t.bloc_id for t in leading}, year__in={t.year + 1 for t in leading}
            ).values_list("bloc_id", "year")
        )
        if leading
        else set()
    )
    for term in terms:
        term.next_elected = (term.bloc_id, term.year + 1) in following
    return terms


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Board staff: the selected year's blocs and their to-dos. Everyone else: the to-dos of every
    open term of theirs whatever the year, grouped by year; the year shown defaults to the
    earliest with a to-do (issue 15, item 4)."""
    user = request.user
    board = perms.is_board(user)
    if board:
        year = selected_year(request)
        terms = _dashboard_terms(Term.objects.for_year(year).order_by("bloc__name"), user)
        tasks = todos_for(terms, user, board=True)
    else:
        mine = Term.objects.filter(status=TermStatus.OPEN).visible_to(user).order_by("year", "bloc__name")
        tasks = todos_for(_dashboard_terms(mine, user), user, board=False)
        year = settle_default_year(request, min((t.term.year for t in tasks), default=None))
        terms = _dashboard_terms(Term.objects.for_year(year).visible_to(user).order_by("bloc__name"), user)
    context = {
        "year": year,
        "terms": terms,
        "board": board,
        "tasks": tasks,
        "supervised": [t for t in terms if perms.is_supervisor(request.user, t)],
        "other_years": [] if board or terms else _years_of(user),
    }
    return render(request, "blocs/dashboard.html", context)


def _years_of(user) -> list[int]:
    """The years that hold the user's blocs (a member or supervisor), for a year with none."""
    return list(Term.objects.visible_to(user).order_by("year").values_list("year", flat=True).distinct())


@require_GET
def bloc_list(request: HttpRequest) -> HttpResponse:
    year = selected_year(request)
    terms = Term.objects.for_year(year).visible_to(request.user).select_related("bloc", "supervisor")
    terms = list(_with_members(terms).order_by("bloc__name"))
    _attach_roles(terms, request.user)
    board = perms.is_board(request.user)
    without_term = Bloc.objects.exclude(terms__year=year).order_by("name") if board else Bloc.objects.none()
    context = {"year": year, "terms": terms, "board": board, "without_term": list(without_term)}
    return render(request, "blocs/bloc_list.html", context)


@require_GET
def bloc_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bloc = perms.get_bloc_for_user(request, pk)
    terms = list(_with_members(bloc.terms.select_related("supervisor")).order_by("-year"))
    _attach_roles(terms, request.user)
    board = perms.is_board(request.user)
    context = {
        "bloc": bloc,
        "terms": terms,
        "selected": next((t for t in terms if t.year == selected_year(request)), terms[0] if terms else None),
        "can_edit": board,
        "can_add_term": board,
    }
    return render(request, "blocs/bloc_detail.html", context)


@require_GET
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, pk)
    term.members = list(term.memberships.select_related("unit").with_unit_name().order_by("position", "pk"))
    _attach_roles([term], request.user)
    recorded = selectors.next_leadership(term)
    term.next_elected = recorded is not None
    context = {
        "term": term,
        "members": term.members,
        "recorded": recorded,
        "can_manage": perms.can_manage_term(request.user, term),
        "can_elect": perms.can_elect_next(request.user, term),
        "is_supervisor": perms.is_supervisor(request.user, term),
    }
    return render(request, "blocs/term_detail.html", context)


@require_GET
def term_decision(request: HttpRequest, pk: int) -> FileResponse:
    term = perms.get_term_for_user(request, pk)
    if not term.decision_scan:
        raise Http404
    return FileResponse(
        term.decision_scan.open("rb"),
        as_attachment=True,
        filename=f"quyet-dinh-khoi-{term.bloc_id}-{term.year}.pdf",
        content_type="application/pdf",
    )


FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, where browsers and bookmarks look for it (pages link /static/favicon.svg)."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def term_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Board staff read a term's audit log, newest first, filtered by object type and by person."""
    term = perms.get_term_audit_for_user(request, pk)
    events = AuditEvent.objects.filter(term=term).select_related("actor__unit")
    object_type = request.GET.get("object", "")
    actor = request.GET.get("actor", "")
    # Events written before the apps were split keep their old labels: one kind under today's label.
    types = sorted(
        {current_label(t) for t in AuditEvent.objects.filter(term=term).values_list("object_type", flat=True)}
    )
    people = list(
        User.objects.filter(pk__in=AuditEvent.objects.filter(term=term).values("actor_id")).order_by(
            "full_name"
        )
    )
    if object_type in types:
        events = events.filter(object_type__in=labels_of(object_type))
    numeric = actor.isdecimal() and len(actor) < 19  # not isdigit(): int() refuses "²"
    if numeric:
        events = events.filter(actor_id=int(actor))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    names = audit_display.Names(page.object_list)
    for event in page.object_list:
        event.action_label = audit_display.action_label(event.action)
        event.kind_label = audit_display.kind_label(event.object_type)
        event.changes = audit_display.changes(event, names)
    context = {
        "term": term,
        "page": page,
        "types": types,
        "people": people,
        "object_type": object_type,
        "actor": int(actor) if numeric else None,
    }
    return render(request, "blocs/audit.html", context)
