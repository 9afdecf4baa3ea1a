"""The markdown report of one benchmark run (called by bench/run): the machine, the data set, and per
page p50, p95, throughput and errors under the mix, the throughput of each page alone and its
ratio to the trivial view's, the targets, and the gunicorn workers' peak memory.

Usage: report.py STATS.json PERSONAS.json MACHINE.json OUT.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

P95_TARGET_MS = 200
WORKERS = 2  # gunicorn's, in bench/run: a page alone keeps both busy, each request takes 2 / (req/s)


def _entry(entries: list[dict], name: str) -> dict | None:
    return next((e for e in entries if e["name"] == name), None)


def _ms(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def main(stats_path: str, personas_path: str, machine_path: str, out_path: str) -> int:
    stats = json.loads(Path(stats_path).read_text())
    personas = json.loads(Path(personas_path).read_text())
    machine = json.loads(Path(machine_path).read_text())
    entries = stats["entries"]
    pages = stats["pages"]
    health = _entry(entries, "cap: " + pages["health"])
    ceiling = health["rps"] if health else None

    lines = [
        f"# Benchmark run {machine['started']}",
        "",
        "Produced by `bench/run` (bench/README.md). One machine runs the server, PostgreSQL and the load",
        "generator: the numbers are indicative of this machine on this day.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']} ({machine['nproc']} cores); RAM {machine['ram']}; load average at the "
        f"start {machine['load']} (at the start: what other programs, or an earlier run, left running)",
        f"- PostgreSQL {machine['postgres']}; Python {machine['python']}; commit {machine['commit']}",
        f"- gunicorn: {machine['gunicorn']}",
        f"- CPU time used during the load (login, mix, capacity): {machine.get('cpu_used', '?')}, of "
        f"{machine['nproc']} cores; PostgreSQL and any other program had the rest.",
        "",
        "## Data set",
        "",
        "| rows | count |",
        "|---|---:|",
        *[f"| {name} | {count:,} |" for name, count in personas.get("counts", {}).items()],
        "",
        "## Pages",
        "",
        f"{stats['users']} users ({', '.join(f'{n} {r}' for r, n in stats['roles'].items())}) logged in "
        f"through the login form, then the mix for {stats['mix_seconds']:.0f} s (a pause of "
        f"{stats['think'][0]:g}–{stats['think'][1]:g} s between actions), then each page alone for "
        f"{stats['cap_seconds']:.0f} s with no pause (the server saturated) for its capacity. The last "
        "column is the time a worker spends on one request when the page runs alone (2 workers / req/s): "
        "its cost, queueing left out. Alone, each save loads the sheet first (as users do): its req/s are "
        "pairs of both, and its cost is the pair's minus the sheet's.",
        "",
        "| page | mix: requests | p50 ms | p95 ms | req/s | errors | alone: req/s | ratio to /health/ "
        "| alone: ms of a worker per request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses = []
    sheet = _entry(entries, "cap: " + pages["sheet"])
    for key, label in pages.items():
        mix = _entry(entries, "mix: " + label)
        cap = _entry(entries, "cap: " + label)
        ratio = cap["rps"] / ceiling if cap and ceiling else None
        cost = WORKERS * 1000 / cap["rps"] if cap and cap["rps"] else None
        if key == "save" and cost is not None and sheet and sheet["rps"]:
            cost -= WORKERS * 1000 / sheet["rps"]  # alone, each save reloads the sheet first
        row = [
            label,
            str(mix["requests"]) if mix else "—",
            _ms(mix and mix["p50"]),
            _ms(mix and mix["p95"]),
            f"{mix['rps']:.1f}" if mix else "—",
            str((mix["failures"] if mix else 0) + (cap["failures"] if cap else 0)),
            f"{cap['rps']:.1f}" if cap else "—",
            f"{ratio:.2f}" if ratio is not None else "—",
            f"{cost:,.1f}" if cost is not None else "—",
        ]
        lines.append("| " + " | ".join(row) + " |")
        if mix and "pdf" not in key and mix["p95"] > P95_TARGET_MS:
            misses.append(f"p95 of {label}: {mix['p95']:,.0f} ms (target < {P95_TARGET_MS} ms)")
    references = [
        (label, cap["rps"] / ceiling)
        for key, label in pages.items()
        if key in ("signed_in", "floor", "dashboard_kept")
        and (cap := _entry(entries, "cap: " + label))
        and ceiling
    ]
    if references:
        lines += [
            "",
            "The signed-in references, of /health/'s throughput: "
            + "; ".join(f"{label} {ratio:.2f}" for label, ratio in references)
            + " (bench/urls.py).",
        ]
    login = stats.get("login")
    if login:
        lines += [
            "",
            f"Login (before the measurement, not in the table): {login['requests']} logins, p50 "
            f"{_ms(login['p50'])} ms, p95 {_ms(login['p95'])} ms (PBKDF2 password hashing).",
        ]
    failures = sum(e["failures"] for e in entries) + stats.get("failed_logins", 0)
    if failures:
        misses.append(f"{failures} errors")
    if not stats.get("final_pdf_validators"):
        misses.append("the finalized PDF came without ETag and Last-Modified")
    rss = machine.get("rss_kb", [])
    lines += [
        "",
        "## Targets",
        "",
        f"- p95 < {P95_TARGET_MS} ms on every page but PDF rendering; 0 errors; the finalized PDF served "
        "from storage with ETag and Last-Modified "
        f"({'seen' if stats.get('final_pdf_validators') else 'NOT seen'}).",
        "- Missed: " + ("; ".join(misses) if misses else "none."),
        "",
        "## Memory",
        "",
        "Peak resident memory (VmHWM) of each gunicorn worker at the end of the run: "
        + (", ".join(f"{kb / 1024:.0f} MB" for kb in rss) if rss else "not read")
        + ".",
    ]
    if stats["errors"]:
        lines += ["", "## Errors", "", "| request | error | times |", "|---|---|---:|"]
        lines += [f"| {e['name']} | {e['error']} | {e['occurrences']} |" for e in stats["errors"]]
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
