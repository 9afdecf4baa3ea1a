"""The house rules of docs/ARCHITECTURE.md that a test can hold: the apps and their layers, each app's
own modules, no module over 500 lines, no view function over 40 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[1]
# The product's apps, in their layers (lowest first), and the tools above them.
PRODUCT = ["blocs", "province", "agreements", "scoring", "ballots", "conferences", "board"]
TOOLS = ["demo", "archive", "bench"]
# The apps with pages: each has these modules (a package of the same name counts) and a templates folder.
WITH_PAGES = ["blocs", "agreements", "scoring", "ballots", "conferences", "board"]
OWN_MODULES = ["models", "services", "permissions", "forms", "views", "urls", "admin"]
MAX_MODULE_LINES = 500
MAX_VIEW_LINES = 40


def app_modules():
    for app in [*PRODUCT, *TOOLS, "config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            # Not the migrations, nor what a tool keeps beside its code (bench/.venv, .media…).
            if "migrations" not in parts and not any(p.startswith(".") for p in parts):
                yield path


def test_the_apps_are_installed_in_their_layers():
    installed = [a for a in settings.INSTALLED_APPS if a in PRODUCT + TOOLS]
    assert installed[: len(PRODUCT)] == PRODUCT
    assert set(installed[len(PRODUCT) :]) == set(TOOLS)  # bench by the test and benchmark settings only
    assert "bench" not in __import__("config.settings", fromlist=["INSTALLED_APPS"]).INSTALLED_APPS


def test_the_layers_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


@pytest.mark.parametrize("app", WITH_PAGES)
def test_every_app_with_pages_has_its_own_modules_templates_and_namespace(app):
    for module in OWN_MODULES:
        assert (ROOT / app / f"{module}.py").is_file() or (ROOT / app / module / "__init__.py").is_file(), (
            app,
            module,
        )
    assert (ROOT / "templates" / app).is_dir()
    assert app in get_resolver().namespace_dict
    assert apps.get_app_config(app).label == app


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in app_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_view_function_is_over_40_lines():
    long = {}
    for path in app_modules():
        if path.stem != "views" and path.parent.name != "views":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_VIEW_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert long == {}
