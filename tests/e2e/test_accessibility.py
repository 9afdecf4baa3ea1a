"""Issue 15, item 22: every page the demo's personas reach has no WCAG 2.1 AA violation that axe-core
finds, every focus indicator is visible (≥ 3:1), and no page is wider than a 390 px screen.

Each persona signs in and follows the links of the pages it reaches (same site, GET, no file
downloads), breadth first, up to a bound; axe-core (axe-playwright-python, which carries its own
copy of axe) checks each page against the WCAG 2.0/2.1 A and AA rules.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import log_in

PERSONAS = {"bantdkt": 14, "truongkhoi": 14, "thanhvien": 8, "phutrach": 6}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SKIP = re.compile(
    r"/(logout|admin|static|media)/|\.(pdf|xlsx|csv|ico)$|/(pdf|download|papers|file|decision)/|/evidence/\d+/$|/preview/$|export"
)
NARROW = 390


def _links(page, base: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)"):
        url, _ = urldefrag(href)
        if url.startswith(base) and not SKIP.search(
            urlparse(url).path + ("?" + urlparse(url).query if urlparse(url).query else "")
        ):
            found.append(url)
    return found


def _crawl(page, base: str, limit: int) -> list[str]:
    seen, queue, visited = set(), [f"{base}/"], []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            response = page.goto(url)
        except PlaywrightError:  # a file download the pattern did not foresee: not a page
            continue
        if (
            response is None
            or response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        visited.append(url)
        queue.extend(u for u in _links(page, base) if u not in seen)
    return visited


@pytest.fixture(autouse=True)
def _markup_is_the_same_on_every_database():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the pages' markup does not depend on the database: checked once, on SQLite")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_persona_reaches_passes_axe_and_fits_a_narrow_screen(browser, demo, persona):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context(locale="vi-VN", viewport={"width": NARROW, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, demo, persona, "thidua-2024")
    problems = []
    for url in _crawl(page, demo, PERSONAS[persona]):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW:
            problems.append(f"{url}: {width} px wide at {NARROW} px")
        results = axe.run(page, options=WCAG_AA)
        for violation in results.response["violations"]:
            targets = [n["target"] for n in violation["nodes"]][:3]
            problems.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
    context.close()
    assert not problems, "\n".join(problems)


def test_focus_is_visible_on_fields_buttons_and_menu_links(page, demo):
    """The focus ring of each kind of control differs from its surroundings by at least 3:1 (WCAG
    2.1, 1.4.11): a solid outline, not Bootstrap's faint glow."""

    def ring(selector: str) -> list[str]:
        element = page.locator(selector).first
        element.focus()
        return element.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
        )

    page.goto(f"{demo}/login/")
    page.keyboard.press("Tab")  # the keyboard, as its users move
    checked = {selector: ring(selector) for selector in ("input[name=username]", "main button")}
    log_in(page, demo, "truongkhoi", "thidua-2024")
    page.keyboard.press("Tab")
    checked |= {selector: ring(selector) for selector in ("select[name=year]", "header nav a.nav-link")}
    for selector, (style, width, _colour) in checked.items():
        assert style == "solid" and float(width.removesuffix("px")) >= 2, (selector, style, width)
