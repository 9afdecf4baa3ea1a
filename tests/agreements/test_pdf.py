"""The printed agreement, read back from the PDF itself: its text (pdftotext), its fonts (pdffonts),
its pages (pdfinfo), what it refuses to fetch, and how the final bytes are stored once and kept.
"""

from __future__ import annotations

import copy
import hashlib
import re
import socket
import statistics
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection

from agreements import printing, services
from agreements.models import Agreement, Commitment
from blocs.documents import vn_date
from blocs.models import AuditEvent, Role
from blocs.services import unit_rename
from config.pdf import PRINT_BASE_URL, StaticOnlyFetcher, render_pdf
from tests.factories import make_agreement, make_term, unit_user
from tests.locks import record_locks
from tests.together import run_together

pytestmark = pytest.mark.django_db

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"


# Reading a PDF back ------------------------------------------------------------------------------


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=30).stdout  # noqa: S603


class Pdf:
    """A PDF written to a temporary file, read back with poppler-utils."""

    def __init__(self, data: bytes, folder: Path):
        assert data.startswith(b"%PDF-"), data[:20]
        self.path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}.pdf"
        self.path.write_bytes(data)

    def text(self, *, raw: bool = False) -> str:
        """The whole text, whitespace collapsed: pdftotext wraps lines where the layout did."""
        mode = ["-raw"] if raw else []
        return " ".join(_run("pdftotext", *mode, str(self.path), "-").split())

    def page(self, number: int) -> str:
        """One page as laid out, lines kept."""
        return _run("pdftotext", "-layout", "-f", str(number), "-l", str(number), str(self.path), "-")

    def pages(self) -> int:
        match = re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", str(self.path)), re.MULTILINE)
        assert match, "pdfinfo gave no page count"
        return int(match.group(1))

    def fonts(self) -> list[dict[str, str]]:
        """pdffonts' table as rows, cut at the columns its dashed line marks."""
        lines = _run("pdffonts", str(self.path)).splitlines()
        header, dashes, rows = lines[0], lines[1], lines[2:]
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", dashes)]
        names = [header[a:b].strip() for a, b in spans]
        return [{name: row[a:b].strip() for name, (a, b) in zip(names, spans, strict=True)} for row in rows]


@pytest.fixture
def read_pdf(tmp_path):
    def read(data: bytes) -> Pdf:
        return Pdf(data, tmp_path)

    return read


def stored_bytes(agreement: Agreement) -> bytes:
    with agreement.final_pdf.open("rb") as handle:
        return handle.read()


def exact(text: str) -> re.Pattern:
    """`text` not followed by another digit: "Người ký 1" must not match "Người ký 12"."""
    return re.compile(re.escape(text) + r"(?!\d)")


# Building agreements -----------------------------------------------------------------------------


def build(*, members: int = 3, commitments: int = 3, **overrides) -> Agreement:
    term = make_term(members=members)
    return make_agreement(term, commitments=commitments, **overrides)


def finalize(agreement: Agreement) -> Agreement:
    leader = unit_user(agreement.term, Role.LEADER)
    return services.agreement_finalize(agreement=agreement, by=leader)


def members_of(agreement: Agreement) -> list[tuple[str, str, str]]:
    """(unit name, signatory title, signatory name) of every member, in print order."""
    return [
        (r.membership.unit.name, r.signer_title, r.signer_name)
        for r in agreement.registrations.select_related("membership__unit").order_by("membership__position")
    ]


# Listening for fetches ---------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A TCP socket on 127.0.0.1 that nobody should ever connect to."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def connections(server: socket.socket) -> int:
    """How many connections are waiting on `server` (accepted and closed here)."""
    server.settimeout(0.2)
    count = 0
    while True:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            return count
        conn.close()
        count += 1


def knock(server: socket.socket) -> None:
    """Connect once, to show that `connections` does see a fetch."""
    with socket.create_connection(server.getsockname(), timeout=1):
        pass


def test_listener_sees_a_connection(listener):
    assert connections(listener) == 0
    knock(listener)
    assert connections(listener) == 1
    assert connections(listener) == 0


# What the final PDF says --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 5), "Quảng Ngãi, ngày 05 tháng 02 năm 2024"),
        (date(2024, 1, 9), "Quảng Ngãi, ngày 09 tháng 01 năm 2024"),
        (date(2024, 3, 28), "Quảng Ngãi, ngày 28 tháng 3 năm 2024"),
        (date(2024, 12, 1), "Quảng Ngãi, ngày 01 tháng 12 năm 2024"),
        (date(2023, 10, 10), "Quảng Ngãi, ngày 10 tháng 10 năm 2023"),
    ],
)
def test_vn_date_pads_days_below_ten_and_months_one_and_two(day, expected):
    assert vn_date("Quảng Ngãi", day) == expected


def test_vn_date_without_place_or_day():
    assert vn_date("", date(2024, 2, 5)) == "Ngày 05 tháng 02 năm 2024"
    assert vn_date("Quảng Ngãi", None) == "Quảng Ngãi, ngày … tháng … năm …"


def test_final_pdf_shows_header_title_commitments_members_and_code(read_pdf):
    agreement = build(members=4, commitments=4, number="01/GƯ-KTN", conference_date=date(2024, 2, 5))
    Commitment.objects.filter(agreement=agreement, position=4).update(
        text=(
            "Đẩy mạnh chuyển đổi số, cải cách hành chính; nâng cao chỉ số hài lòng của người dân và "
            "doanh nghiệp đối với sự phục vụ của cơ quan hành chính nhà nước, phấn đấu đạt trên 90%"
        )
    )
    agreement = finalize(agreement)
    text = read_pdf(stored_bytes(agreement)).text()

    bloc = agreement.term.bloc.name
    assert NATION in text
    assert MOTTO in text
    assert bloc.upper() in text
    assert bloc.upper() != bloc
    assert "GIAO ƯỚC THI ĐUA NĂM 2023" in text
    assert "Số: 01/GƯ-KTN" in text
    assert "Quảng Ngãi, ngày 05 tháng 02 năm 2024" in text
    commitments = list(agreement.commitments.values_list("text", flat=True))
    assert len(commitments) == 4
    for commitment in commitments:
        assert commitment in text
    members = members_of(agreement)
    assert len(members) == 4
    for unit, title, name in members:
        assert exact(unit).search(text), unit
        assert exact(unit.upper()).search(text), unit
        assert title.upper() in text
        assert exact(name).search(text), name
    assert len(agreement.verification_code) >= 16
    assert f"Mã xác thực: {agreement.verification_code}" in text
    assert DRAFT_MARK not in text


# Fonts --------------------------------------------------------------------------------------------


def _assert_only_embedded_liberation_serif(pdf: Pdf) -> set[str]:
    fonts = pdf.fonts()
    assert fonts, "the PDF lists no fonts"
    for font in fonts:
        assert "LiberationSerif" in font["name"] or "Liberation-Serif" in font["name"], font
        assert font["emb"] == "yes", font
    return {font["name"].split("+")[-1] for font in fonts}


def test_final_pdf_embeds_only_liberation_serif(read_pdf):
    agreement = finalize(build(conference_date=date(2024, 2, 5)))
    faces = _assert_only_embedded_liberation_serif(read_pdf(stored_bytes(agreement)))
    # Bold (headings), regular (body) and italic (the date line) are all there.
    assert {"Liberation-Serif", "Liberation-Serif-Bold", "Liberation-Serif-Italic"} <= faces


# Draft and final ----------------------------------------------------------------------------------


def test_draft_shows_draft_mark_and_no_code_and_final_none(read_pdf):
    agreement = build()
    draft = read_pdf(printing.render(printing.snapshot(agreement), draft=True))
    # The mark is rotated: only pdftotext's content-stream order keeps its letters together.
    assert DRAFT_MARK in draft.text(raw=True)
    assert "Bản dự thảo – chưa có giá trị ký kết" in draft.text()
    assert "Mã xác thực" not in draft.text()
    assert "/verify/" not in draft.text()
    assert "Số:" not in draft.text()  # no number set, so no "Số:" line

    agreement = finalize(agreement)
    final = read_pdf(stored_bytes(agreement))
    assert DRAFT_MARK not in final.text(raw=True)
    assert DRAFT_MARK not in final.text()
    assert "Bản dự thảo" not in final.text()
    assert f"Mã xác thực: {agreement.verification_code}" in final.text()


# Hostile text and the fetcher ---------------------------------------------------------------------


def test_markup_in_a_commitment_prints_as_text_and_fetches_nothing(read_pdf, listener):
    port = listener.getsockname()[1]
    hostile = [
        f'<img src="http://127.0.0.1:{port}/x">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        "<script>alert(1)</script>",
    ]
    agreement = build()
    Commitment.objects.create(agreement=agreement, position=9, text="Thử nội dung:\n" + "\n".join(hostile))
    agreement = finalize(agreement)
    text = read_pdf(stored_bytes(agreement)).text()

    assert "Thử nội dung:" in text
    for fragment in hostile:
        assert fragment in text
    assert "root:" not in text
    assert connections(listener) == 0


def test_render_pdf_refuses_foreign_urls_of_a_template(read_pdf, listener):
    port = listener.getsockname()[1]
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
      <link rel="stylesheet" href="/static/css/print.css">
      <link rel="stylesheet" href="file:///etc/passwd">
    </head><body>
      <p>Tài liệu thử nghiệm</p>
      <img src="http://127.0.0.1:{port}/a.png" alt="">
      <img src="file:///etc/hostname" alt="">
    </body></html>"""
    pdf = read_pdf(render_pdf(html))

    assert connections(listener) == 0
    assert "Tài liệu thử nghiệm" in pdf.text()
    assert "root:" not in pdf.text()
    # print.css, served by the fetcher from our static files, did apply: its font is the only one.
    _assert_only_embedded_liberation_serif(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://print.invalid/static/css/print.css",
        "file:///etc/passwd",
        "https://print.invalid/static/../../etc/passwd",
        "https://print.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://print.invalid/static/css/../../../../etc/passwd",
        "https://print.invalid/static//etc/passwd",
        # A folder of static/ is refused too, but with IsADirectoryError: finders.find() returns the
        # folder and _static_bytes opens it outside its try (config/pdf.py). WeasyPrint still
        # catches it while rendering; the fetcher's own contract (ValueError, logged) is broken.
        "https://print.invalid/static/",
        "https://print.invalid/static/css",
        "https://print.invalid/static/css/missing.css",
        "https://print.invalid/etc/passwd",
        "data:text/plain,x",
    ],
)
def test_static_only_fetcher_refuses(url):
    with pytest.raises(ValueError, match="Không tải tài nguyên ngoài"):
        StaticOnlyFetcher().fetch(url)


def test_static_only_fetcher_serves_our_static_files():
    url = PRINT_BASE_URL + "static/css/print.css"
    response = StaticOnlyFetcher().fetch(url)
    assert response.read() == Path(finders.find("css/print.css")).read_bytes()
    assert response.headers["Content-Type"].startswith("text/css")


# Signature blocks across pages --------------------------------------------------------------------


def twenty_members_with_distinct_titles() -> Agreement:
    agreement = build(members=20, conference_date=date(2024, 2, 5))
    for registration in agreement.registrations.select_related("membership"):
        position = registration.membership.position
        registration.signer_title = f"Giám đốc khu vực {position}"
        if position % 3 == 0:
            registration.signer_prefix = "KT. Giám đốc"
        registration.save(update_fields=["signer_title", "signer_prefix"])
    return finalize(agreement)


def laid_out_pages(pdf: Pdf) -> dict[int, str]:
    return {number: pdf.page(number) for number in range(1, pdf.pages() + 1)}


def split_blocks(pages: dict[int, str], members: list[tuple[str, str, str]]) -> list[str]:
    """Signatories whose block (unit and title in capitals, name) is not whole on one page."""
    split = []
    for unit, title, name in members:
        where = {
            part: [n for n, page in pages.items() if exact(part).search(page)]
            for part in (unit.upper(), title.upper(), name)
        }
        found = list(where.values())
        if len(found[0]) != 1 or any(pages_ != found[0] for pages_ in found):
            split.append(f"{name}: {where}")
    return split


def test_no_signature_block_is_split_across_pages(read_pdf):
    agreement = twenty_members_with_distinct_titles()
    pages = laid_out_pages(read_pdf(stored_bytes(agreement)))
    assert len(pages) > 1
    members = members_of(agreement)
    assert len(members) == 20
    assert len({unit for unit, _, _ in members}) == 20
    assert len({title for _, title, _ in members}) == 20

    assert split_blocks(pages, members) == []
    # The blocks do spread over several pages, so the check above has something to check.
    name_pages = {n for _, _, name in members for n, page in pages.items() if exact(name).search(page)}
    assert len(name_pages) > 1


def test_split_check_sees_a_block_broken_across_pages(read_pdf):
    """The check above can fail: let rows break and make them taller than what is left of a page."""
    agreement = twenty_members_with_distinct_titles()
    html = printing.render_html(agreement.frozen, draft=False, code=agreement.verification_code)
    loose = "<style>table.signatures tr { break-inside: auto } .sig-space { height: 70mm }</style></head>"
    pages = laid_out_pages(read_pdf(render_pdf(html.replace("</head>", loose))))
    assert split_blocks(pages, members_of(agreement))


def test_page_numbers_are_at_the_top_from_the_second_page(read_pdf):
    agreement = finalize(build(members=12, commitments=8, conference_date=date(2024, 2, 5)))
    pages = laid_out_pages(read_pdf(stored_bytes(agreement)))
    assert len(pages) > 1
    first_lines = {
        n: next(line.strip() for line in page.splitlines() if line.strip()) for n, page in pages.items()
    }
    # Page 1 opens with the issuer's header, not a number (a long bloc name wraps onto a second line).
    assert first_lines[1].startswith(" ".join(agreement.term.bloc.name.upper().split()[:4]))
    assert "1" not in [line.strip() for line in pages[1].splitlines()]
    for number in range(2, len(pages) + 1):
        assert first_lines[number] == str(number)


# Stored once --------------------------------------------------------------------------------------


def test_finalize_renders_and_stores_the_pdf_once(monkeypatch):
    calls = []
    original = printing.render

    def counting_render(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr("agreements.printing.render", counting_render)
    agreement = finalize(build())
    assert len(calls) == 1
    assert calls[0]["draft"] is False
    assert calls[0]["code"] == agreement.verification_code
    first = stored_bytes(agreement)
    assert first.startswith(b"%PDF-")
    assert hashlib.sha256(first).hexdigest() == agreement.final_sha256
    name, sha = agreement.final_pdf.name, agreement.final_sha256

    again = finalize(Agreement.objects.get(pk=agreement.pk))
    again.refresh_from_db()
    assert len(calls) == 1
    assert again.final_sha256 == sha
    assert again.final_pdf.name == name
    assert stored_bytes(again) == first


# Rendered with no row locked ----------------------------------------------------------------------

NEW_SIGNER = "Người ký đổi trong lúc in"


def save_a_signatory_on_first_render(monkeypatch, agreement: Agreement, steps: list) -> None:
    """Patch the render: its first call saves another signatory for member 2, as another user would
    while the PDF renders; every call records whether a transaction was open."""
    original = printing.render
    membership = agreement.term.memberships.get(position=2)

    def render(data, **kwargs):
        steps.append(("render", connection.in_atomic_block))
        if len(steps) == 1:
            services.registration_save(
                agreement=agreement, membership=membership, data={"signer_name": NEW_SIGNER},
                targets=[], lock_version=None, by=None,
            )  # fmt: skip
        return original(data, **kwargs)

    monkeypatch.setattr("agreements.printing.render", render)


def test_a_signatory_saved_during_the_render_is_in_the_frozen_agreement_and_its_pdf(read_pdf, monkeypatch):
    agreement = build(members=3)
    steps = []
    save_a_signatory_on_first_render(monkeypatch, agreement, steps)
    agreement = finalize(agreement)
    assert len(steps) == 2  # the first print missed the new signatory: printed again
    assert [m["signer_name"] for m in agreement.frozen["members"]] == ["Người ký 1", NEW_SIGNER, "Người ký 3"]
    stored = stored_bytes(agreement)
    assert hashlib.sha256(stored).hexdigest() == agreement.final_sha256
    text = read_pdf(stored).text()
    assert NEW_SIGNER in text and not exact("Người ký 2").search(text)
    [event] = AuditEvent.objects.filter(action="agreement.finalize")
    assert event.old == {"status": "draft"}
    assert event.new == {"status": "final", "sha256": agreement.final_sha256, "version": 1}


@pytest.mark.django_db(transaction=True)
def test_the_agreement_renders_with_no_transaction_open_and_locks_after(monkeypatch):
    """No transaction around the render (SQLite and PostgreSQL): no row lock can be held by it."""
    agreement = build(members=3)
    steps = []
    save_a_signatory_on_first_render(monkeypatch, agreement, steps)
    record_locks(monkeypatch, steps)
    agreement = finalize(agreement)
    # The other user's save locks in its own transaction inside the first render; then each render
    # is followed by the finalize's lock, in a transaction.
    assert steps == [
        ("render", False),
        ("lock", "Agreement", True),
        ("lock", "Registration", True),
        ("lock", "Agreement", True),
        ("render", False),
        ("lock", "Agreement", True),
    ]
    assert agreement.frozen["members"][1]["signer_name"] == NEW_SIGNER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises every write")
@pytest.mark.django_db(transaction=True)
def test_another_connection_saves_a_registration_while_the_agreement_renders(monkeypatch):
    agreement = build(members=3)
    membership = agreement.term.memberships.get(position=2)
    original, saved = printing.render, {}

    def save_elsewhere() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # a held lock fails the save instead of hanging
        services.registration_save(
            agreement=agreement, membership=membership, data={"signer_name": NEW_SIGNER},
            targets=[], lock_version=None, by=None,
        )  # fmt: skip

    def render(data, **kwargs):
        if not saved:
            saved.update(run_together({"other": save_elsewhere}))
        return original(data, **kwargs)

    monkeypatch.setattr("agreements.printing.render", render)
    agreement = finalize(agreement)
    assert saved == {"other": None}
    assert agreement.frozen["members"][1]["signer_name"] == NEW_SIGNER


# Versions and renames leave a final version as it was ---------------------------------------------


def test_new_version_leaves_version_one_pdf_and_snapshot_untouched(read_pdf):
    v1 = finalize(build(conference_date=date(2024, 2, 5)))
    v1_bytes, v1_frozen, v1_name = stored_bytes(v1), copy.deepcopy(v1.frozen), v1.final_pdf.name
    leader = unit_user(v1.term, Role.LEADER)

    v2 = services.agreement_new_version(agreement=v1, by=leader, reason="Bổ sung nội dung")
    services.commitment_add(agreement=v2, text="Nội dung bổ sung của phiên bản hai", by=leader)
    v2 = services.agreement_finalize(agreement=v2, by=leader)

    v1 = Agreement.objects.get(pk=v1.pk)
    assert v1.is_superseded
    assert v1.final_pdf.name == v1_name != v2.final_pdf.name
    assert stored_bytes(v1) == v1_bytes
    assert hashlib.sha256(stored_bytes(v1)).hexdigest() == v1.final_sha256
    assert v1.frozen == v1_frozen
    v1_text = read_pdf(stored_bytes(v1)).text()
    assert "GIAO ƯỚC THI ĐUA NĂM 2023" in v1_text
    assert "Nội dung bổ sung của phiên bản hai" not in v1_text
    v2_text = read_pdf(stored_bytes(v2)).text()
    assert "Nội dung bổ sung của phiên bản hai" in v2_text
    assert "(Phiên bản 2)" in v2_text


def test_unit_rename_after_finalize_leaves_frozen_snapshot(read_pdf):
    agreement = finalize(build())
    frozen, pdf = copy.deepcopy(agreement.frozen), stored_bytes(agreement)
    membership = agreement.term.memberships.select_related("unit").get(position=2)
    old_name = membership.unit.name
    assert frozen["members"][1]["unit"] == old_name

    unit_rename(
        unit=membership.unit,
        new_name="Sở đã đổi tên",
        new_short_name="SĐĐT",
        from_year=agreement.term.year,
        by=None,
    )

    agreement = Agreement.objects.get(pk=agreement.pk)
    # The live data for that year does carry the new name ...
    assert printing.snapshot(agreement)["members"][1]["unit"] == "Sở đã đổi tên"
    # ... the signed version does not.
    assert agreement.frozen == frozen
    assert stored_bytes(agreement) == pdf
    text = read_pdf(stored_bytes(agreement)).text()
    assert exact(old_name).search(text)
    assert "Sở đã đổi tên" not in text


# Time ---------------------------------------------------------------------------------------------


def _median_render_seconds(members: int, *, runs: int = 5) -> float:
    data = printing.snapshot(build(members=members, commitments=8, conference_date=date(2024, 2, 5)))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        printing.render(data, draft=False, code="ma-xac-thuc-thu")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_median_render_time_for_12_members_is_under_a_second():
    printing.render(printing.snapshot(build(members=2)), draft=True)  # fonts and CSS loaded once
    medians = {members: _median_render_seconds(members) for members in (8, 12, 20)}
    print("median render seconds:", {n: round(s, 3) for n, s in medians.items()})
    assert medians[12] < 1.0
