"""Hostile text that the forms accept (zero-width characters, removed on the way in; decomposed
Vietnamese, markup, the longest text allowed) goes through WeasyPrint for real: the agreement
finalised and the year-end report printed both come out, and the PDF shows the text as typed (markup
as text, Vietnamese precomposed). Characters that reverse the text's direction are refused by the
forms (tests/blocs/test_unicode.py)."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest

from agreements.forms import MAX_TEXT
from agreements.models import Agreement
from tests.hostile.attacks import CSRF
from tests.hostile.catalogue import build_world
from tests.hostile.checks import error_messages

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Đoàn\u200b kết\u200d sáng\u00ad tạo\ufeff \u2060<script>alert(1)</script> "
    + unicodedata.normalize("NFD", "Thanh tra tỉnh Quảng Ngãi")
)


def _pdf_text(data: bytes, folder) -> str:
    path = folder / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def _ok(response) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not error_messages(response.wsgi_request), error_messages(response.wsgi_request)


def test_an_agreement_with_hostile_text_is_finalised_and_printed(client, tmp_path):
    world = build_world("agreements", "draft")
    agreement = world.agreement
    client.force_login(world.users["leader"])
    base = f"/agreements/{agreement.pk}/"
    long_text = (HOSTILE * (MAX_TEXT // len(HOSTILE) + 1))[: MAX_TEXT - 1].strip()
    _ok(
        client.post(
            f"{base}edit/",
            CSRF
            | {
                "title": f"Giao ước {HOSTILE}",
                "theme": HOSTILE,
                "basis": f"{HOSTILE}\n{HOSTILE}",
                "closing_text": HOSTILE,
                "copies": "6",
            },
        )
    )
    _ok(client.post(f"{base}commitments/add/", CSRF | {"text": long_text}))
    assert client.get(f"{base}preview/").status_code == 200
    _ok(client.post(f"{base}finalize/", CSRF | {"confirmed": "yes"}))
    final = Agreement.objects.get(pk=agreement.pk)
    assert final.final_pdf, "the agreement was not finalised"
    with final.final_pdf.open("rb") as stored:
        printed = _pdf_text(stored.read(), tmp_path)
    assert "<script>alert(1)</script>" in printed and "Thanh tra tỉnh Quảng Ngãi" in printed
    assert "Đoàn kết sáng tạo" in printed  # the invisible characters were removed


def test_a_report_with_hostile_text_prints(client, tmp_path):
    world = build_world("documents", None)
    document = world.yearend
    client.force_login(world.users["leader"])
    section = "\n".join([HOSTILE] * 40)
    data = {"number": "05/BC-KTĐ", "place": HOSTILE[:90], "date": "05/01/2025"}
    data |= {f"s_{key}": section for key in ("situation", "results", "limitations", "direction", "proposals")}
    _ok(client.post(f"/documents/{document.pk}/", CSRF | data))
    assert client.get(f"/documents/{document.pk}/preview/").status_code == 200
    response = client.get(f"/documents/{document.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = _pdf_text(response.content, tmp_path)
    assert "<script>alert(1)</script>" in printed and "Thanh tra tỉnh Quảng Ngãi" in printed
