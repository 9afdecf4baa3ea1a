"""Hostile values, by category, as hypothesis strategies: what a careless paste, a broken client or an
attacker may post in place of a field's value. Every category is a name (for the summary) and a
function from the field's valid value to a strategy of replacement values."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

VIETNAMESE = "Thanh tra tỉnh Quảng Ngãi đoàn kết, kỷ cương, sáng tạo; Sở Nông nghiệp và Môi trường"
CONTROL = ["\x00", "\x07", "\x1b", "\r", "\x08", "\x0b", "\x0c", "\x7f"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u2060"]
BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2069", "\u200f"]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "{{ request.user.password }}{% debug %}",
    "javascript:alert(1)",
    "&lt;b&gt;&amp;&#0;",
]
SQL = ["' OR '1'='1", "1; DROP TABLE blocs_unit; --", "\\", "%", "_%_", "'", '"', "1' UNION SELECT 1--"]
NUMBERS = [
    "-1", "-0", "0", "-999999999", "NaN", "nan", "sNaN", "inf", "-inf", "Infinity", "-Infinity", "1e309",
    "-1e309", "1e-400", "9" * 40, "1" + "0" * 25, "0." + "1" * 40, "7,5", "7.5", "1.234,5", "1,234.5",
    "٣", "１０", "½", "0x1F", "1_000", " 5 ", "+5", "--5", "5-", "1e3", "2147483648", "9223372036854775808",
    # Digits that int() refuses ("²".isdigit() is true), and more digits than int() converts (4300).
    "²", "①", "9" * 5000,
]  # fmt: skip
DATES = [
    "2024-02-30", "31/13/2024", "30/02/2024", "29/02/2023", "00/00/0000", "01/01/0001", "31/12/9999",
    "1/1/10000", "2024-13-01", "99999-01-01", "32/01/2024", "05/01/2024 25:61", "2024-02-29T24:00",
    "31/12/2099 17:00", "-1/-1/-1", "05/01/2024\x00", "٠٥/٠١/٢٠٢٤", "0001-01-01T00:00",
    # Midnight did not exist or came twice in Asia/Ho_Chi_Minh on these days (clock changes).
    "01/04/1947", "01/07/1955 00:00", "1955-07-01T00:30",
]  # fmt: skip
PKS = [
    "0", "-1", "2147483648", "9223372036854775808", "1" + "0" * 30, "1.0", "1e3", "abc", " 1", "1 ", "²", "٣",
]  # fmt: skip
WRONG_TYPES = ["abc", "mười", "true", "[]", "{}", "null", "None", "on", "✓", "up", "final", "signed"]
BLANKS = ["", " ", "\t", "\n\n", "\u00a0", "\u3000", "\u2028"]
# Fields a form does not have: a forged post may try to set them (mass assignment).
EXTRA_FIELDS = [
    "id", "pk", "status", "state", "term", "bloc", "unit", "by", "created_by", "is_superuser",
    "is_staff", "lock_version", "version", "submit", "save", "final_sha256", "verification_code",
]  # fmt: skip

# A browser's post always carries the CSRF token (the test client does not check it): without it, a
# post of no other field would reach the views as no post at all (`request.POST or None`).
CSRF = {"csrfmiddlewaretoken": "x" * 64}

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n% hostile\n%%EOF\n"


def _insert(base: str, pieces: list[str]) -> st.SearchStrategy[str]:
    base = base or VIETNAMESE
    return st.tuples(st.sampled_from(pieces), st.integers(0, len(base)), st.integers(1, 3)).map(
        lambda t: base[: t[1]] + t[0] * t[2] + base[t[1] :]
    )


def _long(base: str) -> st.SearchStrategy[str]:
    seed = base or VIETNAMESE
    return st.tuples(st.integers(10_000, 100_000), st.booleans()).map(
        lambda t: ((seed + " ") * (t[0] // (len(seed) + 1) + 1))[: t[0]] if t[1] else "đ" * t[0]
    )


def _nfd(base: str) -> st.SearchStrategy[str]:
    text = base if base and not base.isascii() else VIETNAMESE
    half = len(text) // 2
    return st.sampled_from(
        [
            unicodedata.normalize("NFD", text),
            unicodedata.normalize("NFC", text[:half]) + unicodedata.normalize("NFD", text[half:]),
            unicodedata.normalize("NFKD", "Ｔｈａｎｈ ｔｒａ ﬁ ①") + unicodedata.normalize("NFD", text),
        ]
    )


TEXT: dict[str, Callable[[str], st.SearchStrategy[str]]] = {
    "long": _long,
    "control": lambda base: _insert(base, CONTROL),
    "invisible": lambda base: _insert(base, INVISIBLE),
    "bidi": lambda base: _insert(base, BIDI),
    "nfd": _nfd,
    "markup": lambda base: st.sampled_from(MARKUP).map(lambda m: f"{base} {m}".strip()),
    "sql": lambda base: st.sampled_from(SQL),
    "number": lambda base: st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(-(10**30), 10**30).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
    ),
    "date": lambda base: st.one_of(st.sampled_from(DATES), st.dates().map(lambda d: d.strftime("%d/%m/%Y"))),
    "pk": lambda base: st.sampled_from(PKS),
    "wrong_type": lambda base: st.sampled_from(WRONG_TYPES),
    "blank": lambda base: st.sampled_from(BLANKS),
    "unicode": lambda base: st.text(max_size=200),
}


def text_attacks(foreign_pks: list[int]) -> dict[str, Callable[[str], st.SearchStrategy[str]]]:
    """The text categories, with pks of rows that exist but belong to other terms and blocs."""
    return TEXT | {"foreign_pk": lambda base: st.sampled_from(foreign_pks).map(str)}


def _upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _renamed(base: SimpleUploadedFile, content: bytes) -> SimpleUploadedFile:
    return _upload(base.name, content, base.content_type)


def _content(base: SimpleUploadedFile) -> bytes:
    base.seek(0)
    data = base.read()
    base.seek(0)
    return data


def _hostile_name(base: SimpleUploadedFile) -> st.SearchStrategy[SimpleUploadedFile]:
    ext = base.name.rsplit(".", 1)[-1]
    names = [
        f"../../etc/passwd.{ext}",
        f"{'a' * 300}.{ext}",
        unicodedata.normalize("NFD", f"Biên bản họp.{ext}"),
        f"<script>alert(1)</script>.{ext}",
        f"ban\u202egpj.{ext}",
        f".{ext}",
        f"C:\\Windows\\x.{ext}",
        f"ban ky\x07.{ext}",
    ]
    return st.sampled_from(names).map(lambda name: _upload(name, _content(base), base.content_type))


def _text_in_file(base: SimpleUploadedFile) -> st.SearchStrategy[SimpleUploadedFile]:
    """A text file (CSV) with one hostile piece of text in it, or not text at all."""
    text = _content(base).decode("utf-8-sig", errors="replace")
    category = st.sampled_from(["long", "control", "invisible", "bidi", "nfd", "markup", "number"])
    garbage = st.sampled_from(
        [b"\xff\xfe\x00\x00garbage", b"a;b\n" * 5000, b"=cmd|' /C calc'!A0;x\n", b"\x00" * 64]
    )

    def into(pair):
        category, piece = pair
        return _renamed(base, text.replace("Tiêu chí", piece.replace(";", ","), 1).encode())

    return st.one_of(
        category.flatmap(lambda c: st.tuples(st.just(c), TEXT[c]("Tiêu chí"))).map(into),
        garbage.map(lambda b: _renamed(base, b)),
    )


FILE: dict[str, Callable[[SimpleUploadedFile], st.SearchStrategy]] = {
    "file_exe": lambda base: st.builds(lambda: _renamed(base, EXE)),
    "file_html": lambda base: st.builds(lambda: _renamed(base, HTML)),
    "file_empty": lambda base: st.builds(lambda: _renamed(base, b"")),
    "file_name": _hostile_name,
    "file_as_text": lambda base: st.sampled_from(["ban-ky.pdf", "", "\x00"]),
    "file_content": _text_in_file,
    # Over the size limit: the test lowers MAX_UPLOAD_SIZE for this one, so the file stays small.
    "file_oversize": lambda base: st.builds(
        lambda: _renamed(base, _content(base)[:16].ljust(8 * 1024, b"0"))
    ),
}
OVERSIZE_LIMIT = 4 * 1024
