"""nginx for real: the shipped deploy/nginx.conf in front of two replicas of the app, all on
loopback (tests/deploy/cluster.py), reached the way browsers reach it.

* Every new browser gets its own routing cookie, and all its requests reach one replica;
  different browsers land on both replicas (nginx's access log names the replica).
* A session opened through nginx (the websocket upgrade on /_stcore/stream, with the
  page's Origin and the browser's cookies, the site named as a class would reach a server:
  a host name on a port other than 80) lives on its browser's replica, and when its
  websocket drops and comes back, as Streamlit's page does, it resumes the same session
  on that replica (the replicas' own /_stcore/metrics count connects and reconnects). A
  control shows what stickiness prevents: the same resume under another browser's cookie
  reaches the other replica, which does not know the session and starts a new one.

nginx must be installed (scripts/test.sh installs Debian's, as it installs Chromium): a
missing nginx FAILS here, so a broken setup is seen, not skipped.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from deploy.nginx_local import NginxError, nginx_binary
from tests.deploy.browsers import ROUTE_COOKIE, Browser, Tab
from tests.deploy.cluster import Cluster, Metrics, start_cluster
from tests.support.server import ServerError

LINK = "preset=hihello"  # the lecture's link
BROWSERS = 16  # fresh browsers probing the routing (plain HTTP, cheap)
REQUESTS = 4  # requests per browser
RECONNECTS = 3  # times one tab's websocket drops and comes back
MAX_PROBES = 24  # fresh browsers tried to find one per replica (each lands on one at 1/2)
POLL_S = 15.0  # seconds a replica's counters or nginx's log may take to show a change
RUN_TIMEOUT = 120.0  # seconds for one run of the app on a busy 2-core machine


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    if nginx_binary() is None:
        pytest.fail(
            "nginx is missing: scripts/test.sh installs Debian's (apt-get install -y nginx). "
            "Failing rather than skipping so a broken test setup is visible."
        )
    try:
        started = start_cluster(tmp_path_factory.mktemp("cluster"), replicas=2)
    except (ServerError, NginxError) as error:
        pytest.fail(str(error))
    with started:
        yield started


def new_browser(cluster: Cluster) -> Browser:
    """A browser with empty cookies that visits the site by a name on nginx's port (the
    replica checks that the page's Origin matches the Host nginx passes on)."""
    return Browser(cluster.url, site=f"http://hse.test:{cluster.nginx.port}")


def poll(read, wanted, what: str, limit: float = POLL_S):
    """read() until wanted(value) (every 0.1 s, at most `limit` s); the last value."""
    deadline = time.monotonic() + limit
    while True:
        value = read()
        if wanted(value) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert wanted(value), f"{what}: still {value} after {limit:g} s"
    return value


def replicas_of(cluster: Cluster, marker: str, count: int) -> list[int]:
    """The replicas that served the `count` logged requests whose line contains `marker`."""

    def served():
        return [tried for request, _, tried in cluster.nginx.upstreams() if marker in request]

    rows = poll(served, lambda rows: len(rows) >= count, f"nginx's log of {marker}", 5.0)
    assert all(len(tried) == 1 for tried in rows), f"nginx retried another replica: {rows}"
    return [cluster.replica_of(tried[0]) for tried in rows]


async def probe(cluster: Cluster, name: str) -> tuple[Browser, int]:
    """A fresh browser's first request, and the replica it was routed to."""
    browser = new_browser(cluster)
    status, _ = await browser.get(f"/?probe={name}")
    assert status == 200
    (replica,) = await asyncio.to_thread(replicas_of, cluster, f"probe={name} ", 1)
    return browser, replica


def test_each_browser_gets_its_own_route_and_keeps_its_replica(cluster):
    browsers = [new_browser(cluster) for _ in range(BROWSERS)]

    async def visit(index: int, browser: Browser) -> None:
        for request in range(REQUESTS):  # the page and what it fetches, in order
            status, _ = await browser.get(f"/?browser={index}&request={request}")
            assert status == 200

    async def everyone() -> None:
        await asyncio.gather(*(visit(i, b) for i, b in enumerate(browsers)))

    asyncio.run(everyone())
    routes = [b.route for b in browsers]
    assert all(routes) and len(set(routes)) == BROWSERS, f"one cookie per browser: {routes}"
    for browser in browsers:
        given = [c for c in browser.set_cookies if c.startswith(ROUTE_COOKIE + "=")]
        assert len(given) == 1, f"the route cookie is given once, not {given}"
        assert "HttpOnly" in given[0] and "Path=/" in given[0], given[0]
    landed = []
    for index in range(BROWSERS):
        served = replicas_of(cluster, f"browser={index}&", REQUESTS)
        assert len(set(served)) == 1, f"browser {index} was served by replicas {served}"
        landed.append(served[0])
    spread = Counter(landed)
    assert set(spread) == {0, 1}, f"{BROWSERS} browsers all on one replica: {spread}"


def counters(cluster: Cluster) -> tuple[Metrics | None, ...]:
    return tuple(cluster.metrics(i) for i in range(len(cluster.replicas)))


def check_run(tab: Tab, run) -> None:
    assert run.ok, f"status {run.status}, exceptions {run.exceptions}"
    assert parse_qs(tab.query_string).get("preset") == ["hihello"], tab.query_string
    assert tab.page.plotly_specs(), "the page drew no chart"


def test_a_session_stays_on_its_replica_across_reconnects(cluster):
    asyncio.run(stays_on_its_replica(cluster))


async def stays_on_its_replica(cluster: Cluster) -> None:
    # Two browsers that nginx routes to different replicas.
    on: dict[int, Browser] = {}
    for attempt in range(MAX_PROBES):
        browser, replica = await probe(cluster, f"session{attempt}")
        on.setdefault(replica, browser)
        if len(on) == 2:
            break
    assert set(on) == {0, 1}, f"{MAX_PROBES} new browsers all routed to replica {set(on)}"
    before = counters(cluster)
    assert all(m is not None and m.active == 0 for m in before), before

    # Each opens the lecture's link: websocket through nginx, the app's first run.
    tabs = [on[0].tab(RUN_TIMEOUT), on[1].tab(RUN_TIMEOUT)]
    runs = await asyncio.gather(*(tab.open(LINK) for tab in tabs))
    for tab, run in zip(tabs, runs, strict=True):
        check_run(tab, run)
    assert tabs[0].session_id and tabs[0].session_id != tabs[1].session_id
    opened = await asyncio.to_thread(
        poll,
        lambda: counters(cluster),
        lambda now: all(m and m.active == 1 and m.connects == 1 for m in now),
        "each replica holds its browser's one session",
    )

    # Browser 0's websocket drops and comes back, as the page does: the same session,
    # resumed on the same replica every time; replica 1 sees none of it.
    first = tabs[0].session_id
    for attempt in range(RECONNECTS):
        run = await tabs[0].reconnect()
        check_run(tabs[0], run)
        assert tabs[0].resumed and tabs[0].session_id == first, f"reconnect {attempt}: new session"
    resumed = await asyncio.to_thread(
        poll,
        lambda: counters(cluster),
        lambda now: now[0] and now[0].reconnects == opened[0].reconnects + RECONNECTS,
        f"replica 0 counts {RECONNECTS} reconnects",
    )
    assert resumed[0].connects == 1 and resumed[0].active == 1, resumed[0]
    assert resumed[1] == opened[1], "the other replica saw browser 0's reconnects"

    # A second tab of browser 0 (same cookie): a new session, on the same replica.
    second = on[0].tab(RUN_TIMEOUT)
    check_run(second, await second.open(LINK))
    await asyncio.to_thread(
        poll,
        lambda: counters(cluster),
        lambda now: now[0].connects == 2 and now[0].active == 2 and now[1] == opened[1],
        "browser 0's second tab on replica 0 only",
    )

    # Control: the same resume under browser 1's cookie reaches replica 1, which has never
    # held that session: a new session starts there. Without the sticky cookie, this is
    # what a student's reconnect would do half of the time.
    stray = on[1].tab(RUN_TIMEOUT)
    stray.session_id, stray.query_string = first, LINK
    check_run(stray, await stray.reconnect())
    assert not stray.resumed and stray.session_id != first
    await asyncio.to_thread(
        poll,
        lambda: counters(cluster),
        lambda now: now[1].connects == 2 and now[1].reconnects == 0,
        "the stray resume became a new session on replica 1",
    )
    for tab in [*tabs, second, stray]:
        await tab.close()
