"""bench/load.py's report: latencies alone and under load, what the sessions held and
left behind, the failures."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from tests.support.students import INTERACTIONS, Record


@dataclass
class Peak:
    """What the server held with every session still open."""

    seconds: float  # from the first arrival until every student was done
    active: int | None
    rss: int
    cpu: float  # server CPU seconds used during the load phase
    unfinished: int  # students still busy at the time cap


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return float("nan"), float("nan"), float("nan")
    p50, p95 = np.percentile(values, [50, 95])
    return float(p50), float(p95), max(values)


def latency_table(baseline: list[Record], load: list[Record]) -> list[str]:
    lines = [
        f"{'interaction':<12}{'alone p50':>10}{'p95':>8}  {'loaded p50':>11}{'p95':>9}"
        f"{'max':>9}{'×p50':>7}  {'first redraw p50/p95':>21}  {'answered':>9}  {'kB p50':>7}"
    ]
    for name in INTERACTIONS:
        single = [r.runs[name].seconds for r in baseline if name in r.runs]
        loaded = [r.runs[name] for r in load if name in r.runs]
        s50, s95, _ = percentiles(single)
        l50, l95, lmax = percentiles([run.seconds for run in loaded])
        f50, f95, _ = percentiles([run.first_delta for run in loaded if run.first_delta])
        kb = np.median([run.received for run in loaded]) / 1000 if loaded else float("nan")
        ok = sum(run.ok for run in loaded)
        lines.append(
            f"{name:<12}{s50:>9.2f}s{s95:>7.2f}s  {l50:>10.2f}s{l95:>8.2f}s{lmax:>8.1f}s"
            f"{l50 / s50:>7.1f}  {f50:>10.2f}s /{f95:>6.2f}s  {ok:>4}/{len(load):<4}  {kb:>7.0f}"
        )
    return lines


def failure_lines(records: list[Record], limit: int = 8) -> list[str]:
    failed = [r for r in records if r.failure]
    lines = [f"  #{r.student.index} at {r.failed_at}: {r.failure[:160]}" for r in failed[:limit]]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines


def probe_line(args, probes: list[float]) -> str:
    if args.probe_every <= 0:
        return "probe: off"
    answered = [x for x in probes if x != float("inf")]
    p50, p95, most = percentiles(answered)
    return (
        f"probe (one more student switching the cell every {args.probe_every:g} s while the "
        f"others train): p50 {p50:.2f} s, p95 {p95:.2f} s, max {most:.1f} s, "
        f"{len(answered)}/{len(probes)} answered"
    )


def cpu_line(cpu: dict[str, list[float]]) -> str:
    """Server CPU per interaction of the students alone (means: /proc counts in 10 ms
    ticks), and their sum."""
    if not cpu:
        return "server CPU per interaction alone: not measured (no student finished alone)"
    means = {name: float(np.mean(values)) for name, values in cpu.items()}
    parts = ", ".join(f"{name} {1000 * value:.0f} ms" for name, value in means.items())
    return (
        f"server CPU per interaction alone (mean of {len(next(iter(cpu.values())))}): "
        f"{parts}; a student {1000 * sum(means.values()):.0f} ms"
    )


def report(args, server, baseline, load, peak, before, after, probes) -> str:
    held = sum(not r.failure for r in load)
    dropped = sum(r.dropped for r in load)
    checks = sum(bool(r.failure) and not r.dropped for r in load) - peak.unfinished
    trained = sum(r.outcome == "trained" for r in load)
    cut = sum(r.outcome == "cut" for r in load)
    tracebacks, warnings = server.log_counts()
    n = len(load)
    lines = [
        f"Hidden-State Explorer under load: {n} sessions, preset {args.preset}, "
        f"{args.steps} training steps, arrivals over {args.ramp:g} s, think {args.think:g} s",
        f"server: {' '.join(server.command[1:])} (pid {server.pid})",
        f"machine: {os.cpu_count()} cores; load average {before['loadavg']} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
        "",
        *latency_table(baseline, load),
        "  (seconds from the request to its script_finished; open includes GET /, health and "
        "host-config; alone = one session on the server; first redraw = the first delta)",
        f"  the server's very first open (imports torch, fills the shared cache): "
        f"{before['first']:.1f} s",
        cpu_line(before["cpu"]),
        "",
        f"sessions: {n} started, {held} held (every interaction answered and checked), "
        f"{dropped} dropped (no answer or connection closed), {checks} failed a check, "
        f"{peak.unfinished} unfinished at the {args.timeout:g} s time cap",
        f"training: {trained} trained all {args.steps} steps, {cut} cut (time limit or diverged)",
        probe_line(args, probes),
        f"load phase: {peak.seconds:.0f} s from the first arrival to the last answer; server CPU "
        f"{peak.cpu:.0f} s ({peak.cpu / max(peak.seconds, 1):.2f} cores, "
        f"{peak.cpu / max(n, 1):.2f} s per session)",
        f"active_sessions: {peak.active} at the peak; {after['active']} after closing "
        f"(polled for {after['settled']:.0f} s); {after.get('ttl_active', '-')} after the "
        f"{after['ttl']} s TTL {after.get('ttl_note', '')}",
        f"server memory (RSS): {mb(before['rss'])} before; {mb(peak.rss)} at the peak, "
        f"{(peak.rss - before['rss']) / max(n, 1) / 1024:,.0f} kB per session; "
        f"{mb(after['rss'])} after closing; {after.get('ttl_rss', '-')} after the TTL; "
        f"high-water {mb(server.peak_rss())}",
        f"opening: {np.median([r.http_bytes for r in load] or [0]) / 1e6:.2f} MB over HTTP per "
        f"session ({'with' if args.assets else 'without'} the page's static files)",
        f"server log: {tracebacks} tracebacks, {warnings} warning/error lines ({server.log_path})",
        f"client: {sum(os.times()[:2]):.0f} s CPU in this process",
    ]
    failures = failure_lines(baseline + load)
    if failures:
        lines += ["", "failures:", *failures]
    return "\n".join(lines)
