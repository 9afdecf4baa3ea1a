"""Nothing signed, scored or voted can be deleted: not by the database (every reference is PROTECT),
not through the admin (no model of the project can be deleted there, and what is signed, scored
or voted cannot be added or changed there either), not through the pages (every removing URL is
refused on a closed year and changes nothing)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models.deletion import ProtectedError
from django.test import Client, RequestFactory

from agreements.models import Agreement
from blocs.models import Membership, SubmitReceipt, Term, User
from scoring.models import Assessment, Ballot, CriteriaSet, Evidence, Layer
from tests.blocs.test_permission_matrix import PROJECT_APPS, db_state

# Rows whose history is the product: the admin shows them at most, and changes them never.
FROZEN_APPS = ("agreements", "scoring")


def project_models():
    return [
        m for app in PROJECT_APPS for m in apps.get_app_config(app).get_models() if m is not SubmitReceipt
    ]


def test_every_reference_between_rows_is_protect():
    loose = [
        f"{model._meta.label}.{field.name}: {field.remote_field.on_delete.__name__}"
        for model in project_models()
        for field in model._meta.get_fields()
        if isinstance(field, (models.ForeignKey, models.OneToOneField))
        and field.concrete
        and field.remote_field.on_delete is not models.PROTECT
    ]
    assert not loose


@pytest.mark.django_db
def test_the_admin_deletes_nothing_and_changes_nothing_signed_scored_or_voted():
    superuser = User.objects.create_superuser("quantri", "qt@example.gov.vn", "Mot-mat-khau-rat-dai-2024")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registered = dict(admin.site._registry)
    checked = 0
    for model in project_models():
        model_admin = registered.get(model)
        if model_admin is None:
            continue
        checked += 1
        assert not model_admin.has_delete_permission(request), model._meta.label
        assert "delete_selected" not in model_admin.get_actions(request), model._meta.label
        if model._meta.app_label in FROZEN_APPS:
            assert not model_admin.has_add_permission(request), model._meta.label
            assert not model_admin.has_change_permission(request), model._meta.label
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request, None), (model._meta.label, inline)
    assert checked >= 12
    # Secret choices are nowhere in the admin; a term's year, status and members are not edited there.
    assert not {m for m in registered if m._meta.label in ("scoring.BallotChoice",)}
    term_admin = registered[Term]
    assert {"bloc", "year", "status", "closed_at"} <= set(term_admin.get_readonly_fields(request))
    for inline in term_admin.get_inline_instances(request):
        assert not inline.has_add_permission(request, None) and not inline.has_change_permission(
            request, None
        )


@pytest.fixture(scope="module")
def closed_year(demo):
    """The demo's Nội chính 2023: signed, scored, voted, its documents sent, closed."""
    term = Term.objects.get(bloc__short_name__icontains="Nội chính", year=2023)
    assert not term.is_open
    return term


@pytest.mark.django_db
def test_a_closed_year_cannot_be_deleted_row_by_row(closed_year):
    agreement = Agreement.objects.filter(term=closed_year).latest("version")
    for row in (
        closed_year,
        agreement,
        CriteriaSet.objects.get(term=closed_year),
        Assessment.objects.filter(criteria_set__term=closed_year, layer=Layer.SELF).first(),
        Ballot.objects.filter(term=closed_year).first(),
        Membership.objects.filter(term=closed_year).first(),
    ):
        with pytest.raises(ProtectedError):
            row.delete()


@pytest.mark.django_db
def test_every_removing_page_refuses_a_closed_year_and_changes_nothing(closed_year):
    agreement = Agreement.objects.filter(term=closed_year).latest("version")
    criteria_set = CriteriaSet.objects.get(term=closed_year)
    cross = Assessment.objects.filter(criteria_set=criteria_set, layer=Layer.CROSS).first()
    evidence = Evidence.objects.filter(assessment__criteria_set=criteria_set).first()
    urls = [
        f"/terms/{closed_year.pk}/members/{closed_year.memberships.first().pk}/remove/",
        f"/agreements/{agreement.pk}/commitments/{agreement.commitments.first().pk}/remove/",
        f"/scoring/criteria/{criteria_set.criteria.first().pk}/remove/",
    ]
    if cross is not None:
        urls.append(f"/scoring/reviews/{cross.pk}/unassign/")
    if evidence is not None:
        urls.append(f"/scoring/evidence/{evidence.pk}/remove/")
    browsers = []
    for username in ("truongkhoicu", "bantdkt"):  # the 2023 leader, board staff
        browsers.append(Client())
        browsers[-1].force_login(User.objects.get(username=username))
    before = db_state()
    for browser in browsers:
        for url in urls:
            response = browser.post(url, follow=True)
            assert response.status_code in (200, 403, 404), (url, response.status_code)
    assert db_state() == before
