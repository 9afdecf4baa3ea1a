"""Pages of the term's conferences: the three kinds, each recorded by the leader or the deputy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from blocs import permissions as bloc_perms
from blocs.views.common import GET_POST, errors_to_form
from conferences import forms, selectors
from conferences.models import Conference, ConferenceKind
from conferences.services import conference as services


def _members(term):
    return list(term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"))


@require_GET
def conferences(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = bloc_perms.get_term_for_user(request, term_pk)
    recorded = {c.kind: c for c in Conference.objects.filter(term=term)}
    facts = services.signing_facts(term)
    rows = [
        {
            "kind": kind,
            "label": label,
            "conference": recorded.get(kind),
            "date": facts["date"]
            if kind == ConferenceKind.SIGNING
            else getattr(recorded.get(kind), "date", None),
        }
        for kind, label in ConferenceKind.choices
    ]
    context = {"term": term, "rows": rows, "can_edit": bloc_perms.can_edit_drafts(request.user, term)}
    return render(request, "conferences/conference_list.html", context)


@GET_POST
def conference(request: HttpRequest, term_pk: int, kind: str) -> HttpResponse:
    if kind not in ConferenceKind.values:
        raise Http404
    term = bloc_perms.get_term_for_user(request, term_pk)
    can_edit = bloc_perms.can_edit_drafts(request.user, term)
    current = Conference.objects.filter(term=term, kind=kind).first()
    members = _members(term)
    form = forms.ConferenceForm(
        request.POST or None,
        instance=current,
        kind=kind,
        initial={"lock_version": current.lock_version if current else None},
    )
    problem = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                present = (
                    forms.parse_attendance(request.POST, members) if kind in services.OWN_ATTENDANCE else None
                )
                services.conference_save(
                    term=term, kind=kind, data=form.cleaned_data, present=present,
                    lock_version=form.cleaned_data.get("lock_version"), by=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Đã lưu thông tin hội nghị.")
                return redirect("conferences:conference", term.pk, kind)
        problem = True
    attendance = selectors.attendance(term, kind, current, members)
    recorded = {m.pk: r for m, r in attendance.present}
    rows = [
        {
            "member": m,
            "present": bool(request.POST.get(f"present-{m.pk}")) if problem else m.pk in recorded,
            "representative": request.POST.get(f"rep-{m.pk}", "") if problem else recorded.get(m.pk, ""),
        }
        for m in members
    ]
    context = {
        "term": term,
        "kind": kind,
        "label": ConferenceKind(kind).label,
        "conference": current,
        "form": form,
        "can_edit": can_edit,
        "attendance": attendance,
        "rows": rows,
        "own_attendance": kind in services.OWN_ATTENDANCE,
        "signing": services.signing_facts(term) if kind == ConferenceKind.SIGNING else None,
    }
    return render(request, "conferences/conference.html", context, status=400 if form.errors else 200)
