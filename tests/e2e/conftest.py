"""Real-browser tests: Playwright's Python API driving Debian's Chromium (never `playwright install`)."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import load_demo_once

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that it is safe, which it is here (one thread, one test at a time).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# `make screenshots` (SCREENSHOTS=1) refreshes the README's pictures; other runs write to a temporary
# folder, so that running the tests never dirties the checkout.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see README).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(live_server, _demo_dump):
    """The demo province behind a live server (browser tests flush the database after each test, so
    each loads it again: from the session's dump after the first); the server's address."""
    load_demo_once(_demo_dump)
    return live_server.url


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def _screenshot_folder() -> Path:
    folder = (
        SCREENSHOTS if os.environ.get("SCREENSHOTS") else Path(tempfile.gettempdir()) / "khoithidua-screens"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, name: str) -> None:
    """Save a screenshot for the README; the browser tests keep them current."""
    page.screenshot(path=str(_screenshot_folder() / f"{name}.png"), full_page=True)


def print_pages(pdf: Path, name: str, pages: dict[str, int]) -> list[Path]:
    """Pictures of printed pages for the README (`pdftoppm`, 60 dpi): `name-label.png` per page."""
    folder = _screenshot_folder()
    made = []
    for label, number in pages.items():
        stem = folder / f"{name}-{label}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                str(number),
                "-l",
                str(number),
                "-singlefile",
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        made.append(stem.with_suffix(".png"))
    return made
