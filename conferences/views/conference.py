"""Pages of the term's conferences: the three kinds, each recorded by the leader or the deputy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from blocs.views.common import GET_POST, errors_to_form
from conferences import forms, selectors
from conferences import permissions as perms
from conferences.models import Conference, ConferenceKind
from conferences.services import conference as services


def _members(term):
    return list(term.memberships.with_unit_name().select_related("unit").order_by("position", "pk"))


@require_GET
def conferences(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = perms.get_term_for_user(request, term_pk)
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
    context = {"term": term, "rows": rows, "can_edit": perms.can_edit_conferences(request.user, term)}
    return render(request, "conferences/conference_list.html", context)


def _save(request: HttpRequest, term, kind: str, form: forms.ConferenceForm, members: list) -> bool:
    """Record the posted conference (and who attended, where it keeps its own list); a refusal goes
    on the form."""
    if not form.is_valid():
        return False
    try:
        present = forms.parse_attendance(request.POST, members) if kind in services.OWN_ATTENDANCE else None
        services.conference_save(
            term=term, kind=kind, data=form.cleaned_data, present=present,
            lock_version=form.cleaned_data.get("lock_version"), by=request.user,
        )  # fmt: skip
    except ValidationError as exc:
        errors_to_form(form, exc)
        return False
    return True


def _attendance_rows(request: HttpRequest, attendance: services.Attendance, members: list) -> list[dict]:
    """Each member with whether it was there: as posted when the form comes back, else as recorded."""
    posted = request.method == "POST"
    recorded = {m.pk: r for m, r in attendance.present}
    return [
        {
            "member": m,
            "present": bool(request.POST.get(f"present-{m.pk}")) if posted else m.pk in recorded,
            "representative": request.POST.get(f"rep-{m.pk}", "") if posted else recorded.get(m.pk, ""),
        }
        for m in members
    ]


@GET_POST
def conference(request: HttpRequest, term_pk: int, kind: str) -> HttpResponse:
    if kind not in ConferenceKind.values:
        raise Http404
    term = perms.get_term_for_user(request, term_pk, write=request.method == "POST")
    current = Conference.objects.filter(term=term, kind=kind).first()
    members = _members(term)
    initial = {"lock_version": current.lock_version if current else None}
    form = forms.ConferenceForm(request.POST or None, instance=current, kind=kind, initial=initial)
    if request.method == "POST" and _save(request, term, kind, form, members):
        messages.success(request, "Đã lưu thông tin hội nghị.")
        return redirect("conferences:conference", term.pk, kind)
    attendance = selectors.attendance(term, kind, current, members)
    context = {
        "term": term,
        "kind": kind,
        "label": ConferenceKind(kind).label,
        "conference": current,
        "form": form,
        "can_edit": perms.can_edit_conferences(request.user, term),
        "attendance": attendance,
        "rows": _attendance_rows(request, attendance, members),
        "own_attendance": kind in services.OWN_ATTENDANCE,
        "signing": services.signing_facts(term) if kind == ConferenceKind.SIGNING else None,
    }
    return render(request, "conferences/conference.html", context, status=400 if form.errors else 200)
