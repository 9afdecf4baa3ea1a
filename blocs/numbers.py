"""Numbers as Vietnamese users type and read them: one parser for every decimal field of the
application, and the two ways a number is written back (issue 15, items 13 and 14).

- Typed: "7,5" and "7.5" are 7,5; "1.005,5" is 1005,5 (dots group thousands beside a comma). A lone
  "1.200" is 1200 in a field whose step is a whole number (counts, targets, whole points); elsewhere
  it is refused with a message that shows how to write it ("1200" or "1.200,0").
- Shown (`grouped`): 1.000 · 1.005 · 1.005,5 · −2 in pages, documents and exports.
- Typed back (`plain`): a form's initial value is written ungrouped ("1000", "1005,5"), so that
  posting a form as it came changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms

CENT = Decimal("0.01")
MAX_LENGTH = 20
_NUMBER = re.compile(r"^[0-9]{1,15}([.,][0-9]+)?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_THOUSANDS_ONLY = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")


class Invalid(ValueError):
    """A value the user typed that cannot be taken; its message is Vietnamese."""


def parse_decimal(text: str | None, *, whole: bool = False) -> Decimal | None:
    """What the user typed, as a non-negative Decimal of at most two decimals; "" is None. `whole`:
    the field's step is a whole number, so a lone "1.200" groups thousands."""
    if text is None:
        return None
    # NFKC turns full-width digits and odd spaces into plain ones; other scripts' digits are refused.
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    if not cleaned:
        return None
    if _THOUSANDS_ONLY.match(cleaned):
        if not whole:
            plain_digits = cleaned.replace(".", "")
            raise Invalid(
                f"Không rõ dấu chấm trong “{cleaned}” là phần nghìn hay phần thập phân: "
                f"viết {plain_digits} hoặc {cleaned},0 (phần thập phân sau dấu phẩy, ví dụ 7,5)."
            )
        cleaned = cleaned.replace(".", "")
    elif _GROUPED.match(cleaned) and "," in cleaned:
        cleaned = cleaned.replace(".", "")
    if not _NUMBER.match(cleaned):
        raise Invalid("Phải là một số không âm; dùng dấu phẩy cho phần thập phân (ví dụ 7,5).")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise Invalid("Phải là một số.") from exc
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise Invalid("Tối đa hai chữ số thập phân.")
    return value


def plain(value: Decimal | None) -> str:
    """7.50 → "7,5"; 1005.50 → "1005,5"; 10.00 → "10": how a value is typed back into a form."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def grouped(value) -> str:
    """A number as pages and documents print it: "1.005,5", "−1.000" (a true minus sign)."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = plain(abs(value))
    whole, _, decimals = text.partition(",")
    digits = f"{int(whole):,}".replace(",", ".")
    sign = "−" if value < 0 else ""
    return f"{sign}{digits},{decimals}" if decimals else f"{sign}{digits}"


def excel_format(value) -> str:
    """The XLSX number format of a value: thousands grouped, decimals only where it has some (the
    spreadsheet shows the separators of the reader's own settings, 1.005,5 in Vietnamese)."""
    return "#,##0.0#" if Decimal(str(value)) % 1 else "#,##0"


class VnDecimalField(forms.CharField):
    """A decimal typed the Vietnamese way, cleaned by `parse_decimal`; `whole` for a field whose
    step is a whole number."""

    def __init__(self, *args, max_value: Decimal | None = None, whole: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs["maxlength"] = str(MAX_LENGTH)
        self.max_value, self.whole = max_value, whole
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        return plain(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > MAX_LENGTH:
            raise forms.ValidationError(f"Số quá dài (tối đa {MAX_LENGTH} ký tự).", code="max_length")
        try:
            number = parse_decimal(text, whole=self.whole)
        except Invalid as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        if number is not None and self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(f"Tối đa {grouped(self.max_value)}.", code="max_value")
        return number
