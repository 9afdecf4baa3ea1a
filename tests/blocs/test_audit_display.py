"""Issue 15, item 17: the audit log reads in Vietnamese. Every action and field name the services
write (today's, the demo's, and those of an archive of the first release) has a Vietnamese label;
the page names units instead of ids, shows no Python value and no change where nothing changed."""

from __future__ import annotations

import ast
import gzip
import html
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from blocs import audit_display
from blocs.audit import audit_record
from blocs.models import AuditEvent
from blocs.services import leadership_set
from tests.factories import make_term, make_user

ROOT = Path(settings.BASE_DIR)
APPS = ("blocs", "agreements", "scoring", "ballots", "conferences", "board", "province", "archive")
WRITERS = {"audit_record", "save_changes", "record_save", "apply_changes"}
V1_ARCHIVE = ROOT / "tests/fixtures/archive_v1_noi_chinh_2023.json.gz"


def _written_by_the_code() -> tuple[set[str], set[str]]:
    """The actions and the keys of old/new values that the apps' calls to the audit writers name."""
    actions, keys = set(), set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name not in WRITERS:
                    continue
                for kw in node.keywords:
                    if kw.arg == "action":
                        values = (
                            [kw.value.body, kw.value.orelse]
                            if isinstance(kw.value, ast.IfExp)
                            else [kw.value]
                        )
                        for value in values:  # a literal, or each branch of a conditional
                            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                                actions.add(value.value)
                            elif isinstance(
                                value, ast.JoinedStr
                            ):  # f"score.{layer}", f"agreement.attach_{kind}"
                                prefix = "".join(v.value for v in value.values if isinstance(v, ast.Constant))
                                assert any(a.startswith(prefix) for a in audit_display.ACTIONS), prefix
                    if kw.arg in ("old", "new"):
                        for sub in ast.walk(kw.value):
                            if isinstance(sub, ast.Dict):
                                keys.update(k.value for k in sub.keys if isinstance(k, ast.Constant))
    return actions, keys


def _written_in(events) -> tuple[set[str], set[str]]:
    actions, keys = set(), set()
    for action, old, new in events:
        actions.add(action)
        for values in (old, new):
            if isinstance(values, dict):
                keys.update(values)
    return actions, keys


def _first_release_archive():
    with gzip.open(V1_ARCHIVE) as archive:
        data = json.loads(archive.read())
    return [
        (o["fields"]["action"], o["fields"].get("old"), o["fields"].get("new"))
        for o in data["objects"]
        if o["model"].endswith(".auditevent")
    ]


@pytest.mark.django_db
def test_every_action_and_field_the_code_the_demo_and_the_first_release_write_has_a_label(demo):
    actions, keys = _written_by_the_code()
    for found in (
        _written_in(AuditEvent.objects.values_list("action", "old", "new")),
        _written_in(_first_release_archive()),
    ):
        actions |= found[0]
        keys |= found[1]
    assert len(actions) > 60 and len(keys) > 60
    unlabelled = sorted(a for a in actions if a not in audit_display.ACTIONS and not a.startswith("test."))
    assert not unlabelled, unlabelled
    unlabelled = sorted(k for k in keys if audit_display.field_label(k) is None)
    assert not unlabelled, unlabelled
    for label in ("scoring.ballot", "scoring.assessment", "scoring.document", "scoring.criteriaset"):
        assert not audit_display.kind_label(label).startswith(("scoring.", "ballots.", "conferences.")), label


@pytest.mark.django_db
def test_the_audit_page_names_units_and_shows_no_python_values(client):
    term = make_term(year=2024, members=3)
    a, b, c = (m.unit for m in term.memberships.order_by("position"))
    board = make_user(board=True)
    leadership_set(term=term, leader=c, deputy=b, by=board, reason="Quyết định kiện toàn")
    old = {"max_points": "50.00", "published_at": None, "threshold_strict": True}
    new = {"max_points": "50", "published_at": "2024-12-20T08:30:00+00:00", "threshold_strict": False}
    audit_record(actor=board, action="criteria.settings", obj=term, term=term, old=old, new=new)
    client.force_login(board)
    page = html.unescape(client.get(f"/terms/{term.pk}/audit/").content.decode())
    changes = " ".join(re.findall(r'<td class="small text-break">(.*?)</td>', page, re.S))
    assert "Ghi nhận trưởng, phó khối" in page and "Sửa cài đặt chấm điểm" in page
    assert f"Trưởng khối</strong>:\n        {a.name} → {c.name}" in changes
    assert "50" not in re.sub(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", "", changes)  # 50.00 → 50 is no change
    for python in ("None", "True", "False", "{'", "[", "_chosen_by", "2024-12-20"):
        assert python not in changes, python
    assert "có → không" in changes and "— → " in changes and "/12/2024" in changes
    assert "Bầu → Chỉ định trong quyết định" in changes  # the choices' own labels


@pytest.mark.django_db
def test_a_decimal_read_back_as_50_00_and_saved_as_50_is_no_change():
    from decimal import Decimal

    from blocs.audit import changed, snapshot

    term = make_term(year=2024, members=2)
    term.x = Decimal("50.00")
    before = snapshot(term, ["x"])
    term.x = Decimal("50")
    assert changed(before, snapshot(term, ["x"])) == ({}, {})
    term.x = Decimal("50.5")
    assert changed(before, snapshot(term, ["x"])) == ({"x": "50"}, {"x": "50.5"})
