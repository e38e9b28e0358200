"""Turns bench/run.py's figures into the Markdown results file (and a JSON file of every figure)."""

import datetime as dt
import json
import math
import shutil
import statistics
from pathlib import Path

TARGETS = {
    "report submission (API)": (0.5, 3.0),
    "public form (GET + POST)": (0.4, None),
    "status check": (0.5, None),
}


def pct(values, p):
    if not values:
        return math.nan
    values = sorted(values)
    index = min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))
    return values[index]


def verdict(ok):
    if ok is None:
        return "n/a"
    return "**met**" if ok else "**MISSED**"


def med(values):
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return statistics.median(values) if values else math.nan


def fmt(value, digits=1):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}"


def summarise(results):
    """Every row of the issue's table as (what, figure, target, met?)."""
    rows = []
    throughput = results.get("throughput", {})
    base = throughput.get("baseline", {})

    def stats(runs):
        return med([r["rps"] for r in runs]), med([r["latency_us"]["p95"] / 1000 for r in runs])

    for name, (min_ratio, max_p95_ratio) in TARGETS.items():
        for connections, runs in throughput.get(name, {}).items():
            rps, p95 = stats(runs)
            base_rps, base_p95 = stats(base.get(connections, []))
            ratio, p95_ratio = rps / base_rps, p95 / base_p95
            errors = sum(r["non_2xx"] + r["socket_errors"] for r in runs)
            ok = ratio >= min_ratio and (max_p95_ratio is None or p95_ratio <= max_p95_ratio) and errors == 0
            target = f"≥ {min_ratio}× throughput" + (f", p95 ≤ {max_p95_ratio}×" if max_p95_ratio else "")
            rows.append(
                (
                    f"{name}, {connections} connections",
                    f"{fmt(rps)}/s vs baseline {fmt(base_rps)}/s = **{ratio:.2f}×**; "
                    f"p95 {fmt(p95)} ms vs {fmt(base_p95)} ms"
                    f" = **{p95_ratio:.2f}×**; errors/non-2xx {errors}",
                    target,
                    ok,
                )
            )

    pages = results.get("pages", {})
    if len(pages) == 2:
        (low_label, low), (high_label, high) = pages.items()
        for name in low["pages"]:
            a, b = low["pages"][name], high["pages"].get(name)
            if b is None:
                continue
            p95_low = med([r["latency_us"]["p95"] / 1000 for r in a["runs"]])
            p95_high = med([r["latency_us"]["p95"] / 1000 for r in b["runs"]])
            ok = p95_high <= 1.5 * p95_low and a["queries"] == b["queries"] and a["status"] == b["status"] == 200
            rows.append(
                (
                    f"{name} ({low_label} → {high_label})",
                    f"p95 {fmt(p95_low)} → {fmt(p95_high)} ms = **{p95_high / p95_low:.2f}×**; "
                    f"queries {a['queries']} → {b['queries']}; HTTP {a['status']}/{b['status']}",
                    "p95 ≤ 1.5×, same query count",
                    ok,
                )
            )

    sweep = results.get("sweep", {})
    if len(sweep) == 2:
        small, large = sorted(sweep.values(), key=lambda s: s["reports"])
        ratio = large["median_seconds"] / small["median_seconds"]
        rows.append(
            (
                "escalation sweep (one beat tick)",
                f"{fmt(small['median_seconds'] * 1000)} ms at {small['reports']:,} reports "
                f"(raised {small['alerts_raised'][0]}) → {fmt(large['median_seconds'] * 1000)} ms at "
                f"{large['reports']:,} (raised {large['alerts_raised'][0]})"
                f" = **{ratio:.2f}×**",
                "≤ 1.5×",
                ratio <= 1.5,
            )
        )

    alerts = results.get("alerts")
    if alerts:
        a50, a95 = pct(alerts["alert_ms"], 50), pct(alerts["alert_ms"], 95)
        r50, r95 = pct(alerts["roundtrip_ms"], 50), pct(alerts["roundtrip_ms"], 95)
        complete = alerts["alerts_received"] == alerts["reports"]
        rows.append(
            (
                "alert latency (commit → webhook)",
                f"p50 {fmt(a50)} ms, p95 {fmt(a95)} ms over {alerts['alerts_received']}/{alerts['reports']} reports; "
                f"bare Celery round trip p50 {fmt(r50)} ms, p95 {fmt(r95)} ms; **{a95 / r95:.2f}×**",
                "p95 ≤ 10× round trip",
                complete and a95 <= 10 * r95,
            )
        )

    overload = results.get("overload")
    if overload:
        load, c = overload["load"], overload["check"]
        statuses = {int(k): v for k, v in load["statuses"].items()}
        five = sum(v for k, v in statuses.items() if k >= 500)
        shed = sum(v for k, v in statuses.items() if k in (429, 503))
        unanswered = sum(load["errors"].values())
        lost = c["codes_without_row"] + c["rows_without_201"] + unanswered
        base_p95 = med([r["latency_us"]["p95"] / 1000 for r in base.get(64, base.get("64", []))])
        shed_p95 = max((load["latency_ms_by_status"].get(str(k), {}).get("p95") or 0) for k in (429, 503))
        quick = shed == 0 or (not math.isnan(base_p95) and shed_p95 <= 3 * base_p95)
        rows.append(
            (
                "overload (4× sustainable, real rate limits)",
                f"offered {fmt(load['offered_rps'])}/s (target {fmt(overload['target_rps'])}/s, "
                f"4 × {fmt(overload['sustainable_rps'])}) for {load['sent_seconds']:.0f} s; "
                f"answers {dict(sorted(statuses.items()))}, unanswered {unanswered}; "
                f"201s {c['answered_201']}, new rows {c['rows_in_window']}, lost {lost}; 5xx {five}; "
                f"429/503 p95 {fmt(shed_p95)} ms (baseline p95 at 64 conn. {fmt(base_p95)} ms)",
                "0 lost, 0 5xx, excess 429/503, their p95 ≤ 3× baseline p95",
                lost == 0 and five == 0 and quick,
            )
        )

    memory = results.get("memory", {})
    for role, mb in memory.items():
        rows.append((f"peak RSS per {role}", f"{fmt(mb)} MB", "≤ 200 MB", 0 < mb <= 200))
    return rows


def write_report(results, out: Path, *, smoke=False, name=None, latest=True):
    out = Path(out)
    stamp = dt.datetime.now(dt.UTC)
    short = name or ("smoke" if smoke else "full")
    base = out / f"{stamp:%Y-%m-%d}-{short}"
    rows = summarise(results)
    m = results.get("machine", {})
    lines = [
        f"# Benchmark results — {stamp:%Y-%m-%d %H:%M} UTC ({short})",
        "",
        "Every figure is a ratio against a baseline measured in the same run, on the same server and database. "
        "Throughput and latency figures are medians over the runs; raw figures are in the JSON file next to this one.",
        "",
        "## Summary",
        "",
        "| what | figure | target | result |",
        "|---|---|---|---|",
    ]
    lines += [f"| {what} | {figure} | {target} | {verdict(ok)} |" for what, figure, target, ok in rows]
    lines += [
        "",
        "## Machine",
        "",
        f"- CPU: {m.get('cpu')} — {m.get('cores')} cores; RAM {m.get('ram_gb')} GB; kernel {m.get('kernel')}",
        f"- load average before: {fmt_load(m.get('load_before'))}; after: {fmt_load(m.get('load_after'))}"
        f" (`uptime` at start: {m.get('uptime')})",
        f"- Python {m.get('python')}, Django {m.get('Django')}, DRF {m.get('DRF')}, gunicorn {m.get('gunicorn')}, "
        f"Celery {m.get('celery')}, redis-py {m.get('redis-py')}, psycopg2 {m.get('psycopg2')}",
        f"- {m.get('postgresql')}; {m.get('redis')}; {m.get('wrk')}",
        f"- whole run: {results.get('seconds')} s, started {results.get('started')}",
        "",
        "## Data",
        "",
    ]
    for label, seeded in results.get("seeding", {}).items():
        lines.append(f"- `{label}`: `manage.py {seeded['argv']}`: {seeded['seconds']} s")
    if not results.get("seeding"):
        lines.append("- all datasets reused from an earlier `--seed-only` run (`--reuse-data`)")
    for label, page in results.get("pages", {}).items():
        lines.append(f"- pages at {label}: {page['reports']:,} reports, {page['cases']:,} cases in the database")
    lines += [
        "",
        "## Throughput rows (wrk)",
        "",
        "| endpoint | conn | run | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, per_conn in results.get("throughput", {}).items():
        for connections, runs in per_conn.items():
            for i, r in enumerate(runs, 1):
                lat = r["latency_us"]
                lines.append(
                    f"| {name} | {connections} | {i} | {fmt(r['rps'])} | {fmt(lat['p50'] / 1000)} | "
                    f"{fmt(lat['p95'] / 1000)} | {fmt(lat['p99'] / 1000)} | {r['non_2xx']} | {r['socket_errors']} |"
                )
    lines += [
        "",
        "## Staff and public pages",
        "",
        "| size | page | HTTP | queries | run p95 ms | req/s |",
        "|---|---|---|---|---|---|",
    ]
    for label, page in results.get("pages", {}).items():
        for name, figures in page["pages"].items():
            p95s = ", ".join(fmt(r["latency_us"]["p95"] / 1000) for r in figures["runs"])
            rps = ", ".join(fmt(r["rps"]) for r in figures["runs"])
            lines.append(
                f"| {label} | {name} `{figures['path']}` | {figures['status']} | {figures['queries']} "
                f"| {p95s} | {rps} |"
            )
    lines += ["", "## Escalation sweep", ""]
    for label, sweep in results.get("sweep", {}).items():
        runs = ", ".join(fmt(s * 1000) for s in sweep["seconds"])
        hourly = ", ".join(fmt(s * 1000) for s in sweep.get("reminder_seconds", []))
        lines.append(
            f"- {label} ({sweep['cases']:,} cases): runs {runs} ms; alerts raised per run {sweep['alerts_raised']}"
            + (f"; the hourly reminder check (alerts.tasks.remind, not in the tick): {hourly} ms" if hourly else "")
        )
    alerts = results.get("alerts")
    if alerts:
        lines += ["", "## Alert latency", ""]
        for key, title in (("alert_ms", "commit → webhook"), ("roundtrip_ms", "bare Celery round trip")):
            v = alerts[key]
            lines.append(
                f"- {title}: n={len(v)}, p50 {fmt(pct(v, 50))} ms, p90 {fmt(pct(v, 90))} ms, "
                f"p95 {fmt(pct(v, 95))} ms, p99 {fmt(pct(v, 99))} ms, max {fmt(max(v) if v else None)} ms"
            )
        lines.append(f"- urgent reports posted {alerts['reports']}, failed posts {alerts['failed_posts']}")
    overload = results.get("overload")
    if overload:
        lines += ["", "## Overload", "", "```", json.dumps(overload, indent=1, default=str), "```"]
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in results["notes"]]
    lines += ["", "## Commands", "", "```", *dict.fromkeys(results.get("commands", [])), "```", ""]
    md = base.with_suffix(".md")
    md.write_text("\n".join(lines))
    results["summary_rows"] = rows
    base.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    if latest:
        shutil.copyfile(md, out / "latest.md")
    return md


def fmt_load(load):
    return " ".join(f"{x:.2f}" for x in load) if load else "?"
