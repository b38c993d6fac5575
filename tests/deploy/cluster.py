"""Replicas of the app behind the shipped nginx.conf, all on loopback, as deploy/ runs them
on a server: the same cookie secret for every replica, nginx with sticky cookies in front.

    with start_cluster(folder, replicas=2) as cluster:
        cluster.url                        # nginx
        cluster.metrics(0)                 # replica 0's session counters
        cluster.replica_of("127.0.0.1:P")  # which replica an upstream address is
        cluster.kill(0)                    # replica 0 lost (SIGKILL, by its PID)
        cluster.restart(0)                 # back on its port, with the same secret

Used by tests/deploy/test_nginx.py and bench/replica_kill.py. Replicas are started with
tests/support/server.py (free ports, /_stcore/health), nginx with deploy/nginx_local.py;
everything is stopped by its own PID, nginx first.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from deploy.nginx_local import HOST, Nginx, start_nginx
from tests.support.server import (
    REPO,
    ServerError,
    StreamlitServer,
    command,
    healthy,
    start_server,
)

REPLICA_START_TIMEOUT = 120.0  # seconds; two replicas start side by side on a busy machine
METRIC = re.compile(r'^(?P<name>\w+)(?:\{type="(?P<type>\w+)"\})? (?P<value>[\d.e+-]+)$')


@dataclass(frozen=True)
class Metrics:
    """One replica's session counters (/_stcore/metrics)."""

    active: int  # sessions with an open websocket
    connects: int  # new sessions since the start
    reconnects: int  # websockets that resumed a session this replica held
    disconnects: int


def read_metrics(base_url: str) -> Metrics | None:
    """None when the replica does not answer."""
    try:
        with urllib.request.urlopen(base_url + "/_stcore/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return None
    values: dict[str, float] = {}
    for line in text.splitlines():
        match = METRIC.match(line)
        if match:
            values[match["type"] or match["name"]] = float(match["value"])
    return Metrics(
        int(values["active_sessions"]),
        int(values["connect"]),
        int(values["reconnect"]),
        int(values["disconnect"]),
    )


@dataclass
class Cluster:
    replicas: list[StreamlitServer]
    nginx: Nginx
    folder: Path
    secret: str

    @property
    def url(self) -> str:
        return self.nginx.url

    def address(self, index: int) -> str:
        return f"{HOST}:{self.replicas[index].port}"

    def replica_of(self, address: str) -> int:
        """The index of the replica at this upstream address (ValueError if none)."""
        return [self.address(i) for i in range(len(self.replicas))].index(address)

    def metrics(self, index: int) -> Metrics | None:
        return read_metrics(self.replicas[index].url)

    def kill(self, index: int) -> int:
        """Lose replica `index` as a crash would (SIGKILL to its PID); the PID."""
        process = self.replicas[index].process
        process.kill()
        process.wait(timeout=30)
        return process.pid

    def restart(self, index: int, timeout: float = REPLICA_START_TIMEOUT) -> None:
        """Start replica `index` again on its port, as its supervisor would."""
        old = self.replicas[index]
        if old.running():
            raise ServerError(f"replica {index} (PID {old.pid}) is still running")
        with open(old.log_path, "ab") as log:
            process = subprocess.Popen(
                command(old.port),
                cwd=REPO,
                env={**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": self.secret},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.replicas[index] = replica = StreamlitServer(process, old.port, old.log_path)
        deadline = time.monotonic() + timeout
        while not healthy(replica.url):
            if not replica.running() or time.monotonic() > deadline:
                replica.stop()
                raise ServerError(f"replica {index} did not come back; see {old.log_path}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.nginx.stop()
        for replica in self.replicas:
            replica.stop()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def start_replicas(folder: Path, count: int, secret: str) -> list[StreamlitServer]:
    """`count` replicas started side by side, each with the shared cookie secret in its
    environment (as deploy/launch.sh gives it); if one fails, the others are stopped."""
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secret}

    def one(index: int) -> StreamlitServer:
        log = folder / f"replica-{index}.log"
        return start_server(log, env=env, timeout=REPLICA_START_TIMEOUT)

    pool = ThreadPoolExecutor(max_workers=count)
    futures = [pool.submit(one, i) for i in range(count)]
    try:
        started = [future.result() for future in futures]
    except BaseException:  # one failed, or Ctrl-C / SIGTERM: stop every one that started
        for future in futures:
            with contextlib.suppress(BaseException):
                future.result().stop()
        raise
    finally:
        pool.shutdown(wait=False)
    return started


def start_cluster(folder: Path, replicas: int = 2) -> Cluster:
    """`replicas` app replicas and nginx in front of them, all on free loopback ports."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    servers = start_replicas(folder, replicas, secret)
    try:
        nginx = start_nginx([server.port for server in servers], folder / "nginx")
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return Cluster(servers, nginx, folder, secret)
