"""deploy/: the nginx file and the replica launcher agree with each other and with the app's
shipped settings, and the launcher starts, checks and stops only its own replicas.

The file is read by a small structural parser here (what each setting is for), and nginx
itself checks it (`nginx -t`, rendered for loopback by deploy/nginx_local.py); nginx then
runs it in front of two replicas in tests/deploy/test_nginx.py. A missing nginx fails
(scripts/test.sh installs it).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deploy.nginx_local import TEMP_PATHS, check, nginx_binary, render

REPO = Path(__file__).resolve().parents[2]
NGINX_CONF = REPO / "deploy" / "nginx.conf"
LAUNCH = REPO / "deploy" / "launch.sh"
STREAMLIT_CONFIG = REPO / ".streamlit" / "config.toml"
SECRET = "test-secret-0123456789abcdef"
LONG_ENOUGH_FOR_A_LECTURE_S = 3 * 3600  # a websocket may stay quiet for a whole lecture


# --- a small nginx parser --------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None  # None: a simple directive ending in ';'
    children: list[Directive] = field(default_factory=list)

    def all(self, name: str) -> list[Directive]:
        return [child for child in self.children if child.name == name]

    def one(self, name: str, *args: str) -> Directive:
        found = [d for d in self.all(name) if d.args[: len(args)] == list(args)]
        assert len(found) == 1, f"expected one `{name} {' '.join(args)}`, found {len(found)}"
        return found[0]

    def values(self, name: str) -> list[list[str]]:
        return [child.args for child in self.all(name)]


TOKEN = re.compile(
    r"""\s+|#[^\n]*"""  # space, comments
    r"""|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'"""  # quoted words
    r"""|([{};])|([^\s{};"'#]+)"""  # punctuation, plain words
)


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value): kind is 'word' (quoted or not) or the punctuation itself."""
    out, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        assert match, f"nginx.conf: cannot read at {text[position : position + 30]!r}"
        position = match.end()
        double, single, punctuation, word = match.groups()
        if punctuation:
            out.append((punctuation, punctuation))
        elif word is not None or double is not None or single is not None:
            out.append(("word", next(v for v in (double, single, word) if v is not None)))
    return out


def parse_nginx(text: str) -> Directive:
    """The file as a tree of directives; fails on unbalanced braces or a missing ';'."""
    root = Directive("(file)", [])
    stack, words = [root], []
    for kind, value in tokens(text):
        if kind == "word":
            words.append(value)
        elif kind == ";":
            assert words, "nginx.conf: an empty statement (';' alone)"
            stack[-1].children.append(Directive(words[0], words[1:]))
            words = []
        elif kind == "{":
            assert words, "nginx.conf: a block without a name"
            block = Directive(words[0], words[1:], block=[])
            stack[-1].children.append(block)
            stack.append(block)
            words = []
        else:  # "}"
            assert not words, f"nginx.conf: {' '.join(words)!r} is missing its ';'"
            assert len(stack) > 1, "nginx.conf: a '}' closes nothing"
            stack.pop()
    assert not words, f"nginx.conf: {' '.join(words)!r} at the end is missing its ';'"
    assert len(stack) == 1, f"nginx.conf: {len(stack) - 1} block(s) never closed"
    return root


def seconds(value: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    match = re.fullmatch(r"(\d+)([smhd]?)", value)
    assert match, f"not an nginx time: {value}"
    return int(match.group(1)) * units[match.group(2) or "s"]


def megabytes(value: str) -> float:
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    assert match, f"not an nginx size: {value}"
    scale = {"": 1 / 2**20, "k": 1 / 2**10, "m": 1, "g": 2**10}[match.group(2).lower()]
    return int(match.group(1)) * scale


@pytest.fixture(scope="module")
def nginx() -> Directive:
    return parse_nginx(NGINX_CONF.read_text())


@pytest.fixture(scope="module")
def http(nginx) -> Directive:
    return nginx.one("http")


@pytest.fixture(scope="module")
def upstream(http) -> Directive:
    blocks = http.all("upstream")
    assert len(blocks) == 1, "one upstream: the replicas"
    return blocks[0]


@pytest.fixture(scope="module")
def server(http) -> Directive:
    return http.one("server")


def upstream_ports(upstream: Directive) -> list[int]:
    addresses = [args[0] for args in upstream.values("server")]
    assert all(a.startswith("127.0.0.1:") for a in addresses), addresses
    return [int(a.rsplit(":", 1)[1]) for a in addresses]


def map_source(http: Directive, variable: str) -> tuple[str, dict[str, str]]:
    """The variable a `map` reads to set `variable`, and its table."""
    for block in http.all("map"):
        if block.args[1] == variable:
            return block.args[0], {child.name: " ".join(child.args) for child in block.children}
    raise AssertionError(f"no map sets {variable}")


# --- the launcher ---------------------------------------------------------------------------


def launch(*args: str, tmp_path: Path, check: bool = True, **env: str):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("REPLICAS", "BASE_PORT", "BIND")
    }
    environment.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
    environment.update(RUN_DIR=str(tmp_path / "run"), PYTHON=sys.executable, **env)
    return subprocess.run(
        ["bash", str(LAUNCH), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
        check=check,
    )


def dry_run_commands(tmp_path: Path, **env: str) -> list[str]:
    result = launch("--dry-run", tmp_path=tmp_path, **env)
    return [line for line in result.stdout.splitlines() if "streamlit run app.py" in line]


def option(command: str, name: str) -> str:
    match = re.search(rf"--{re.escape(name)} (\S+)", command)
    assert match, f"--{name} missing in {command}"
    return match.group(1)


def secret_shown(command: str) -> str:
    match = re.match(r"STREAMLIT_SERVER_COOKIE_SECRET=<([^>]*)> ", command)
    assert match, f"the replica does not get the shared secret: {command}"
    return match.group(1)


# --- nginx.conf -------------------------------------------------------------------------------


def test_parser_rejects_broken_files():
    for broken in ("http { server { listen 80; }", "http { listen 80 }", "}", "a b"):
        with pytest.raises(AssertionError):
            parse_nginx(broken)
    assert parse_nginx('a "b c;" { d; }').children[0].args == ["b c;"]


def test_upstream_lists_one_replica_per_port_of_the_launcher(upstream, tmp_path):
    ports = upstream_ports(upstream)
    assert ports and len(set(ports)) == len(ports), ports
    commands = dry_run_commands(tmp_path, REPLICAS=str(len(ports)))
    assert [int(option(c, "server.port")) for c in commands] == ports
    printed = launch("upstream", tmp_path=tmp_path, REPLICAS=str(len(ports))).stdout
    assert parse_nginx(printed).values("server") == upstream.values("server")


def test_sessions_are_sticky_by_a_per_browser_cookie(http, upstream, server):
    hashes = upstream.values("hash")
    assert upstream.all("ip_hash") == [], "ip_hash sends a class behind one NAT to one replica"
    assert len(hashes) == 1 and hashes[0][1:] == ["consistent"], hashes
    key = hashes[0][0]
    source, table = map_source(http, key)
    assert source.startswith("$cookie_"), f"{key} must come from a cookie, not {source}"
    assert table[""] == "$request_id" and table["default"] == source, table
    cookie = source.removeprefix("$cookie_")
    header_source, header = map_source(http, "$route_cookie")
    assert header_source == source
    assert header[""].startswith(f"{cookie}=$request_id;") and header["default"] == "", header
    assert ["Set-Cookie", "$route_cookie", "always"] in server.values("add_header")


def test_websocket_is_upgraded_and_may_stay_open_for_a_lecture(http, upstream, server):
    source, table = map_source(http, "$connection_upgrade")
    assert source == "$http_upgrade" and table["default"] == "upgrade", table
    stream = server.one("location", "/_stcore/stream")
    headers = stream.values("proxy_set_header")
    assert ["Upgrade", "$http_upgrade"] in headers
    assert ["Connection", "$connection_upgrade"] in headers
    # $http_host keeps the port: the replica accepts the websocket only if Origin == Host
    assert ["Host", "$http_host"] in headers, "a location with its own headers loses the server's"
    assert stream.values("proxy_http_version") == [["1.1"]]
    assert stream.values("proxy_pass") == [[f"http://{upstream.args[0]}"]]
    for name in ("proxy_read_timeout", "proxy_send_timeout"):
        assert seconds(stream.values(name)[0][0]) >= LONG_ENOUGH_FOR_A_LECTURE_S, name


def test_every_location_goes_to_the_replicas_and_health_is_reachable(upstream, server):
    locations = {" ".join(block.args): block for block in server.all("location")}
    assert {"/", "/_stcore/stream", "= /_stcore/health"} <= set(locations), set(locations)
    for path, block in locations.items():
        assert block.values("proxy_pass") == [[f"http://{upstream.args[0]}"]], path


def test_body_limit_equals_the_upload_cap(server):
    cap = tomllib.loads(STREAMLIT_CONFIG.read_text())["server"]["maxUploadSize"]  # MB
    assert [megabytes(v[0]) for v in server.values("client_max_body_size")] == [cap]


def test_server_headers_keep_the_port_and_fail_over_quickly(server):
    assert ["Host", "$http_host"] in server.values("proxy_set_header")
    assert seconds(server.values("proxy_connect_timeout")[0][0]) <= 5, "a dead machine holds"


def test_access_log_names_the_replica_of_every_request(http):
    formats = {block[0]: " ".join(block[1:]) for block in http.values("log_format")}
    logs = http.values("access_log")
    assert len(logs) == 1 and logs[0][1] in formats, (logs, formats)
    assert 'upstream="$upstream_addr"' in formats[logs[0][1]]


def test_rendering_for_loopback_changes_only_ports_listen_and_paths(http, tmp_path):
    prefix = tmp_path / "nginx"
    rendered = parse_nginx(render(NGINX_CONF.read_text(), [9001, 9002], 9100, prefix))
    local = rendered.one("http")
    local_upstream = local.one("upstream")
    assert local_upstream.values("server") == [
        ["127.0.0.1:9001", "max_fails=3", "fail_timeout=10s"],
        ["127.0.0.1:9002", "max_fails=3", "fail_timeout=10s"],
    ]
    assert local.one("server").values("listen") == [["127.0.0.1:9100"]]
    assert local.values("access_log")[0][0] == f"{prefix}/logs/access.log"
    written = [args[0] for name in TEMP_PATHS for args in local.values(f"{name}_temp_path")]
    assert written == [f"{prefix}/temp/{name}" for name in TEMP_PATHS]

    def shape(block: Directive, skip=("server", "listen", "access_log")) -> list:
        return [
            (d.name, d.args, None if d.block is None else shape(d))
            for d in block.children
            if d.name not in skip and not d.name.endswith("_temp_path")
        ]

    assert shape(local) == shape(http), "rendering changed more than ports, listen and paths"


def test_nginx_accepts_the_file(tmp_path):
    if nginx_binary() is None:
        pytest.fail("nginx is missing: scripts/test.sh installs Debian's (apt-get install nginx)")
    result = check(tmp_path / "nginx", [free_base_port(1), free_base_port(1)])
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- launch.sh ------------------------------------------------------------------------------


def test_dry_run_prints_one_replica_per_core_and_starts_nothing(tmp_path):
    commands = dry_run_commands(tmp_path, STREAMLIT_SERVER_COOKIE_SECRET=SECRET)
    assert len(commands) == os.cpu_count()
    ports = [int(option(c, "server.port")) for c in commands]
    assert ports == list(range(8501, 8501 + len(commands))), ports
    assert {option(c, "server.address") for c in commands} == {"127.0.0.1"}
    fingerprint = "sha256:" + hashlib.sha256(SECRET.encode()).hexdigest()[:12]
    assert {secret_shown(c) for c in commands} == {fingerprint}, "one shared cookie secret"
    everything = launch("--dry-run", tmp_path=tmp_path, STREAMLIT_SERVER_COOKIE_SECRET=SECRET)
    assert SECRET not in everything.stdout + everything.stderr, "the secret itself is printed"
    assert not (tmp_path / "run").exists(), "a dry run wrote files"


def test_dry_run_without_a_secret_promises_one_for_all(tmp_path):
    commands = dry_run_commands(tmp_path, REPLICAS="3", BASE_PORT="9100")
    assert [int(option(c, "server.port")) for c in commands] == [9100, 9101, 9102]
    assert len({secret_shown(c) for c in commands}) == 1
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("env", [{"REPLICAS": "0"}, {"REPLICAS": "two"}, {"BASE_PORT": "80"}])
def test_bad_settings_are_refused(tmp_path, env):
    result = launch("--dry-run", tmp_path=tmp_path, check=False, **env)
    assert result.returncode != 0 and "launch.sh:" in result.stderr


def free_base_port(count: int) -> int:
    """A port P with P .. P + count - 1 free right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            sockets = [socket.create_server(("127.0.0.1", base + i)) for i in range(count)]
        except OSError:
            continue
        for sock in sockets:
            sock.close()
        return base
    pytest.fail("no run of free ports")


def environment_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def test_start_status_stop_touch_only_the_replicas_it_started(tmp_path):
    base = free_base_port(2)
    env = {"REPLICAS": "2", "BASE_PORT": str(base), "HEALTH_TIMEOUT": "180"}
    bystander = subprocess.Popen(["sleep", "300"])  # a process the launcher must not touch
    try:
        launch("start", tmp_path=tmp_path, **env)
        secret_file = tmp_path / "run" / "cookie_secret"
        assert secret_file.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "run" / ".gitignore").read_text().strip() == "*", "git may take it"
        rows = [line.split() for line in (tmp_path / "run" / "pids").read_text().splitlines()]
        assert [int(port) for _, port in rows] == [base, base + 1]
        pids = [int(pid) for pid, _ in rows]
        secrets = {environment_of(pid)["STREAMLIT_SERVER_COOKIE_SECRET"] for pid in pids}
        assert secrets == {secret_file.read_text()}, "every replica gets the one stored secret"
        for pid in pids:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
            assert secret_file.read_text() not in command, "the secret is on the command line"
            assert "127.0.0.1" in command
        status = launch("status", tmp_path=tmp_path, **env)
        assert status.stdout.count(": ok") == 2, status.stdout
        again = launch("start", tmp_path=tmp_path, check=False, **env)
        assert again.returncode != 0 and "already running" in again.stderr

        stopped = launch("stop", tmp_path=tmp_path, **env)
        assert stopped.stdout.count("stopped replica") == 2, stopped.stdout
        for pid in pids:
            assert not Path(f"/proc/{pid}").exists() or "Z" in status_letter(pid)
        assert bystander.poll() is None, "stop touched a process it did not start"
        assert not (tmp_path / "run" / "pids").exists()
    finally:
        launch("stop", tmp_path=tmp_path, check=False, **env)
        bystander.kill()
        bystander.wait()


def status_letter(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"
