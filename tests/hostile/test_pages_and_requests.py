"""What the sweep of test_hostile_input does not reach field by field.

Markup typed into any text field is stored as typed and shown as text: for every POST endpoint, its
valid post with markup added to each text field, then every page that shows the saved text (the
page the post leads to, the object's pages, the print preview, the audit log). No page has the
markup raw, and each text is seen escaped somewhere.

Every page (GET) gets hostile query strings (?year=, ?page=, the audit log's filters, the verification
code…): never a 500, never an English message.

Broken requests rather than broken fields (too many fields, a body over the limit, bytes that are
not UTF-8, a multipart body without its boundary, JSON where a form is expected) get a Vietnamese
page, never a 500, and write nothing. The project's catalogue of the messages Django's Vietnamese
one lacks is compiled and in use: no form page shows an English message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.hostile import attacks
from tests.hostile.catalogue import endpoints, pages
from tests.hostile.checks import VIETNAMESE, db_rows, english_in, error_messages, page_errors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_weasyprint")]
SCALE = float(os.environ.get("HOSTILE_SCALE", "1"))


# Markup shown as text ---------------------------------------------------------------------------

MARKUP = '"><script>alert(1)</script>'
RAW = ("<script>alert(1)", '"><script')
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
# Posts whose text is a secret or goes nowhere a page shows; a term's issuer is printed with the
# decision's number only (the post sets none).
NOT_SHOWN = {"password_change", "login", "password_reset", "blocs:term_create"}
NUMERIC = re.compile(r"[\d/:.,\s-]+")


def _text_fields(data: dict) -> list[str]:
    """Fields whose valid value reads as words (not a number, date, pk, choice or password)."""
    return [
        name
        for name, value in data.items()
        if isinstance(value, str)
        and (" " in value or not value.isascii())
        and not NUMERIC.fullmatch(value)
        and "password" not in name
    ]


def _pages(source: str, w) -> tuple[list[str], list[str]]:
    """The pages that show what the world's endpoints save: (for the persona, for board staff)."""
    t = w.term.pk
    pages, board = [f"/terms/{t}/", f"/blocs/{w.bloc.pk}/"], [f"/terms/{t}/audit/", "/units/", "/accounts/"]
    if getattr(w, "agreement", None) is not None:
        a = w.agreement.pk
        pages += [f"/agreements/{a}/", f"/agreements/{a}/preview/", f"/agreements/{a}/registration/"]
    if getattr(w, "criteria_set", None) is not None:
        cs = w.criteria_set.pk
        pages += [f"/scoring/{cs}/", f"/scoring/{cs}/sheet/", f"/scoring/{cs}/grid/", f"/scoring/{cs}/cross/"]
    if getattr(w, "ballot", None) is not None:
        pages += [f"/terms/{t}/ballots/", f"/ballots/{w.ballot.pk}/"]
    if getattr(w, "yearend", None) is not None:
        pages += [f"/documents/{w.yearend.pk}/", f"/documents/{w.yearend.pk}/preview/"]
    if source == "conferences":
        pages += [f"/terms/{t}/conferences/midyear/"]
    if source == "overview":
        board += [f"/terms/{t}/decisions/", "/overview/?year=2024"]
    if source == "scoring":
        board += ["/scoring/templates/"]
    return pages, board


def test_markup_in_every_text_field_is_shown_escaped(client, worlds):
    problems, checked = [], []
    for endpoint in endpoints():
        if endpoint.name in NOT_SHOWN:
            continue
        world = worlds[endpoint.world_key]
        data = endpoint.data(world)
        fields = _text_fields(data)
        if fields:
            checked.append(endpoint.name)
            with transaction.atomic():
                problems += _post_and_read(client, endpoint, world, data, fields)
                transaction.set_rollback(True)
    assert not problems, problems
    assert len(checked) >= 20, checked


def _post_and_read(client, endpoint, world, data: dict, fields: list[str]) -> list[str]:
    client.force_login(world.users[endpoint.persona])
    response = client.post(
        endpoint.url(world), data | attacks.CSRF | {f: f"{data[f]} {MARKUP}" for f in fields}
    )
    if response.status_code != 302 or error_messages(response.wsgi_request):
        return [f"{endpoint}: markup in {fields} refused ({response.status_code})"]
    problems, seen = [], False
    pages, board = _pages(endpoint.source, world)
    for reader, urls in ((endpoint.persona, [response["Location"], *pages]), ("board", board)):
        client.force_login(world.users[reader])
        for url in urls:
            page = client.get(url)
            if page.status_code != 200 or page.streaming or "html" not in page["Content-Type"]:
                continue
            body = page.content.decode()
            problems += [f"{endpoint}: {url} shows {raw!r} raw" for raw in RAW if raw in body]
            seen = seen or ESCAPED in body
    return problems + ([] if seen else [f"{endpoint}: no page shows {fields}"])


# Hostile query strings ----------------------------------------------------------------------------

QUERY_KEYS = ["year", "page", "actor", "object", "code", "unit", "ballot"]


def test_hostile_query_strings_never_break_a_page(client, worlds, foreign_pks):
    readable = pages()
    text = attacks.text_attacks(foreign_pks)

    @hypothesis_settings(
        max_examples=int(SCALE * 2 * len(readable)),
        deadline=None,
        derandomize=not os.environ.get("HOSTILE_RANDOM"),
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.data())
    def get_hostile(data):
        page = data.draw(st.sampled_from(readable))
        keys = data.draw(st.lists(st.sampled_from(QUERY_KEYS), min_size=1, max_size=3, unique=True))
        query = {key: data.draw(text[data.draw(st.sampled_from(sorted(text)))]("")) for key in keys}
        world = worlds[page.world_key]
        client.force_login(world.users[page.persona])
        response = client.get(page.url(world), query)
        assert response.status_code != 500
        if response.streaming:
            b"".join(response.streaming_content)  # read to its end: the test client's wrapper closes it
            # (a second close() would send request_finished and close the test's connection on PostgreSQL)
        elif "html" in response.get("Content-Type", ""):
            assert not english_in(page_errors(response.content.decode())[1])

    get_hostile()


@pytest.mark.parametrize("value", ["²", "①", "9" * 5000])
def test_digits_that_int_refuses_are_refused_not_a_500(client, worlds, value):
    """ "²".isdigit() is true and int("²") fails, as does int() of more than 4300 digits."""
    blocs, documents = worlds[("blocs", None)], worlds[("documents", None)]
    scoring, ballots = worlds[("scoring", "open")], worlds[("ballots", "online")]
    client.force_login(blocs.users["board"])
    assert client.get("/", {"year": value}).status_code == 200
    assert client.get(f"/terms/{blocs.term.pk}/audit/", {"actor": value}).status_code == 200
    client.force_login(documents.users["leader"])
    started = client.post(f"/terms/{documents.term.pk}/documents/count_minutes/start/", {"ballot": value})
    assert started.status_code == 302 and error_messages(started.wsgi_request)
    client.force_login(scoring.users["member"])
    sheet = {f"c{scoring.criterion.pk}": "7", "lock_version": value}
    saved = client.post(f"/scoring/{scoring.criteria_set.pk}/sheet/", sheet)  # garbled: out of date
    assert saved.status_code == 200 and "Người khác vừa sửa" in saved.content.decode()
    client.force_login(ballots.users["member"])
    vote = client.post(f"/ballots/{ballots.ballot.pk}/vote/", {"candidate": [value]})
    assert vote.status_code == 400 and "Phiếu không hợp lệ" in vote.content.decode()


# Broken requests, English messages --------------------------------------------------------------

CATALOGUE = Path(settings.BASE_DIR) / "blocs/locale/vi/LC_MESSAGES/django.po"
FORM = "application/x-www-form-urlencoded"


def _commitment_add(worlds) -> tuple[str, object]:
    world = worlds[("agreements", "draft")]
    return f"/agreements/{world.agreement.pk}/commitments/add/", world.users["leader"]


def _too_many_fields():
    return {"data": {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}}


REQUESTS = {
    "too many fields": (_too_many_fields, {}),
    "body over the limit": (lambda: {"data": {"text": "đ" * 4096}}, {"DATA_UPLOAD_MAX_MEMORY_SIZE": 1024}),
    "not UTF-8": (lambda: {"data": b"text=%FF%FE%00%C3(", "content_type": FORM}, {}),
    "multipart without boundary": (lambda: {"data": b"--x\r\n", "content_type": "multipart/form-data"}, {}),
    "JSON": (lambda: {"data": '{"text": "Nội dung"}', "content_type": "application/json"}, {}),
}


@pytest.mark.parametrize("kind", REQUESTS)
def test_a_broken_request_gets_a_vietnamese_page_and_writes_nothing(client, worlds, kind):
    url, leader = _commitment_add(worlds)
    make, overrides = REQUESTS[kind]
    client.force_login(leader)
    before = db_rows()
    with override_settings(**overrides):
        response = client.post(url, **make())
    assert response.status_code in (400, 413), response.status_code
    errors, text = page_errors(response.content.decode())
    assert VIETNAMESE.search(" ".join(errors) or text) and not english_in(text), text[:2000]
    assert db_rows() == before


def _entries(po: str):
    """(msgid, msgid_plural or None, msgstr) of every entry but the header."""
    for block in po.split("\n\n"):
        strings = {}
        key = None
        for line in block.splitlines():
            if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line):
                key = match.group(1).replace("[0]", "")
                strings[key] = match.group(2)
            elif line.startswith('"') and key:
                strings[key] += line[1:-1]
        if strings.get("msgid"):
            yield strings["msgid"], strings.get("msgid_plural"), strings["msgstr"]


def test_the_projects_catalogue_is_compiled_and_used():
    entries = list(_entries(CATALOGUE.read_text(encoding="utf-8")))
    assert len(entries) >= 5
    with translation.override("vi"):
        for msgid, plural, msgstr in entries:
            assert (ngettext(msgid, plural, 2) if plural else gettext(msgid)) == msgstr, msgid


def test_no_form_page_shows_an_english_message(client, worlds):
    """Every page of a POST endpoint that also answers GET, as the persona who may post to it."""
    shown = {}
    for endpoint in endpoints():
        world = worlds[endpoint.world_key]
        if endpoint.persona in world.users:
            client.force_login(world.users[endpoint.persona])
        else:
            client.logout()
        response = client.get(endpoint.url(world))
        if response.status_code == 200 and "html" in response["Content-Type"]:
            shown[endpoint.name] = english_in(page_errors(response.content.decode())[1])
    assert len(shown) >= 30
    assert not {name: english for name, english in shown.items() if english}
