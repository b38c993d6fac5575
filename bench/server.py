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

    def _status(self, name: str) -> int:
        """A /proc/PID/status memory field, in bytes."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
        return 0

    def rss(self) -> int:
        return self._status("VmRSS")

    def peak_rss(self) -> int:
        return self._status("VmHWM")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_counts(self) -> tuple[int, int]:
        """(tracebacks, warning or error lines) in the server's output so far."""
        text = self.log_path.read_text(errors="replace")
        lines = text.splitlines()
        return text.count("Traceback"), sum(" WARNING " in x or " ERROR " in x for x in lines)
