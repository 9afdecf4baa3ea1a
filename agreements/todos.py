"""The agreement's part of the dashboard's "việc cần làm" (see `blocs.todos`).

One query for all the terms on the dashboard, whatever their number.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus, Commitment, Registration
from blocs.models import Role, Term
from blocs.todos import Todo


def agreement_todos(terms: Sequence[Term], user, *, board: bool) -> list[Todo]:
    open_terms = [t for t in terms if t.is_open and t.user_role is not None]
    if not open_terms:
        return []
    current = {
        a.term_id: a
        for a in Agreement.objects.current()
        .filter(term__in=open_terms)
        .only("pk", "term_id", "status")
        .annotate(
            registered=Count("registrations"),
            has_commitments=Exists(Commitment.objects.filter(agreement=OuterRef("pk"))),
            own_registered=Exists(
                Registration.objects.filter(agreement=OuterRef("pk"), membership__unit_id=user.unit_id)
            ),
        )
    }
    tasks = []
    for term in open_terms:
        tasks.extend(_for_term(term, current.get(term.pk)))
    return tasks


def _for_term(term: Term, agreement: Agreement | None) -> list[Todo]:
    drafts = term.user_role in (Role.LEADER, Role.DEPUTY)
    if agreement is None:
        if drafts:
            return [
                Todo(
                    term,
                    "Soạn dự thảo giao ước thi đua",
                    reverse("agreements:term_agreement", args=[term.pk]),
                )
            ]
        return []
    detail = agreement.get_absolute_url()
    tasks = []
    if agreement.status == AgreementStatus.DRAFT:
        if not agreement.own_registered:
            tasks.append(
                Todo(
                    term,
                    "Đăng ký danh hiệu, chỉ tiêu và người ký giao ước",
                    reverse("agreements:register", args=[agreement.pk]),
                )
            )
        if drafts and not agreement.has_commitments:
            tasks.append(Todo(term, "Soạn nội dung thi đua của giao ước", detail))
        if term.user_role == Role.LEADER:
            waiting = term.member_count - agreement.registered
            if waiting > 0:
                text = f"Còn {waiting}/{term.member_count} thành viên chưa đăng ký giao ước"
            else:
                text = "Hoàn thiện giao ước để in và ký"
            tasks.append(Todo(term, text, detail))
    elif agreement.status == AgreementStatus.FINAL and term.user_role == Role.LEADER:
        tasks.append(
            Todo(
                term,
                "Tải lên bản giao ước đã ký sau hội nghị",
                reverse("agreements:sign", args=[agreement.pk]),
            )
        )
    return tasks
