"""The shipped deploy/nginx.conf, rendered for loopback ports and run as a child process.

    with start_nginx([replica_port_1, replica_port_2], Path("/tmp/x")) as nginx:
        urllib.request.urlopen(nginx.url + "/_stcore/health")
        nginx.upstreams()       # which replica served each request (its access log)

Used by tests/deploy/ (nginx in front of two real replicas) and bench/replica_kill.py.
`render` changes only what differs between a server and a loopback rehearsal, and each
change must find exactly what it replaces (a reshaped nginx.conf fails loudly here):

* the upstream's `server` lines -> one per given replica port (their parameters kept:
  `max_fails`, `fail_timeout`);
* `listen 80` -> `listen 127.0.0.1:<a free port>`;
* the access log and nginx's temporary folders -> inside the run's own folder.

nginx then runs in the foreground (`daemon off`) with its pid file and error log in that
folder too, so it never reads /etc/nginx, never writes /run or /var, and never binds
port 80. `stop()` ends exactly that master process by its PID (SIGTERM, then SIGKILL) and
afterwards any worker of it that outlived it, by the PIDs it had.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
NGINX_CONF = HERE / "nginx.conf"
HOST = "127.0.0.1"
START_TIMEOUT = 15.0  # seconds until nginx answers on its port
STOP_TIMEOUT = 10.0  # seconds after SIGTERM before SIGKILL
ATTEMPTS = 3  # free ports tried when another process takes ours meanwhile
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")  # nginx's *_temp_path
# The access log's fields after the time: the request line, status, the replica(s) tried.
LOG_LINE = re.compile(
    r'^\S+ \S+ "(?P<request>[^"]*)" (?P<status>\d+) \S+ upstream="(?P<upstream>[^"]*)"'
)
SERVER_LINE = r"^[ \t]*server[ \t]+\S+?:\d+([^;\n]*);[^\n]*\n"  # an upstream's `server` line


class NginxError(RuntimeError):
    """nginx is missing, refused its configuration, exited, or never answered."""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def _replace_once(pattern: str, replacement, text: str, what: str) -> str:
    result, count = re.subn(pattern, replacement, text, flags=re.M)
    if count != 1:
        raise NginxError(f"nginx.conf: expected one {what}, found {count}")
    return result


def render(conf: str, ports: Sequence[int], listen_port: int, prefix: Path) -> str:
    """nginx.conf for replicas on these loopback ports, serving 127.0.0.1:listen_port,
    writing only inside `prefix`."""
    if not ports:
        raise NginxError("no replica ports")

    def upstream(match: re.Match) -> str:
        lines = re.findall(SERVER_LINE, match.group(2), re.M)
        if not lines:
            raise NginxError("nginx.conf: the upstream block lists no server")
        indent = re.search(r"^([ \t]*)server[ \t]", match.group(2), re.M).group(1)
        servers = "".join(f"{indent}server {HOST}:{port}{lines[0]};\n" for port in ports)
        body = re.sub(SERVER_LINE, "", match.group(2), flags=re.M)
        return match.group(1) + body + servers + match.group(3)

    conf = _replace_once(
        r"^([ \t]*upstream[ \t]+\S+[ \t]*\{[^\n]*\n)((?:(?![ \t]*\}).*\n)*)([ \t]*\})",
        upstream, conf, "upstream block",
    )  # fmt: skip
    conf = _replace_once(r"^([ \t]*)listen[ \t]+80;", rf"\g<1>listen {HOST}:{listen_port};",
                         conf, "`listen 80;`")  # fmt: skip
    conf = _replace_once(r"^([ \t]*access_log[ \t]+)/\S+", rf"\g<1>{prefix}/logs/access.log",
                         conf, "access_log with an absolute path")  # fmt: skip
    temp = "".join(f"    {name}_temp_path {prefix}/temp/{name};\n" for name in TEMP_PATHS)
    return _replace_once(r"^(http[ \t]*\{[^\n]*\n)", rf"\g<1>{temp}", conf, "http block")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def children(pid: int) -> list[int]:
    """The PIDs of this process's children (nginx's workers), from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def run_args(binary: str, prefix: Path, conf: Path) -> list[str]:
    """Foreground, pid file and error log in `prefix`; workers as this user (as root,
    nginx would otherwise run them as `nobody`, who cannot enter a private temp folder)."""
    directives = f"daemon off; pid {prefix}/nginx.pid;"
    if os.geteuid() == 0:
        directives += " user root;"
    return [binary, "-p", f"{prefix}/", "-c", str(conf), "-e", f"{prefix}/logs/error.log",
            "-g", directives]  # fmt: skip


def prepare(prefix: Path, ports: Sequence[int], listen_port: int, source: Path) -> Path:
    """Write the rendered file and the folders it names; return the file's path."""
    for folder in ["logs", *(f"temp/{name}" for name in TEMP_PATHS)]:
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render(source.read_text(), ports, listen_port, prefix))
    return conf


def check(
    prefix: Path, ports: Sequence[int], source: Path = NGINX_CONF
) -> subprocess.CompletedProcess:
    """`nginx -t` on the file rendered for these ports (any free listen port)."""
    binary = nginx_binary()
    if binary is None:
        raise NginxError("nginx is not installed (apt-get install -y nginx)")
    conf = prepare(prefix, ports, free_port(), source)
    argv = run_args(binary, prefix, conf)
    return subprocess.run([argv[0], "-t", *argv[1:]], capture_output=True, text=True, timeout=60)


@dataclass
class Nginx:
    """An nginx master this process started in the foreground; `stop()` ends it by PID."""

    process: subprocess.Popen = field(repr=False)
    port: int
    prefix: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    @property
    def error_log(self) -> Path:
        return self.prefix / "logs" / "error.log"

    def upstreams(self) -> list[tuple[str, int, list[str]]]:
        """(request line, status, replicas tried in order) per finished request, oldest first.
        A websocket appears when it closes."""
        rows = []
        text = self.access_log.read_text() if self.access_log.exists() else ""
        for line in text.splitlines():
            match = LOG_LINE.match(line)
            if match:
                tried = [a for a in re.split(r"[,:] (?=\d)", match["upstream"]) if a.strip()]
                rows.append((match["request"], int(match["status"]), tried))
        return rows

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        workers = children(self.pid)
        self.process.send_signal(signal.SIGTERM)  # fast shutdown: the master ends its workers
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT)
        for worker in workers:  # only if the master died before it could end them
            try:
                if "nginx: worker" in Path(f"/proc/{worker}/cmdline").read_text():
                    os.kill(worker, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass

    def __enter__(self) -> Nginx:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def _start_on(binary: str, port: int, ports, prefix: Path, source: Path, timeout: float):
    conf = prepare(prefix, ports, port, source)
    output = prefix / "logs" / "nginx.out"
    with open(output, "ab") as out:
        argv = run_args(binary, prefix, conf)
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    nginx = Nginx(process, port, prefix)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                errors = nginx.error_log.read_text() if nginx.error_log.exists() else ""
                errors += output.read_text()
                if "Address already in use" in errors:
                    return None
                raise NginxError(f"nginx exited with code {process.returncode}:\n{errors[-3000:]}")
            if listening(port):
                return nginx
            time.sleep(0.1)
    except BaseException:
        nginx.stop()
        raise
    nginx.stop()
    raise NginxError(f"nginx not listening on {HOST}:{port} after {timeout:.0f} s; see {prefix}")


def start_nginx(
    ports: Sequence[int],
    prefix: Path,
    *,
    source: Path = NGINX_CONF,
    timeout: float = START_TIMEOUT,
    attempts: int = ATTEMPTS,
) -> Nginx:
    """Render `source` for these replica ports and run nginx on a free loopback port until
    it listens. Everything it writes stays in `prefix` (created)."""
    binary = nginx_binary()
    if binary is None:
        raise NginxError("nginx is not installed (apt-get install -y nginx)")
    prefix.mkdir(parents=True, exist_ok=True)
    for _attempt in range(attempts):
        nginx = _start_on(binary, free_port(), ports, prefix, source, timeout)
        if nginx is not None:
            return nginx
    raise NginxError(f"no free port for nginx after {attempts} attempts")


def health(url: str, cookie: str | None = None) -> bool:
    request = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": cookie or ""})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except OSError:
        return False
