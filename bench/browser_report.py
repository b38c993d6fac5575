"""bench/browser_speed.py's results and their report: cold starts beside the imports,
each interaction's time, bytes, phases and CPU, app beside the minimal app."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bench.browser_page import Sample

TARGET_RATIO = 2.0  # app / minimal app, per interaction, median
PARAGRAPH_RATIO = 3.0  # the app on a long paragraph / the app on the lecture preset


@dataclass
class ColdStart:
    healthy_s: float  # process start -> /_stcore/health says ok
    drawn_s: float  # process start -> first chart drawn in a new browser context
    warm_s: float | None  # then another new context: navigation -> first chart drawn
    phases: dict[str, float] = field(default_factory=dict)  # s: COLD_JS's, then CPU times
    warm_phases: dict[str, float] = field(default_factory=dict)  # the same, second page


@dataclass
class Results:
    cold: dict[str, list[ColdStart]] = field(default_factory=lambda: {"app": [], "minimal": []})
    imports: dict[str, list[float]] = field(default_factory=dict)
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    rounds: int = 0  # measured rounds of interactions done (the warm-up not counted)

    def add(self, action: str, app: str, sample: Sample) -> None:
        self.samples.setdefault((action, app), []).append(sample)


def stats(values: list[float]) -> tuple[float, float]:
    return float(np.median(values)), float(np.percentile(values, 95))


def ms_pair(values: list[float]) -> str:
    median, p95 = stats(values)
    return f"{median:7.0f} / {p95:7.0f}"


def bytes_pair(samples: list[Sample]) -> str:
    sent = np.median([s.sent_bytes for s in samples])
    received = np.median([s.received_bytes for s in samples])
    return f"{sent:8,.0f} / {received:9,.0f}"


def in_page(phases: list[dict[str, float]]) -> str:
    """Medians of a page load's phases (s after the previous one) and CPU times (s)."""
    shown = []
    for part in phases[0]:
        sign = "" if part.startswith("CPU") else "+"
        shown.append(f"{part} {sign}{np.median([p[part] for p in phases]):.2f}")
    return ", ".join(shown)


def report_cold(results: Results) -> None:
    print("\nCold start (s): median / max over n starts, in a new browser context each time")
    for name, starts in results.cold.items():
        if not starts:
            continue
        healthy = [c.healthy_s for c in starts]
        drawn = [c.drawn_s for c in starts]
        print(
            f"  {name:<8} server start -> healthy {np.median(healthy):6.2f} / {max(healthy):6.2f}"
            f"   -> first chart drawn {np.median(drawn):6.2f} / {max(drawn):6.2f}  (n={len(drawn)})"
        )
        print(f"           in the page: {in_page([c.phases for c in starts])}")
        warm = [c.warm_s for c in starts if c.warm_s is not None]
        if warm:
            print(
                f"           a new page once the server is warm (another student arriving): "
                f"{np.median(warm):.2f} / {max(warm):.2f}"
            )
            phases = [c.warm_phases for c in starts if c.warm_s is not None]
            print(f"           in that page: {in_page(phases)}")
    for label, times in results.imports.items():
        print(
            f"  python -c {label!r:<28} {np.median(times):6.2f} / {max(times):6.2f}"
            f"  (n={len(times)}, a fresh interpreter each time, its start included)"
        )
    if results.cold["app"] and results.imports.get("import torch"):
        app = np.median([c.drawn_s for c in results.cold["app"]])
        torch_s = np.median(results.imports["import torch"])
        print(f"  app cold start / import torch: {app / torch_s:.1f}x")


def report_interactions(results: Results) -> None:
    print("\nInteractions: ms from key/pointer press to the frame showing the change")
    print(
        f"  {'action':<22} {'app median/p95':>17}  {'minimal median/p95':>19}  "
        f"{'ratio':>6}  {'app bytes sent/recv':>20}  {'minimal bytes sent/recv':>24}  n"
    )
    for action in dict.fromkeys(action for action, _ in results.samples):
        app = results.samples.get((action, "app"), [])
        minimal = results.samples.get((action, "minimal"), [])
        ratio, minimal_ms, minimal_bytes = "-", "-", "-"
        if minimal:
            ratio = f"{stats([s.ms for s in app])[0] / stats([s.ms for s in minimal])[0]:.2f}x"
            minimal_ms, minimal_bytes = ms_pair([s.ms for s in minimal]), bytes_pair(minimal)
        print(
            f"  {action:<22} {ms_pair([s.ms for s in app]):>17}  {minimal_ms:>19}  {ratio:>6}"
            f"  {bytes_pair(app):>20}  {minimal_bytes:>24}  {len(app)}"
        )
    print(f"  target: app <= {TARGET_RATIO:g}x the minimal app per interaction (median ratio)")
    long = results.samples.get(("paragraph: switch cell", "app"), [])
    lecture = results.samples.get(("switch the cell type", "app"), [])
    if long and lecture:
        ratio = stats([s.ms for s in long])[0] / stats([s.ms for s in lecture])[0]
        print(
            f"  an 850-character paragraph, hidden 64: a cell switch takes {ratio:.2f}x the"
            f" lecture preset's   (target: <= {PARAGRAPH_RATIO:g}x)"
        )
    steps = results.samples.get(("step the time cursor", "app"), [])
    if steps:
        sent = sum(s.sent_frames for s in steps)
        received = sum(s.received_frames for s in steps)
        verdict = "yes" if sent == 0 and received == 0 else "NO"
        print(
            f"  stepping: {sent} frames sent, {received} received over {len(steps)} steps "
            f"-> sends nothing to the server: {verdict}   (target: 0 frames)"
        )


def report_phases(results: Results) -> None:
    print("\nWhere the time went (median ms; bench/browser_page.py phases() says what each is)")
    for (action, name), samples in results.samples.items():
        timed = [s.phases for s in samples if s.phases]
        if not timed:
            continue
        parts = ", ".join(f"{part} {np.median([p[part] for p in timed]):.0f}" for part in timed[0])
        print(f"  {action:<22} {name:<8} {parts}")


def report_cpu(results: Results) -> None:
    print("\nCPU per interaction (median ms; less sensitive to other load than wall time)")
    print(f"  {'action':<22} {'app page/server':>16}  {'minimal page/server':>20}  ratio of sums")
    for action in dict.fromkeys(action for action, _ in results.samples):
        cells = []
        for name in ("app", "minimal"):
            samples = results.samples.get((action, name), [])
            page = np.median([s.browser_cpu_ms for s in samples]) if samples else np.nan
            server = np.median([s.server_cpu_ms for s in samples]) if samples else np.nan
            cells.append((page, server))
        (app_page, app_server), (min_page, min_server) = cells
        ratio = (app_page + app_server) / (min_page + min_server)
        minimal = f"{min_page:7.0f} / {min_server:6.0f}" if not np.isnan(min_page) else "-"
        shown = f"{ratio:.2f}x" if not np.isnan(ratio) else "-"
        print(f"  {action:<22} {app_page:7.0f} / {app_server:6.0f}  {minimal:>20}  {shown:>13}")


def report(results: Results) -> None:
    report_cold(results)
    report_interactions(results)
    report_phases(results)
    report_cpu(results)
