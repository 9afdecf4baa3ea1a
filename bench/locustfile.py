"""The load of the benchmark (bench/README.md): logged-in users of a large province, in three phases.

1. Login: every user signs in through the login form (GET for the CSRF token, POST). Password
   hashing is deliberately slow, so this phase is not measured; statistics are reset when the last
   user is in.
2. Mix (BENCH_MIX_SECONDS): the realistic mix, each user waiting BENCH_THINK_MIN..MAX seconds
   between actions. Board staff read the dashboard, the overview and bloc pages; this year's leaders
   the dashboard, their bloc, the grid, the ranking, the finalized agreement of last year and this
   year's draft as PDF; members the dashboard, their bloc, last year's ranking, the PDF, and their
   self-assessment sheet, which they load and save with one score changed (a POST with the page's
   own CSRF token, so that no two saves carry the same token).
3. Capacity (BENCH_CAP_SECONDS per page): every user allowed to see a page requests it in a loop
   with no pause, one page after another, /health/ (the trivial view) first, then the references
   for the dashboard (a signed-in request that does nothing, the password change form, the dashboard
   kept in memory; bench/urls.py): the throughput of each page alone, the server saturated; its
   ratio to /health/ is the page's cost against the ceiling of the same server.

Names: "mix: <page>" and "cap: <page>". The statistics go to BENCH_STATS as JSON (bench/report.py).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
from decimal import Decimal
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task

PERSONAS = json.loads(Path(os.environ.get("BENCH_PERSONAS", "bench/.work/personas.json")).read_text())
MIX_SECONDS = float(os.environ.get("BENCH_MIX_SECONDS", "60"))
CAP_SECONDS = float(os.environ.get("BENCH_CAP_SECONDS", "6"))
THINK = (float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))
STATS = Path(os.environ.get("BENCH_STATS", "bench/.work/stats.json"))

# Page key → label, in the order of the report.
PAGES = {
    "health": "/health/ (trivial view)",
    # Not in the mix, references for the dashboard (bench/urls.py): the least a signed-in request
    # costs (session and user, no template), the cheapest page of the app (session, user, menu, base
    # template), and the dashboard served as computed once (the most any cache of it could give).
    "signed_in": "/bench/signed-in/ (signed-in trivial view)",
    "floor": "/password-change/ (signed-in floor)",
    "dashboard": "dashboard",
    "dashboard_kept": "dashboard kept in memory (the bound of any cache)",
    "bloc": "bloc page",
    "grid": "leader's grid",
    "ranking": "ranking",
    "sheet": "self-assessment sheet",
    "save": "save a score (POST)",
    "overview": "board overview",
    "final_pdf": "finalized agreement PDF",
    "draft_pdf": "draft agreement PDF",
}
CAPACITY = list(PAGES)
CAN = {
    "board": {"dashboard", "bloc", "overview", "final_pdf"},
    "leader": {"dashboard", "bloc", "grid", "ranking", "final_pdf", "draft_pdf"},
    "member": {"dashboard", "bloc", "ranking", "sheet", "save", "final_pdf", "draft_pdf"},
}
for _pages in CAN.values():
    _pages |= {"health", "signed_in", "floor", "dashboard_kept"}
MIX = {
    "board": {"dashboard": 2, "overview": 4, "bloc": 2, "final_pdf": 1},
    "leader": {"dashboard": 4, "bloc": 2, "grid": 3, "ranking": 2, "final_pdf": 1, "draft_pdf": 1},
    "member": {"dashboard": 3, "bloc": 1, "save": 4, "ranking": 1, "final_pdf": 1},
}
# One board user, four leaders and five members in every ten users.
ROLES = ["board", "leader", "member", "leader", "member", "member", "leader", "member", "leader", "member"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TEXT_INPUT = re.compile(r'<input[^>]*\bname="(c\d+)"[^>]*\bvalue="([^"]*)"')
TEXTAREA = re.compile(r'<textarea[^>]*\bname="(n\d+)"[^>]*>([^<]*)</textarea>', re.S)
SELECT = re.compile(r'<select[^>]*\bname="(c\d+)"[^>]*>(.*?)</select>', re.S)
SELECTED = re.compile(r'<option value="([^"]*)"[^>]*\bselected')
LOCK = re.compile(r'name="lock_version" value="(\d*)"')


class Clock:
    """Shared by the users of this process (gevent: one thread)."""

    counter = itertools.count()
    ready = 0
    t0: float | None = None
    login: dict | None = None
    quitting = False
    etag_seen = False
    failed_logins = 0

    @classmethod
    def phase(cls) -> tuple[str, str | None]:
        if cls.t0 is None:
            return "login", None
        elapsed = time.monotonic() - cls.t0
        if elapsed < MIX_SECONDS:
            return "mix", None
        index = int((elapsed - MIX_SECONDS) // CAP_SECONDS)
        if index < len(CAPACITY):
            return "cap", CAPACITY[index]
        return "done", None


def _accounts() -> dict[str, list]:
    blocs = PERSONAS["blocs"]
    drafting = [
        (bloc, username)
        for row in itertools.zip_longest(*[[(b, u) for u in b["drafting"]] for b in blocs])
        for bloc, username in (x for x in row if x)
    ]
    return {
        "board": [(blocs[i % len(blocs)], u) for i, u in enumerate(PERSONAS["board"])],
        "leader": [(b, b["leader"]) for b in blocs],
        "member": drafting or [(b, b["members"][0]) for b in blocs],
    }


ACCOUNTS = _accounts()
SLOTS = {role: itertools.count() for role in ACCOUNTS}


class BenchUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.role = ROLES[next(Clock.counter) % len(ROLES)]
        accounts = ACCOUNTS[self.role]
        self.bloc, self.username = accounts[next(SLOTS[self.role]) % len(accounts)]
        self.rng = random.Random(self.username)  # noqa: S311 -- load generation, not secrets
        self.logged_in = self._login()
        if self.logged_in:
            # Each worker computes a user's kept dashboard once: do it now, not in its measured
            # phase (the sync workers take each request at random; six leave one unwarmed in 32).
            for _ in range(6):
                self.client.get(self.url("dashboard_kept"), name="warm-up: kept dashboard")
        Clock.ready += 1
        if Clock.ready >= self.environment.parsed_options.num_users and Clock.t0 is None:
            login = self.environment.stats.get("login", "POST")
            Clock.login = {
                "requests": login.num_requests,
                "failures": login.num_failures,
                "p50": login.get_response_time_percentile(0.5),
                "p95": login.get_response_time_percentile(0.95),
            }
            self.environment.stats.reset_all()
            Clock.t0 = time.monotonic()

    def _login(self) -> bool:
        page = self.client.get("/login/", name="login form")
        token = CSRF.search(page.text)
        if token is None:
            Clock.failed_logins += 1
            return False
        data = {"username": self.username, "password": PERSONAS["password"], "csrfmiddlewaretoken": token[1]}
        with self.client.post(
            "/login/", data=data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused for {self.username}: {response.status_code}")
                Clock.failed_logins += 1
                return False
        return True

    @task
    def step(self) -> None:
        phase, page = Clock.phase()
        if phase == "login" or not self.logged_in:
            gevent.sleep(0.2)
        elif phase == "mix":
            weights = MIX[self.role]
            page = self.rng.choices(list(weights), weights=list(weights.values()))[0]
            self.visit(page, "mix: ")
            gevent.sleep(self.rng.uniform(*THINK))
        elif phase == "cap":
            if page in CAN[self.role]:
                self.visit(page, "cap: ")
            else:
                gevent.sleep(0.1)
        else:
            if not Clock.quitting:
                Clock.quitting = True
                gevent.spawn(self.environment.runner.quit)
            gevent.sleep(1)

    # Pages ----------------------------------------------------------------------------------------

    def url(self, page: str) -> str:
        b = self.bloc
        ranked = b["criteria_set"] if self.role == "leader" else b["previous_criteria_set"]
        return {
            "health": "/health/",
            "signed_in": "/bench/signed-in/",
            "floor": "/password-change/",
            "dashboard": "/",
            "dashboard_kept": "/bench/dashboard-kept/",
            "bloc": f"/blocs/{b['bloc']}/",
            "grid": f"/scoring/{b['criteria_set']}/grid/",
            # Leaders follow this year's ranking as it forms; members read last year's, published.
            "ranking": f"/scoring/{ranked}/ranking/",
            "sheet": f"/scoring/{b['criteria_set']}/sheet/",
            "overview": "/overview/",
            "final_pdf": f"/agreements/{b['final_agreement']}/pdf/",
            "draft_pdf": f"/agreements/{b['draft_agreement']}/pdf/",
        }[page]

    def visit(self, page: str, prefix: str) -> None:
        if page == "save":
            self.save(prefix)
            return
        name = prefix + PAGES[page]
        with self.client.get(self.url(page), name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {page}")
            elif page.endswith("pdf") and not response.content.startswith(b"%PDF"):
                response.failure(f"{page} is not a PDF")
            elif page == "final_pdf":
                names = {name.lower() for name, _value in response.headers.items()}
                Clock.etag_seen = Clock.etag_seen or {"etag", "last-modified"} <= names

    def save(self, prefix: str) -> None:
        """Load the sheet and post it back as a browser would (every cell and note), one score changed."""
        url = self.url("sheet")
        # Alone, the sheet's own phase measures the GET; here it is only what the POST needs.
        name = prefix + PAGES["sheet"] if prefix == "mix: " else prefix + "(the sheet before a save)"
        with self.client.get(url, name=name, catch_response=True) as response:
            token = CSRF.search(response.text)
            if response.status_code != 200 or token is None:
                response.failure(f"{response.status_code} on the sheet, or no form")
                return
            body = response.text
        data = {"csrfmiddlewaretoken": token[1], "lock_version": (LOCK.search(body) or [None, ""])[1]}
        data |= {name: html.unescape(value) for name, value in TEXT_INPUT.findall(body)}
        data |= {name: html.unescape(value) for name, value in TEXTAREA.findall(body)}
        for name, options in SELECT.findall(body):
            chosen = SELECTED.search(options)
            data[name] = chosen[1] if chosen else ""
        judged = [f"c{pk}" for pk in self.bloc["judged"] if f"c{pk}" in data]
        if not judged:
            response.failure("no judged criterion on the sheet")
            return
        cell = self.rng.choice(judged)
        old = Decimal(data[cell].replace(",", ".") or "15")
        data[cell] = str(old - Decimal("0.5") if old >= 10 else old + Decimal("0.5")).replace(".", ",")
        with self.client.post(
            url, data=data, name=prefix + PAGES["save"], allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"save refused: {response.status_code}")


@events.quitting.add_listener
def _write_stats(environment, **kwargs) -> None:
    entries = []
    for (name, method), entry in sorted(environment.stats.entries.items()):
        if entry.num_requests == 0:
            continue
        phase = name.split(":", 1)[0]
        seconds = MIX_SECONDS if phase == "mix" else CAP_SECONDS
        entries.append(
            {
                "name": name,
                "method": method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "avg": round(entry.avg_response_time, 1),
                "max": round(entry.max_response_time or 0, 1),
                "rps": round(entry.num_requests / seconds, 2),
            }
        )
    errors = [
        {"name": e.name, "error": str(e.error)[:300], "occurrences": e.occurrences}
        for e in environment.stats.errors.values()
    ]
    users = environment.parsed_options.num_users
    result = {
        "users": users,
        "roles": {role: sum(1 for i in range(users) if ROLES[i % len(ROLES)] == role) for role in MIX},
        "mix_seconds": MIX_SECONDS,
        "cap_seconds": CAP_SECONDS,
        "think": THINK,
        "login": Clock.login,
        "failed_logins": Clock.failed_logins,
        "measured": Clock.t0 is not None,
        "final_pdf_validators": Clock.etag_seen,
        "pages": PAGES,
        "entries": entries,
        "errors": errors,
    }
    STATS.parent.mkdir(parents=True, exist_ok=True)
    STATS.write_text(json.dumps(result, ensure_ascii=False, indent=1))
