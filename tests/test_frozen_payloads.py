"""Every frozen payload stored before the payloads were typed loads into its kind's type, dumps back
to the same JSON and prints the same HTML as the stored JSON printed before it was typed: the demo
province's (load_demo) and those of an archive exported by an earlier release."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from agreements import printing as agreement_printing
from agreements.models import Agreement
from conferences import printing as conference_printing
from conferences.models import Document, DocumentKind
from conferences.printing.payloads import PAYLOADS

pytestmark = pytest.mark.django_db

ARCHIVE = Path(__file__).parent / "fixtures" / "archive_v1_noi_chinh_2023.json.gz"


def check_agreement(frozen: dict, code: str) -> None:
    """Before, a final agreement printed `render_html` of its stored JSON as read from the database."""
    before = agreement_printing.render_html(copy.deepcopy(frozen), draft=False, code=code)
    loaded = agreement_printing.PAYLOAD.load(frozen)
    assert agreement_printing.PAYLOAD.dump(loaded) == frozen
    assert agreement_printing.render_html(loaded, draft=False, code=code) == before


def check_document(frozen: dict, kind: str) -> None:
    """Before, a submitted document printed its template with its stored JSON as `data`."""
    before = render_to_string(
        f"pdf/{kind}.html", {"data": copy.deepcopy(frozen), "draft": False, "preview": False}
    )
    loaded = PAYLOADS[kind].load(frozen)
    assert PAYLOADS[kind].dump(loaded) == frozen
    assert conference_printing.render_html(loaded, kind=kind, draft=False) == before


def test_every_frozen_payload_of_the_demo_loads_and_prints_the_same(demo):
    agreements = list(Agreement.objects.filter(frozen__isnull=False))
    documents = list(Document.objects.filter(frozen__isnull=False))
    assert agreements and {d.kind for d in documents} == set(DocumentKind.values)
    for agreement in agreements:
        check_agreement(agreement.frozen, agreement.verification_code)
    for document in documents:
        assert conference_printing.frozen(document) == document.frozen
        check_document(document.frozen, document.kind)


def test_the_payloads_of_an_archive_of_an_earlier_release_load_and_print_the_same():
    rows = json.loads(gzip.decompress(ARCHIVE.read_bytes()))["objects"]
    frozen = [row for row in rows if row["fields"].get("frozen")]
    kinds = [row["fields"].get("kind", row["model"]) for row in frozen]
    assert sorted(set(kinds)) == sorted([*DocumentKind.values, "agreements.agreement"])
    for row in frozen:
        fields = row["fields"]
        if row["model"] == "agreements.agreement":
            check_agreement(fields["frozen"], fields["verification_code"])
        else:
            check_document(fields["frozen"], fields["kind"])


def test_a_payload_missing_a_field_does_not_load():
    rows = json.loads(gzip.decompress(ARCHIVE.read_bytes()))["objects"]
    [proposal] = [r["fields"]["frozen"] for r in rows if r["fields"].get("kind") == DocumentKind.PROPOSAL]
    with pytest.raises(ValueError, match="missing"):
        PAYLOADS[DocumentKind.PROPOSAL].load({k: v for k, v in proposal.items() if k != "awards"})
