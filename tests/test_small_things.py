"""Issue 15, item 21: the small things found by playing real years through the pages."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.test import override_settings

from agreements import services as agreement_services
from blocs.models import Role
from conferences.models import DocumentKind
from conferences.services import documents as docs
from tests.factories import make_agreement, make_term, unit_user

pytestmark = pytest.mark.django_db

TINY_PDF = b"%PDF-1.4\n% test\n%%EOF\n"
DEVELOPMENT = settings.MIDDLEWARE + ["config.middleware.DevelopmentErrorPagesMiddleware"]


def test_the_favicon_is_linked_and_served_at_its_usual_address(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_the_print_previews_have_a_way_back(client, monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term)
    leader = unit_user(term, Role.LEADER)
    client.force_login(leader)
    page = client.get(f"/agreements/{agreement.pk}/preview/").content.decode()
    assert f'<a href="/agreements/{agreement.pk}/">← Quay lại</a>' in page
    document = docs.document_start(term=term, kind=DocumentKind.REPORT_MIDYEAR, by=leader)
    page = client.get(f"/documents/{document.pk}/preview/").content.decode()
    assert f'<a href="/documents/{document.pk}/">← Quay lại</a>' in page


@override_settings(DEBUG=True, MIDDLEWARE=DEVELOPMENT)
def test_in_development_a_missing_or_refused_object_shows_the_projects_own_pages(client):
    term = make_term(year=2024, members=3)
    client.force_login(unit_user(term, Role.MEMBER))
    missing = client.get("/terms/999999/")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()
    refused = client.get(f"/terms/{term.pk}/edit/")
    assert refused.status_code == 403 and "Page not found" not in refused.content.decode()
    assert "Forbidden" not in refused.content.decode()


@override_settings(
    DEBUG=True,
    MIDDLEWARE=DEVELOPMENT,
    SITE_URL_FROM_REQUEST=True,
    ALLOWED_HOSTS=["192.168.1.20", "testserver"],
)
def test_in_development_the_verification_link_uses_the_servers_own_address(client, monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)
    term = make_term(year=2024, members=2)
    agreement = make_agreement(term)
    leader = unit_user(term, Role.LEADER)
    agreement_services.agreement_finalize(agreement=agreement, by=leader)
    client.force_login(leader)
    page = client.get(f"/agreements/{agreement.pk}/preview/", HTTP_HOST="192.168.1.20:8080").content.decode()
    assert "http://192.168.1.20:8080/verify/" in page


def test_a_member_opening_the_registration_of_a_finalized_agreement_is_told_why(client, monkeypatch):
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: TINY_PDF)
    term = make_term(year=2024, members=3)
    agreement = make_agreement(term)
    agreement_services.agreement_finalize(agreement=agreement, by=None)
    client.force_login(unit_user(term, Role.MEMBER))
    response = client.get(f"/agreements/{agreement.pk}/registration/", follow=True)
    page = html.unescape(response.content.decode())
    assert response.redirect_chain[-1][0] == f"/agreements/{agreement.pk}/"
    assert "Giao ước đã hoàn thiện: đăng ký của các đơn vị đã được chốt, không sửa được nữa." in page


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        (DocumentKind.REPORT_YEAREND, "12/BC-KTĐNC"),
        (DocumentKind.MINUTES, "02/BB-KTĐNC"),
        (DocumentKind.PROPOSAL, "04/TTr-KTĐNC"),
    ],
)
def test_each_documents_number_hint_fits_its_kind(client, kind, hint):
    term = make_term(year=2024, members=2)
    leader = unit_user(term, Role.LEADER)
    document = docs.document_start(term=term, kind=kind, by=leader)
    client.force_login(leader)
    page = html.unescape(client.get(f"/documents/{document.pk}/").content.decode())
    helptext = page.split('id="id_number_helptext"', 1)[1][:200]
    assert f"Ví dụ “{hint}”" in helptext
