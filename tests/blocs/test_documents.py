"""The document pipeline every app shares (blocs.documents): the hash, the shape of a frozen payload,
the render-then-lock loop, and the one response that hands a stored file out, seen through both
downloads (the agreement's and the conference documents')."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NotRequired, TypedDict

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import http_date

from agreements import services as agreement_services
from blocs.documents import RENDER_ATTEMPTS, PayloadError, Shape, ensure_printed, render_then_freeze, sha256
from blocs.models import Role
from conferences.models import DocumentKind
from conferences.services import documents as docs
from tests.factories import make_agreement, make_term, unit_user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n% test\n%%EOF\n"


def test_sha256_is_the_hex_digest():
    assert sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# The shape of a payload -------------------------------------------------------------------------


class Line(TypedDict):
    text: str
    count: int | None


class Page(TypedDict):
    title: str
    lines: list[Line]
    labels: dict[str, list[str]]
    flag: bool
    note: NotRequired[str]


PAGE = Shape(Page)
GOOD = {
    "title": "Báo cáo",
    "lines": [{"text": "a", "count": 1}, {"text": "b", "count": None}],
    "labels": {"x": ["y"]},
    "flag": True,
}


def test_a_payload_of_the_shape_loads_and_dumps_as_it_was():
    assert PAGE.load(GOOD) is GOOD
    assert PAGE.dump(PAGE.load(GOOD)) == GOOD
    assert PAGE.load({**GOOD, "note": "có"})["note"] == "có"


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({k: v for k, v in GOOD.items() if k != "flag"}, r"missing \['flag'\]"),
        ({**GOOD, "extra": 1}, r"unknown \['extra'\]"),
        ({**GOOD, "title": None}, "Page.title"),
        ({**GOOD, "flag": 1}, "Page.flag"),
        ({**GOOD, "lines": [{"text": "a", "count": True}]}, r"Page.lines\[0\].count"),
        ({**GOOD, "lines": [{"text": "a"}]}, r"Page.lines\[0\]: missing \['count'\]"),
        ({**GOOD, "labels": {"x": "y"}}, "Page.labels.x"),
        ({**GOOD, "note": 5}, "Page.note"),
        ([GOOD], "expected an object"),
    ],
)
def test_a_payload_off_the_shape_is_refused_with_where(payload, where):
    with pytest.raises(PayloadError, match=where):
        PAGE.load(payload)


# Render, then lock ------------------------------------------------------------------------------


def test_a_payload_that_changed_under_the_lock_is_rendered_again():
    current, rendered, stored = iter(["v1", "v2", "v2"]), [], []

    def commit(printed, pdf):
        ensure_printed(printed, next(current))
        stored.append((printed, pdf))
        return "ok"

    result = render_then_freeze("v0", render=lambda p: rendered.append(p) or p.encode(), commit=commit)
    assert result == "ok" and rendered == ["v0", "v1", "v2"] and stored == [("v2", b"v2")]


def test_a_payload_that_never_holds_still_is_refused_after_a_few_renders():
    rendered = []

    def commit(printed, pdf):
        ensure_printed(printed, printed + "'")

    with pytest.raises(ValidationError, match="thử lại"):
        render_then_freeze("v", render=lambda p: rendered.append(p) or b"", commit=commit)
    assert len(rendered) == RENDER_ATTEMPTS


# The stored file --------------------------------------------------------------------------------


@pytest.fixture
def frozen(monkeypatch):
    """(the term's leader, its final agreement, its submitted mid-year report)."""
    monkeypatch.setattr("agreements.printing.render", lambda *args, **kwargs: PDF_BYTES)
    monkeypatch.setattr("conferences.printing.render", lambda *args, **kwargs: PDF_BYTES)
    term = make_term(year=2024, members=2)
    leader = unit_user(term, Role.LEADER)
    agreement = agreement_services.agreement_finalize(agreement=make_agreement(term), by=None)
    document = docs.document_start(term=term, kind=DocumentKind.REPORT_MIDYEAR, by=leader)
    sections = dict.fromkeys(docs.section_keys(DocumentKind.REPORT_MIDYEAR), "Nội dung.")
    data = {"place": "Quảng Ngãi", "date": date(2024, 7, 5), "sections": sections}
    docs.document_update(document=document, data=data, lock_version=None, by=None)
    return leader, agreement, docs.document_submit(document=document, by=leader)


def test_both_frozen_downloads_answer_with_the_same_headers_and_validators(client, frozen):
    leader, a, d = frozen
    client.force_login(leader)
    for url, filename, digest, frozen_at in [
        (f"/agreements/{a.pk}/pdf/", "giao-uoc-2024-v1.pdf", a.final_sha256, a.finalized_at),
        (f"/documents/{d.pk}/pdf/", "van-ban-report-midyear-2024.pdf", d.sha256, d.submitted_at),
    ]:
        response = client.get(url)
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response["ETag"] == f'"{digest}"'
        assert response["Last-Modified"] == http_date(frozen_at.timestamp())
        assert response["Cache-Control"] == "private, no-cache"
        assert status(client, url, {"if-none-match": f'"{digest}"'}) == 304
        assert status(client, url, {"if-modified-since": http_date(frozen_at.timestamp())}) == 304
        earlier = http_date((frozen_at - timedelta(seconds=5)).timestamp())
        assert status(client, url, {"if-modified-since": earlier}) == 200
        assert status(client, url, {"if-none-match": '"other"'}) == 200


def status(client, url: str, headers: dict) -> int:
    response = client.get(url, headers=headers)
    if response.streaming:  # read to the end, which closes the file a 200 opened
        b"".join(response.streaming_content)
    return response.status_code


def test_signed_scans_go_out_without_validators_and_missing_files_are_404(client, frozen):
    leader, a, d = frozen
    client.force_login(leader)
    assert status(client, f"/agreements/{a.pk}/files/signed/", {}) == 404
    assert status(client, f"/documents/{d.pk}/files/signed/", {}) == 404
    agreement_services.agreement_sign(agreement=a, scan=upload(), signed_on=date(2024, 2, 5), by=None)
    docs.document_scan(document=d, scan=upload(), by=None)
    for url, filename in [
        (f"/agreements/{a.pk}/files/signed/", "giao-uoc-da-ky-2024-v1.pdf"),
        (f"/documents/{d.pk}/files/signed/", "van-ban-da-ky-report-midyear-2024.pdf"),
    ]:
        response = client.get(url)
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert "ETag" not in response and "Last-Modified" not in response and "Cache-Control" not in response
    assert status(client, f"/agreements/{a.pk}/files/plan/", {}) == 404  # none attached
    assert status(client, f"/agreements/{a.pk}/files/other/", {}) == 404


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("tep.pdf", PDF_BYTES, content_type="application/pdf")
