"""Start `streamlit run app.py` on a free port, wait until it is healthy, stop it by PID.

    with start_server(log_path) as server:      # or server = start_server(...); server.stop()
        page.goto(server.url)

Used by the browser tests (tests/e2e/conftest.py) and usable from bench/ scripts: it
raises `ServerError` (no pytest here). Only the process this module started is ever
stopped, by its own PID.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds until /_stcore/health answers "ok"
STOP_TIMEOUT = 10.0  # seconds after SIGTERM before SIGKILL
ATTEMPTS = 3  # free ports tried when another process takes ours meanwhile
# The shipped config turns the file watcher off (.streamlit/config.toml); say it here too
# so a run from another folder behaves the same.
DEFAULT_FLAGS = (
    "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
    "--server.fileWatcherType", "none",
)  # fmt: skip


class ServerError(RuntimeError):
    """The server exited, never became healthy, or found no free port."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def healthy(base_url: str) -> bool:
    """True when the server at base_url answers /_stcore/health with "ok"."""
    try:
        with urllib.request.urlopen(base_url + "/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class StreamlitServer:
    """A server this process started; `stop()` ends it (and only it) by its PID."""

    process: subprocess.Popen = field(repr=False)
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        stop_process(self.process)

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def stop_process(process: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; nothing if it has already ended."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def command(port: int, app: str = "app.py", flags: Sequence[str] = ()) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.address", HOST, "--server.port", str(port),
        *DEFAULT_FLAGS, *flags,
    ]  # fmt: skip


def _start_on(
    port: int,
    log_path: Path,
    *,
    app: str,
    root: Path,
    flags: Sequence[str],
    env: Mapping[str, str] | None,
    timeout: float,
) -> StreamlitServer | None:
    """Start on this port; None if another process had it (the caller tries another)."""
    argv = command(port, app, flags)
    environment = None if env is None else {**os.environ, **env}
    with open(log_path, "ab") as log:
        log.write(f"--- {' '.join(argv)}\n".encode())
        log.flush()
        start = log.tell()  # this attempt's output begins here
        process = subprocess.Popen(
            argv, cwd=root, env=environment, stdout=log, stderr=subprocess.STDOUT
        )

    def output() -> str:
        return log_path.read_bytes()[start:].decode(errors="replace")

    server = StreamlitServer(process, port, log_path)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                if f"Port {port} is not available" in output():
                    return None
                raise ServerError(
                    f"streamlit exited with code {process.returncode} before it was healthy; "
                    f"see {log_path}:\n{output()[-3000:]}"
                )
            # Only our own server counts: until it says it listens, a health answer on this
            # port may come from somebody else's server (ours then exits: port taken).
            if f"{HOST}:{port}" in output() and healthy(server.url):
                return server
            time.sleep(0.25)
    except BaseException:  # Ctrl-C, or a bench's SIGTERM handler, while waiting: stop ours
        server.stop()
        raise
    server.stop()
    raise ServerError(f"streamlit not healthy after {timeout:.0f} s; see {log_path}")


def start_server(
    log_path: Path,
    *,
    app: str = "app.py",
    root: Path = REPO,
    flags: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    timeout: float = START_TIMEOUT,
    attempts: int = ATTEMPTS,
) -> StreamlitServer:
    """Run `streamlit run <app>` from `root` on a free port until /_stcore/health says ok.

    log_path: the server's output is appended there (its folder is created).
    flags: more `--section.option value` arguments (they override the defaults).
    env: variables added to this process's environment, for the server only.
    Raises ServerError if it exits, is not healthy within `timeout`, or every one of
    `attempts` free ports was taken by another process before it could listen.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(attempts):
        server = _start_on(
            free_port(), log_path, app=app, root=root, flags=flags, env=env, timeout=timeout
        )
        if server is not None:
            return server
    raise ServerError(f"no free port for streamlit after {attempts} attempts; see {log_path}")
