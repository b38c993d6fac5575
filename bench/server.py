"""A Streamlit server a bench script starts itself, and what the bench reads from it:
active sessions, memory, CPU time, its log.

Starting and stopping is tests/support/server.py's launcher (a free port, the shipped
flags, /_stcore/health, stopped by its own PID, never by name); this adds the readings.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

from tests.support.server import StreamlitServer, command, start_server
from tests.support.streamlit_sessions import Session

START_TIMEOUT = 90.0  # seconds: a busy 2-core machine starts streamlit slowly


class Server:
    """`streamlit run <script>` from `root` on 127.0.0.1, started by `start()`."""

    def __init__(self, root: Path, flags: list[str], log_path: Path, script: str = "app.py"):
        self.root, self.flags, self.log_path, self.script = root, flags, log_path, script
        self.started: StreamlitServer | None = None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")  # this run's output only (log_counts reads it all)
        self.started = start_server(
            self.log_path, app=self.script, root=self.root, flags=self.flags, timeout=timeout
        )

    def stop(self) -> None:
        if self.started is not None:
            self.started.stop()

    @property
    def base_url(self) -> str:
        return self.started.url

    def session(self, run_timeout: float, assets: bool = False) -> Session:
        """A new browser tab on this server."""
        return Session(self.base_url, run_timeout, assets)

    @property
    def pid(self) -> int:
        return self.started.pid

    @property
    def command(self) -> list[str]:
        return command(self.started.port, self.script, self.flags)

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=30) as response:
                return response.read().decode().strip()
        except OSError:
            return ""

    def active_sessions(self) -> int | None:
        for line in self.get("/_stcore/metrics?families=active_sessions").splitlines():
            if line.startswith("active_sessions "):
                return int(float(line.split()[1]))
        return None

    def rss(self) -> int:
        return _status(self.pid, "VmRSS")

    def rss_each(self) -> list[int]:
        return [self.rss()]

    def connects_each(self) -> list[int]:
        """Sessions started since the server started ([count]; 0 if it does not answer)."""
        from tests.deploy.cluster import read_metrics

        return [getattr(read_metrics(self.base_url), "connects", 0)]

    def peak_rss(self) -> int:
        return _status(self.pid, "VmHWM")

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.pid)

    def log_counts(self) -> tuple[int, int]:
        """(tracebacks, warning or error lines) in the server's output so far."""
        return _log_counts(self.log_path)


class BehindNginx:
    """`replicas` app replicas behind the shipped nginx.conf (tests/deploy/cluster.py), read
    as one server: sessions are browsers of their own through nginx (their routing cookie,
    the page's Origin); CPU, memory and sessions are summed over the replicas, and
    `rss_each()` gives each replica's memory."""

    def __init__(self, folder: Path, replicas: int):
        self.folder, self.count = folder, replicas
        self.cluster = None

    def start(self) -> None:
        from tests.deploy.cluster import start_cluster

        self.cluster = start_cluster(self.folder, replicas=self.count)

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()

    @property
    def base_url(self) -> str:
        return self.cluster.url

    @property
    def replica_urls(self) -> list[str]:
        return [replica.url for replica in self.cluster.replicas]

    def session(self, run_timeout: float, assets: bool = False) -> Session:
        from tests.deploy.browsers import Browser

        return Browser(self.cluster.url).tab(run_timeout)

    def _each(self, read) -> list:
        return [read(replica.pid) for replica in self.cluster.replicas]

    def active_sessions(self) -> int | None:
        from tests.deploy.cluster import read_metrics

        counts = [read_metrics(url) for url in self.replica_urls]
        return None if None in counts else sum(m.active for m in counts)

    def rss_each(self) -> list[int]:
        return self._each(lambda pid: _status(pid, "VmRSS"))

    def connects_each(self) -> list[int]:
        """Sessions each replica started since it started (0 if it does not answer)."""
        from tests.deploy.cluster import read_metrics

        return [getattr(read_metrics(url), "connects", 0) for url in self.replica_urls]

    def rss(self) -> int:
        return sum(self.rss_each())

    def peak_rss(self) -> int:
        return sum(self._each(lambda pid: _status(pid, "VmHWM")))

    def cpu_seconds(self) -> float:
        return sum(self._each(_cpu_seconds))

    def log_counts(self) -> tuple[int, int]:
        counts = [_log_counts(replica.log_path) for replica in self.cluster.replicas]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)


def _status(pid: int, name: str) -> int:
    """A /proc/PID/status memory field, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _log_counts(path: Path) -> tuple[int, int]:
    """(tracebacks, warning or error lines) in a server's output so far."""
    text = path.read_text(errors="replace")
    lines = text.splitlines()
    return text.count("Traceback"), sum(" WARNING " in x or " ERROR " in x for x in lines)
